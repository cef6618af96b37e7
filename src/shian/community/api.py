from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from shian.community import figures, services
from shian.community.filtersets import ActivityFilterSet, PollFilterSet, RewardReportFilterSet
from shian.community.models import Activity, Poll, PollOption, RewardReport, SamplingTask
from shian.core.api import ScopedModelViewSet, ScopedReadOnlyViewSet, VersionedSerializer
from shian.organisation.models import Region, Unit
from shian.supervision.models import SamplingRecord


def _check_region(viewset, serializer):
    region = serializer.validated_data.get("region")
    if region is None or not services.can_manage(viewset.request.user, region):
        raise PermissionDenied("只有本辖区的创建办可以新建")


class ActivitySerializer(VersionedSerializer):
    class Meta:
        model = Activity
        fields = [
            "id",
            "region",
            "kind",
            "title",
            "held_on",
            "place",
            "organiser",
            "participants",
            "volunteers",
            "materials",
            "media_reports",
            "note",
            "version",
        ]


class FiguresQuery(serializers.Serializer):
    region = serializers.IntegerField(required=False)
    as_of = serializers.DateField(required=False)


class ActivityViewSet(ScopedModelViewSet):
    """社会共治活动。创建办在本辖区内新建、修改；其他角色只读。"""

    queryset = Activity.objects.select_related("region")
    serializer_class = ActivitySerializer
    filterset_class = ActivityFilterSet
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def check_create_allowed(self, serializer):
        _check_region(self, serializer)

    @extend_schema(parameters=[FiguresQuery], responses=dict)
    @action(detail=False, methods=["get"])
    def figures(self, request):
        """社会共治 figures of a region the user may see (default: the widest), as of a day."""
        query = FiguresQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        regions = Region.objects.restrict(request.user)
        region_id = query.validated_data.get("region")
        if region_id is not None:
            region = regions.filter(pk=region_id).first()
            if region is None:
                raise serializers.ValidationError({"region": "区划不存在或不在您的管理范围内"})
        else:
            region = regions.order_by("level").first()
            if region is None:
                raise PermissionDenied("您没有可查看的区划")
        as_of = query.validated_data.get("as_of") or timezone.localdate()
        data = figures.counts(region, as_of)
        sentence = figures.sentence(data)
        data["rewards_paid"] = str(data["rewards_paid"])
        return Response({"region": region.pk, "as_of": as_of, **data, "sentence": sentence})


class RewardReportSerializer(VersionedSerializer):
    class Meta:
        model = RewardReport
        fields = [
            "id",
            "region",
            "number",
            "received_on",
            "channel",
            "subject",
            "summary",
            "complaint",
            "status",
            "verified_on",
            "reward_amount",
            "paid_on",
            "version",
        ]
        read_only_fields = ["status", "verified_on", "reward_amount", "paid_on"]


class VerifySerializer(serializers.Serializer):
    version = serializers.IntegerField()
    verified = serializers.BooleanField()


class PaySerializer(serializers.Serializer):
    version = serializers.IntegerField()
    reward_amount = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0)


def _run(fn):
    try:
        return fn()
    except ValidationError as exc:
        raise serializers.ValidationError({"detail": exc.messages})


class RewardReportViewSet(ScopedModelViewSet):
    """有奖举报：受理、查证、发放奖励。创建办在本辖区内办理；其他角色只读。"""

    queryset = RewardReport.objects.select_related("region")
    serializer_class = RewardReportSerializer
    filterset_class = RewardReportFilterSet
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def check_create_allowed(self, serializer):
        _check_region(self, serializer)

    @extend_schema(request=VerifySerializer, responses=RewardReportSerializer)
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        report = self.get_object()
        data = VerifySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = _run(
            lambda: services.verify_report(
                report,
                verified=data.validated_data["verified"],
                actor=request.user,
                expected_version=data.validated_data["version"],
            )
        )
        return Response(RewardReportSerializer(report, context={"request": request}).data)

    @extend_schema(request=PaySerializer, responses=RewardReportSerializer)
    @action(detail=True, methods=["post"])
    def pay(self, request, pk=None):
        report = self.get_object()
        data = PaySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = _run(
            lambda: services.pay_reward(
                report,
                amount=data.validated_data["reward_amount"],
                actor=request.user,
                expected_version=data.validated_data["version"],
            )
        )
        return Response(RewardReportSerializer(report, context={"request": request}).data)


