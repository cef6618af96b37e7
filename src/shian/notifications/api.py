"""消息中心 and 我的待办 over the API; 催报 / 催办 for the office; channel settings for everybody."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from shian.core.api import ScopedReadOnlyViewSet, SingleObjectSchema
from shian.core.audit import set_actor
from shian.notifications import services
from shian.notifications.choices import Event
from shian.notifications.filtersets import NotificationFilterSet
from shian.notifications.models import Notification, Preference, Reminder
from shian.notifications.todo import my_todo


class NotificationSerializer(serializers.ModelSerializer):
    event_label = serializers.CharField(read_only=True)
    is_read = serializers.BooleanField(read_only=True)

    class Meta:
        model = Notification
        fields = [
            "id",
            "event",
            "event_label",
            "title",
            "body",
            "url",
            "campaign",
            "created_at",
            "read_at",
            "is_read",
        ]


class NotificationViewSet(viewsets.ReadOnlyModelViewSet):
    """我的消息（只含本人的消息）。?event= 类型，?read=unread|read。"""

    queryset = (
        Notification.objects.none()
    )  # typed path parameters for the schema; rows come from get_queryset
    serializer_class = NotificationSerializer
    filterset_class = NotificationFilterSet
    permission_classes = [
        permissions.IsAuthenticated
    ]  # read-only roles may still mark their own messages read

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        set_actor(request.user)

    def get_queryset(self):
        return Notification.objects.mine(self.request.user)

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = self.get_object()
        services.mark_read(notification, actor=request.user)
        return Response(NotificationSerializer(notification).data)

    @extend_schema(
        request=None, responses={200: {"type": "object", "properties": {"marked": {"type": "integer"}}}}
    )
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        return Response({"marked": services.mark_all_read(actor=request.user)})

    @extend_schema(responses={200: {"type": "object", "properties": {"unread": {"type": "integer"}}}})
    @action(detail=False, methods=["get"])
    def unread(self, request):
        return Response({"unread": services.unread_count(request.user)})


class TodoItemSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()
    url = serializers.CharField()
    detail = serializers.CharField()


class TodoViewSet(viewsets.ViewSet):
    """我的待办：与首页相同的清单（数量与链接）。"""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=TodoItemSerializer(many=True))
    def list(self, request):
        items = my_todo(request.user)
        return Response(TodoItemSerializer([i.as_dict() for i in items], many=True).data)


class PreferenceSerializer(serializers.ModelSerializer):
    immediate_events = serializers.ListField(child=serializers.ChoiceField(choices=Event.choices))

    class Meta:
        model = Preference
        fields = ["email_enabled", "sms_enabled", "immediate_events"]


class PreferenceViewSet(viewsets.ViewSet):
    """本人的通知设置：GET 读取，PUT 修改。"""

    permission_classes = [permissions.IsAuthenticated]
    schema = SingleObjectSchema()

    def _current(self, user):
        return Preference.objects.filter(user=user).first() or Preference(user=user)

    @extend_schema(responses=PreferenceSerializer)
    def list(self, request):
        return Response(PreferenceSerializer(self._current(request.user)).data)

    @extend_schema(request=PreferenceSerializer, responses=PreferenceSerializer)
    @action(detail=False, methods=["put"], url_path="update")
    def change(self, request):
        set_actor(request.user)
        data = PreferenceSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        current = self._current(request.user)
        # a field left out keeps its current value (a PUT of one switch must not fail on the others)
        values = {
            "email_enabled": current.email_enabled,
            "sms_enabled": current.sms_enabled,
            "immediate_events": list(current.immediate_events or []),
            **data.validated_data,
        }
        pref = services.update_preferences(request.user, actor=request.user, **values)
        return Response(PreferenceSerializer(pref).data)


class ReminderSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = Reminder
        fields = [
            "id",
            "kind",
            "campaign",
            "unit",
            "unit_name",
            "round",
            "object_id",
            "text",
            "recipients",
            "sent_by",
            "sent_at",
        ]


class UrgeRoundSerializer(serializers.Serializer):
    round = serializers.IntegerField()
    units = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)


class ReminderViewSet(ScopedReadOnlyViewSet):
    """催报 / 催办记录。POST round/ 催报（创建办）。"""

    base_queryset = Reminder.objects.select_related("unit")
    serializer_class = ReminderSerializer
    filterset_fields = ["kind", "campaign", "round", "unit"]

    @extend_schema(request=UrgeRoundSerializer, responses=ReminderSerializer(many=True))
    @action(detail=False, methods=["post"])
    def round(self, request):
        from shian.dispatch.models import DispatchRound

        data = UrgeRoundSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rnd = get_object_or_404(
            DispatchRound.objects.restrict(request.user, "change"), pk=data.validated_data["round"]
        )
        sent = services.urge_round(
            rnd,
            actor=request.user,
            units=data.validated_data["units"] or None,
            note=data.validated_data["note"],
        )
        return Response(ReminderSerializer(sent, many=True).data, status=201)


def register(router):
    router.register("notifications", NotificationViewSet, basename="notification")
    router.register("todo", TodoViewSet, basename="todo")
    router.register("notification-settings", PreferenceViewSet, basename="notification-settings")
    router.register("reminders", ReminderViewSet, basename="reminder")
