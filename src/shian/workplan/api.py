"""Tasks over the API: list/filter/retrieve, versioned update, and the workflow as actions."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from shian.campaigns.models import Campaign
from shian.core.api import ScopedModelViewSet, VersionedSerializer
from shian.organisation.models import Unit
from shian.workplan import services
from shian.workplan.filtersets import TaskFilterSet
from shian.workplan.models import Task, TaskUpdate


class TaskSerializer(VersionedSerializer):
    status_label = serializers.CharField(read_only=True, help_text="状态（含派生的“逾期”）")
    is_overdue = serializers.BooleanField(read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    item_code = serializers.CharField(source="item.code", read_only=True, default=None)

    class Meta:
        model = Task
        fields = [
            "id",
            "campaign",
            "item",
            "item_code",
            "parent",
            "title",
            "description",
            "unit",
            "unit_name",
            "role",
            "deadline",
            "status",
            "status_label",
            "is_overdue",
            "progress",
            "latest_note",
            "claimed_by",
            "claimed_at",
            "completed_at",
            "version",
        ]
        read_only_fields = [
            "campaign",
            "parent",
            "status",
            "progress",
            "latest_note",
            "claimed_by",
            "claimed_at",
            "completed_at",
        ]

    def update(self, instance, validated_data):
        expected = validated_data.pop("version", None)
        if expected is None:
            raise serializers.ValidationError({"version": "修改时必须提供读取时的版本号 version"})
        return services.update_task(
            instance, actor=self.context["request"].user, expected_version=expected, **validated_data
        )


class TaskCreateSerializer(TaskSerializer):
    campaign = serializers.PrimaryKeyRelatedField(queryset=Campaign.objects.all())

    class Meta(TaskSerializer.Meta):
        read_only_fields = [f for f in TaskSerializer.Meta.read_only_fields if f != "campaign"]

    def create(self, validated_data):
        validated_data.pop("version", None)
        campaign = validated_data.pop("campaign")
        return services.create_task(
            campaign,
            actor=self.context["request"].user,
            **{
                k: v
                for k, v in validated_data.items()
                if k in ("title", "unit", "deadline", "description", "role", "item")
            },
        )


class TaskUpdateSerializer(serializers.ModelSerializer):
    author_name = serializers.CharField(source="author.display_name", read_only=True, default=None)

    class Meta:
        model = TaskUpdate
        fields = ["id", "at", "author", "author_name", "status_before", "status_after", "progress", "note"]


class ProgressInput(serializers.Serializer):
    progress = serializers.IntegerField(min_value=0, max_value=100)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    status = serializers.ChoiceField(
        choices=["in_progress", "submitted", "done"], required=False, allow_null=True
    )
    version = serializers.IntegerField(required=False)


class NoteInput(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(required=False)


class ReassignInput(serializers.Serializer):
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all())
    note = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(required=False)


class SplitPart(serializers.Serializer):
    title = serializers.CharField()
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all())
    deadline = serializers.DateField(required=False, allow_null=True)


class SplitInput(serializers.Serializer):
    parts = SplitPart(many=True)


class TaskViewSet(ScopedModelViewSet):
    """任务。按单位、类别、状态（含逾期 overdue）、时限筛选；认领、填报进展、完成、改派、拆分通过动作接口。"""

    queryset = Task.objects.select_related("unit", "item").order_by("deadline", "id")
    serializer_class = TaskSerializer
    filterset_class = TaskFilterSet
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_serializer_class(self):
        if self.action == "create":
            return TaskCreateSerializer
        return super().get_serializer_class()

    def check_create_allowed(self, serializer):
        services.check_manage(self.request.user, serializer.validated_data["campaign"])

    def _respond(self, task):
        task.refresh_from_db()
        return Response(TaskSerializer(task, context=self.get_serializer_context()).data)

    def _task(self):
        # Units act on their own tasks: a task outside the user's scope is 404.
        return self.get_object()

    @extend_schema(request=None, responses=TaskSerializer)
    @action(detail=True, methods=["post"])
    def claim(self, request, pk=None):
        """主动认领（本单位联络员/负责人）：待认领 → 进行中。"""
        task = self._task()
        services.claim_task(task, actor=request.user)
        return self._respond(task)

    @extend_schema(request=ProgressInput, responses=TaskSerializer)
    @action(detail=True, methods=["post"])
    def progress(self, request, pk=None):
        """填报进展；单位可改为进行中/已提交，创建办可标记已完成或退回。"""
        task = self._task()
        data = ProgressInput(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        services.report_progress(
            task,
            d["progress"],
            d.get("note", ""),
            d.get("status") or None,
            actor=request.user,
            expected_version=d.get("version"),
        )
        return self._respond(task)

    @extend_schema(request=NoteInput, responses=TaskSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        """创建办确认完成。"""
        task = self._task()
        data = NoteInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.complete_task(
            task,
            data.validated_data["note"],
            actor=request.user,
            expected_version=data.validated_data.get("version"),
        )
        return self._respond(task)

    @extend_schema(request=NoteInput, responses=TaskSerializer)
    @action(detail=True, methods=["post"], url_path="send-back")
    def send_back(self, request, pk=None):
        """创建办退回已提交的任务（note 为退回原因）。"""
        task = self._task()
        data = NoteInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.send_back_task(
            task,
            data.validated_data["note"],
            actor=request.user,
            expected_version=data.validated_data.get("version"),
        )
        return self._respond(task)

    @extend_schema(request=ReassignInput, responses=TaskSerializer)
    @action(detail=True, methods=["post"])
    def reassign(self, request, pk=None):
        """创建办改派任务到另一单位（改派后待新单位认领）。"""
        task = self._task()
        data = ReassignInput(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        if not d["unit"].region.path.startswith(task.campaign.region.path):
            raise PermissionDenied("责任单位不在本创建项目的辖区内")
        services.reassign_task(
            task, d["unit"], note=d["note"], actor=request.user, expected_version=d.get("version")
        )
        return self._respond(task)

    @extend_schema(request=SplitInput, responses=TaskSerializer(many=True))
    @action(detail=True, methods=["post"])
    def split(self, request, pk=None):
        """创建办拆分任务为子任务。"""
        task = self._task()
        data = SplitInput(data=request.data)
        data.is_valid(raise_exception=True)
        parts = [(p["title"], p["unit"], p.get("deadline")) for p in data.validated_data["parts"]]
        children = services.split_task(task, parts, actor=request.user)
        return Response(
            TaskSerializer(children, many=True, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(responses=TaskUpdateSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def updates(self, request, pk=None):
        """进展记录。"""
        task = self.get_object()
        return Response(TaskUpdateSerializer(task.updates.select_related("author"), many=True).data)


def register(router):
    router.register("tasks", TaskViewSet)