class OptionSerializer(serializers.ModelSerializer):
    class Meta:
        model = PollOption
        fields = ["id", "kind", "name", "votes", "chosen", "task_note", "sampling", "result", "version"]


class PollSerializer(VersionedSerializer):
    options = OptionSerializer(many=True, read_only=True)

    class Meta:
        model = Poll
        fields = [
            "id",
            "region",
            "title",
            "intro",
            "token",
            "status",
            "opens_on",
            "closes_on",
            "results_note",
            "options",
            "version",
        ]
        read_only_fields = ["token", "status"]


class PollStatusSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    status = serializers.ChoiceField(choices=["open", "closed", "published"])


class PollPlanSerializer(serializers.Serializer):
    count = serializers.IntegerField(min_value=1, max_value=20, help_text="按得票从高到低列入抽检的选项数")
    planned_on = serializers.DateField(required=False, allow_null=True)
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all(), required=False, allow_null=True)
    task_type = serializers.CharField(required=False, allow_blank=True, max_length=20)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:  # only units the user may see can be chosen
            self.fields["unit"].queryset = Unit.objects.restrict(user)


class SamplingTaskSerializer(VersionedSerializer):
    class Meta:
        model = SamplingTask
        fields = [
            "id",
            "option",
            "region",
            "product",
            "place",
            "task_type",
            "planned_on",
            "unit",
            "status",
            "sampling",
            "version",
        ]
        read_only_fields = fields


class LinkSamplingSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    sampling = serializers.PrimaryKeyRelatedField(queryset=SamplingRecord.objects.all())

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:
            self.fields["sampling"].queryset = SamplingRecord.objects.restrict(user)


class PollViewSet(ScopedModelViewSet):
    """你点我检。创建办在本辖区内新建、开放投票、截止、公布结果；其他角色只读。"""

    queryset = Poll.objects.select_related("region").prefetch_related("options")
    serializer_class = PollSerializer
    filterset_class = PollFilterSet
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def check_create_allowed(self, serializer):
        _check_region(self, serializer)

    @extend_schema(request=PollStatusSerializer, responses=PollSerializer)
    @action(detail=True, methods=["post"], url_path="status")
    def set_status(self, request, pk=None):
        poll = self.get_object()
        data = PollStatusSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        poll = _run(
            lambda: services.set_poll_status(
                poll,
                data.validated_data["status"],
                actor=request.user,
                expected_version=data.validated_data["version"],
            )
        )
        return Response(PollSerializer(poll, context={"request": request}).data)

    @extend_schema(request=PollPlanSerializer, responses=SamplingTaskSerializer(many=True))
    @action(detail=True, methods=["post"])
    def plan(self, request, pk=None):
        """按得票从高到低把选项列入抽检，生成抽检任务（投票截止后）。"""
        poll = self.get_object()
        data = PollPlanSerializer(data=request.data, user=request.user)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        tasks = _run(
            lambda: services.plan_top_options(
                poll,
                count=v["count"],
                actor=request.user,
                planned_on=v.get("planned_on"),
                unit=v.get("unit"),
                task_type=v.get("task_type", ""),
            )
        )
        return Response(SamplingTaskSerializer(tasks, many=True, context={"request": request}).data)


class SamplingTaskViewSet(ScopedReadOnlyViewSet):
    """你点我检抽检任务（由得票最高的选项生成）。创建办关联抽检台账中的结果；其他角色只读。"""

    queryset = SamplingTask.objects.select_related("region", "option")
    serializer_class = SamplingTaskSerializer
    # created by POST /api/community/polls/{id}/plan/, from the votes

    @extend_schema(request=LinkSamplingSerializer, responses=SamplingTaskSerializer)
    @action(detail=True, methods=["post"])
    def link(self, request, pk=None):
        task = self.get_object()
        data = LinkSamplingSerializer(data=request.data, user=request.user)
        data.is_valid(raise_exception=True)
        task = _run(
            lambda: services.link_sampling(
                task,
                data.validated_data["sampling"],
                actor=request.user,
                expected_version=data.validated_data["version"],
            )
        )
        return Response(SamplingTaskSerializer(task, context={"request": request}).data)


def register(router):
    router.register("community/activities", ActivityViewSet)
    router.register("community/reward-reports", RewardReportViewSet)
    router.register("community/polls", PollViewSet)
    router.register("community/sampling-tasks", SamplingTaskViewSet)
