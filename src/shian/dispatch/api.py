"""Dispatch over the API: rounds (list/create/close, summary, timeliness) and reports (retrieve/update/submit)."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.response import Response

from shian.campaigns.models import Campaign
from shian.core.api import MAX_ID, ScopedModelViewSet
from shian.core.services import parse_id
from shian.dispatch import services
from shian.dispatch.choices import RoundKind
from shian.dispatch.filtersets import ReportFilterSet, RoundFilterSet
from shian.dispatch.models import DispatchReport, DispatchRound, ReportLine
from shian.organisation.models import Unit
from shian.workplan.choices import TaskStatus
from shian.workplan.models import Task


class RoundSerializer(serializers.ModelSerializer):
    units = serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.all(),
        many=True,
        write_only=True,
        required=False,
        help_text="报送单位；不填为所有有未完成任务的单位",
    )
    campaign = serializers.PrimaryKeyRelatedField(queryset=Campaign.objects.all())
    kind = serializers.ChoiceField(choices=RoundKind.choices)

    class Meta:
        model = DispatchRound
        fields = [
            "id",
            "campaign",
            "kind",
            "title",
            "period_label",
            "instructions",
            "deadline",
            "status",
            "opened_at",
            "closed_at",
            "units",
            "version",
        ]
        read_only_fields = ["status", "opened_at", "closed_at", "version"]

    def create(self, validated_data):
        d = validated_data
        return services.open_round(
            d["campaign"],
            d["kind"],
            d["title"],
            d["deadline"],
            d.get("period_label", ""),
            d.get("instructions", ""),
            d.get("units") or None,
            actor=self.context["request"].user,
        )


class SummaryReportSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name")
    timeliness = serializers.CharField()

    class Meta:
        model = DispatchReport
        fields = ["id", "unit", "unit_name", "status", "timeliness", "submitted_at"]


class RoundSummarySerializer(serializers.Serializer):
    round = serializers.IntegerField()
    deadline = serializers.DateTimeField()
    status = serializers.CharField()
    on_time = SummaryReportSerializer(many=True, help_text="按时报送")
    late = SummaryReportSerializer(many=True, help_text="逾期报送")
    missing = SummaryReportSerializer(many=True, help_text="未报送")


class UnitTimelinessSerializer(serializers.Serializer):
    unit_id = serializers.IntegerField()
    unit = serializers.CharField()
    short_name = serializers.CharField()
    rounds = serializers.IntegerField(help_text="调度轮次数")
    on_time = serializers.IntegerField()
    late = serializers.IntegerField()
    missing = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True, help_text="按时报送率（%）")


class LineSerializer(serializers.Serializer):
    task = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    status = serializers.ChoiceField(choices=TaskStatus.choices, required=False, allow_null=True)
    progress = serializers.IntegerField(min_value=0, max_value=100)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ReportLineSerializer(serializers.ModelSerializer):
    task_title = serializers.CharField(source="task.title", read_only=True)

    class Meta:
        model = ReportLine
        fields = ["task", "task_title", "status", "progress", "note"]


class ReportSerializer(serializers.ModelSerializer):
    lines = ReportLineSerializer(many=True, read_only=True)
    timeliness = serializers.CharField(read_only=True)
    version = serializers.IntegerField(required=False, help_text="读取时的版本号；修改时必须回传")

    class Meta:
        model = DispatchReport
        fields = [
            "id",
            "round",
            "unit",
            "status",
            "timeliness",
            "narrative",
            "problems",
            "help_needed",
            "submitted_at",
            "submitted_by",
            "lines",
            "version",
        ]
        read_only_fields = ["round", "unit", "status", "submitted_at", "submitted_by"]


class ReportWriteSerializer(serializers.Serializer):
    narrative = serializers.CharField(required=False, allow_blank=True, default="")
    problems = serializers.CharField(required=False, allow_blank=True, default="")
    help_needed = serializers.CharField(required=False, allow_blank=True, default="")
    lines = LineSerializer(many=True, required=False, default=list)
    version = serializers.IntegerField(min_value=1, help_text="读取时的版本号")


class RoundViewSet(ScopedModelViewSet):
    """调度轮次。创建办发起（POST）、结束（close）；summary 返回按时/逾期/未报送单位；timeliness 返回各单位累计及时性。"""

    queryset = DispatchRound.objects.select_related("campaign").order_by("-opened_at", "-id")
    serializer_class = RoundSerializer
    filterset_class = RoundFilterSet
    http_method_names = ["get", "post", "head", "options"]

    def check_create_allowed(self, serializer):
        from shian.workplan.services import check_manage

        check_manage(self.request.user, serializer.validated_data["campaign"])

    @extend_schema(request=None, responses=RoundSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        rnd = services.close_round(self.get_object(), actor=request.user)
        return Response(RoundSerializer(rnd, context=self.get_serializer_context()).data)

    @extend_schema(responses=RoundSummarySerializer)
    @action(detail=True, methods=["get"])
    def summary(self, request, pk=None):
        rnd = self.get_object()
        visible = set(
            DispatchReport.objects.restrict(request.user).filter(round=rnd).values_list("id", flat=True)
        )
        s = services.round_summary(rnd)

        def rows(items):
            return SummaryReportSerializer([r for r in items if r.pk in visible], many=True).data

        return Response(
            {
                "round": rnd.pk,
                "deadline": rnd.deadline,
                "status": rnd.status,
                "on_time": rows(s["on_time"]),
                "late": rows(s["late"]),
                "missing": rows(s["missing"]),
            }
        )

    @extend_schema(
        parameters=[OpenApiParameter("campaign", int, required=True, description="创建项目ID")],
        responses=UnitTimelinessSerializer(many=True),
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def timeliness(self, request):
        cid = request.query_params.get("campaign")
        if parse_id(cid) is None:
            raise DRFValidationError({"campaign": "请提供创建项目ID（campaign）"})
        campaign = Campaign.objects.restrict(request.user).filter(pk=cid).first()
        if campaign is None:
            raise NotFound("创建项目不存在")
        return Response(
            services.unit_timeliness(campaign, reports=DispatchReport.objects.restrict(request.user))
        )


class ReportViewSet(ScopedModelViewSet):
    """调度报告。本单位联络员/负责人在调度期间填报（PUT/PATCH 保存草稿，submit 报送）。"""

    queryset = DispatchReport.objects.select_related("round", "unit").prefetch_related("lines__task")
    serializer_class = ReportSerializer
    filterset_class = ReportFilterSet
    http_method_names = ["get", "put", "patch", "post", "head", "options"]

    def create(self, request, *args, **kwargs):
        raise DRFValidationError({"detail": "调度报告随调度轮次自动生成，不能单独新建"})

    def _save(self, request, submit):
        report = self.get_object()
        data = ReportWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        tasks = {t.pk: t for t in Task.objects.filter(pk__in=[ln["task"] for ln in d["lines"]])}
        lines = [
            (tasks.get(ln["task"], ln["task"]), ln.get("status"), ln["progress"], ln.get("note", ""))
            for ln in d["lines"]
        ]
        services.save_report(
            report,
            d["narrative"],
            d["problems"],
            d["help_needed"],
            lines,
            submit,
            actor=request.user,
            expected_version=d["version"],
        )
        report = self.get_queryset().get(pk=report.pk)
        return Response(ReportSerializer(report, context=self.get_serializer_context()).data)

    @extend_schema(request=ReportWriteSerializer, responses=ReportSerializer)
    def update(self, request, *args, **kwargs):
        """保存草稿。"""
        return self._save(request, submit=False)

    @extend_schema(request=ReportWriteSerializer, responses=ReportSerializer)
    def partial_update(self, request, *args, **kwargs):
        return self._save(request, submit=False)

    @extend_schema(request=ReportWriteSerializer, responses=ReportSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """报送（截止后报送记为逾期）。"""
        return self._save(request, submit=True)


def register(router):
    router.register("rounds", RoundViewSet)
    router.register("reports", ReportViewSet)
