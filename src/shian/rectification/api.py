"""Rectification API: the ledger (office writes), unit progress and 销号 actions, 约谈 records, figures."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from shian.core.api import (
    MAX_ID,
    ReadOnlyRolesCannotWrite,
    ScopedModelViewSet,
    ScopedReadOnlyViewSet,
    VersionedSerializer,
)
from shian.core.exports import attachment_header
from shian.core.uploads import check_upload
from shian.core.views import get_object_for_user
from shian.rectification import ledger, services
from shian.rectification.choices import VerifyMethod
from shian.rectification.filtersets import ProblemFilterSet
from shian.rectification.models import Problem, ProblemNote, Summons
from shian.scoring.models import Assessment

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class NoteSerializer(serializers.ModelSerializer):
    author_name = serializers.CharField(source="author.display_name", read_only=True, default="系统")

    class Meta:
        model = ProblemNote
        fields = ["id", "kind", "at", "author", "author_name", "text", "status_after"]


class ProblemSerializer(VersionedSerializer):
    notes = NoteSerializer(many=True, read_only=True)
    overdue_days = serializers.SerializerMethodField()
    verify_method = serializers.ChoiceField(
        choices=VerifyMethod.choices, allow_blank=True, read_only=True, help_text="核验方式；未销号时为空"
    )

    class Meta:
        model = Problem
        fields = [
            "id",
            "campaign",
            "seq",
            "description",
            "source",
            "source_detail",
            "items",
            "deduction",
            "points",
            "unit",
            "person",
            "severity",
            "measures",
            "found_on",
            "deadline",
            "status",
            "progress",
            "evidence_ids",
            "submitted_at",
            "verified_at",
            "verified_by",
            "verify_method",
            "verify_note",
            "reopen_count",
            "escalation",
            "escalated_on",
            "summons",
            "overdue_days",
            "notes",
            "version",
        ]
        read_only_fields = [
            "status",
            "progress",
            "submitted_at",
            "verified_at",
            "verified_by",
            "verify_method",
            "verify_note",
            "reopen_count",
            "escalation",
            "escalated_on",
            "summons",
            "deduction",
            "evidence_ids",
        ]

    def get_overdue_days(self, obj) -> int:
        return obj.overdue_days()

    def create(self, validated_data):
        d = dict(validated_data)
        d.pop("version", None)
        items = d.pop("items", [])
        campaign = d.pop("campaign")
        return services.create_problem(campaign, actor=self.context["request"].user, items=items, **d)

    def update(self, instance, validated_data):
        d = dict(validated_data)
        expected = d.pop("version", None)
        if expected is None:
            raise serializers.ValidationError({"version": "修改时必须提供读取时的版本号 version"})
        d.pop("campaign", None)
        items = d.pop("items", None)
        return services.update_problem(
            instance, actor=self.context["request"].user, expected_version=expected, items=items, **d
        )


class ActionInput(serializers.Serializer):
    version = serializers.IntegerField(
        required=False, min_value=1, help_text="读取时的版本号，防止覆盖他人修改"
    )


class ProblemProgressInput(ActionInput):
    text = serializers.CharField(help_text="整改进展")


class SubmitInput(ActionInput):
    text = serializers.CharField(help_text="整改完成情况")
    evidence_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        default=list,
        help_text="佐证材料编号",
    )


class VerifyInput(ActionInput):
    method = serializers.ChoiceField(choices=VerifyMethod.choices, help_text="核验方式")
    note = serializers.CharField(help_text="核验意见")


class RejectInput(ActionInput):
    reason = serializers.CharField(help_text="退回理由")


class ReopenInput(ActionInput):
    reason = serializers.CharField(help_text="重新打开的原因")
    deadline = serializers.DateField(required=False, allow_null=True, help_text="新的整改时限（YYYY-MM-DD）")


class UnitStatsSerializer(serializers.Serializer):
    unit = serializers.IntegerField()
    unit_name = serializers.CharField()
    total = serializers.IntegerField()
    closed = serializers.IntegerField()
    open = serializers.IntegerField()
    overdue = serializers.IntegerField()
    closed_rate = serializers.FloatField(allow_null=True, help_text="闭环率")
    on_time_rate = serializers.FloatField(allow_null=True, help_text="按时销号率")
    avg_days = serializers.FloatField(allow_null=True, help_text="平均整改天数")


class EscalationSerializer(serializers.Serializer):
    reminder = serializers.IntegerField(help_text="催办提醒")
    warning = serializers.IntegerField(help_text="通报预警")
    interview = serializers.IntegerField(help_text="约谈")


class LedgerImportInput(serializers.Serializer):
    campaign = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="本辖区的创建项目")
    file = serializers.FileField(help_text="整改台账（xlsx/xls）")


class ImportedSerializer(serializers.Serializer):
    created = serializers.ListField(child=serializers.IntegerField(), help_text="新建问题的编号")


class ProblemViewSet(ScopedModelViewSet):
    """整改问题台账。创建办登记、修改、销号、退回、重新打开；责任单位填报进展、申请销号；领导只读。"""

    queryset = Problem.objects.select_related("unit", "campaign__region").prefetch_related(
        "items", "notes__author"
    )
    serializer_class = ProblemSerializer
    filterset_class = ProblemFilterSet
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def check_create_allowed(self, serializer):
        services.check_office(serializer.validated_data["campaign"], self.request.user)

    def perform_update(self, serializer):
        services.check_office(serializer.instance.campaign, self.request.user)
        super().perform_update(serializer)

    def _act(self, request, input_class, func, **kwargs):
        problem = self.get_object()
        body = input_class(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        version = data.pop("version", None)
        func(problem, actor=request.user, expected_version=version, **{**data, **kwargs})
        problem.refresh_from_db()
        return Response(ProblemSerializer(problem, context={"request": request}).data)

    @extend_schema(request=ProblemProgressInput, responses=ProblemSerializer)
    @action(detail=True, methods=["post"])
    def progress(self, request, pk=None):
        """填报整改进展。"""
        return self._act(request, ProblemProgressInput, services.add_progress)

    @extend_schema(request=SubmitInput, responses=ProblemSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """整改完成，申请销号（可附佐证材料编号）。"""
        return self._act(request, SubmitInput, services.submit_completion)

    @extend_schema(request=VerifyInput, responses=ProblemSerializer)
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        """创建办核验销号。"""
        return self._act(request, VerifyInput, services.verify_problem)

    @extend_schema(request=RejectInput, responses=ProblemSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """退回整改。"""
        return self._act(request, RejectInput, services.reject_completion)

    @extend_schema(request=ReopenInput, responses=ProblemSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        """重新打开已销号问题（可给新的整改时限）。"""
        return self._act(request, ReopenInput, services.reopen_problem)

    @extend_schema(responses=UnitStatsSerializer(many=True))
    @action(detail=False, methods=["get"], pagination_class=None)
    def stats(self, request):
        """各责任单位：问题数、销号数、闭环率、按时销号率、平均整改天数。"""
        qs = self.filter_queryset(self.get_queryset())
        return Response(
            [
                {
                    **{k: v for k, v in r.items() if k != "unit"},
                    "unit": r["unit"].pk,
                    "unit_name": r["unit"].name,
                }
                for r in services.unit_stats(qs)
            ]
        )

    @extend_schema(request=None, responses=EscalationSerializer)
    @action(detail=False, methods=["post"])
    def escalate(self, request):
        """逾期升级（与每日运行的 shian escalate-problems 相同，可重复调用）。"""
        if not request.user.is_office:
            raise PermissionDenied("只有创建办可以执行逾期升级")
        from shian.campaigns.models import Campaign

        total = {"reminder": 0, "warning": 0, "interview": 0}
        for c in Campaign.objects.restrict(request.user, "change"):
            for k, v in services.escalate_problems(campaign=c, actor=request.user).items():
                total[k] += v
        return Response(total)

    @extend_schema(request={"multipart/form-data": LedgerImportInput}, responses={201: ImportedSerializer})
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[MultiPartParser])
    def import_ledger(self, request):
        """导入创建办自己的整改台账（multipart：campaign、file）；全部正确才导入，错误按行列给出。"""
        from shian.campaigns.models import Campaign

        body = LedgerImportInput(data=request.data)
        body.is_valid(raise_exception=True)
        campaign = (
            Campaign.objects.restrict(request.user, "change")
            .filter(pk=body.validated_data["campaign"])
            .first()
        )
        if campaign is None:
            raise serializers.ValidationError({"campaign": "请指定本辖区的创建项目"})
        upload = body.validated_data["file"]
        try:
            upload.name = check_upload(upload, "import")
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"file": exc.messages})
        created = ledger.import_ledger(campaign, upload, actor=request.user)
        return Response({"created": [p.pk for p in created]}, status=201)

    @extend_schema(responses={(200, XLSX): OpenApiTypes.BINARY})
    @action(detail=False, methods=["get"], url_path="ledger")
    def ledger_xlsx(self, request):
        """按筛选条件导出打印格式的整改台账（xlsx）。"""
        qs = (
            self.filter_queryset(self.get_queryset())
            .prefetch_related("items")
            .order_by("campaign", "seq", "id")
        )
        data = ledger.write_ledger_xlsx(qs, "食品安全示范创建问题整改台账")
        response = HttpResponse(data, content_type=XLSX)
        response["Content-Disposition"] = attachment_header(
            f"问题整改台账-{timezone.localdate():%Y%m%d}.xlsx"
        )
        return response

    def get_permissions(self):
        if getattr(self, "action", None) in ("progress", "submit"):
            return [permissions.IsAuthenticated()]
        return super().get_permissions()


class SummonsSerializer(VersionedSerializer):
    problems = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Summons
        fields = [
            "id",
            "campaign",
            "unit",
            "status",
            "reason",
            "held_on",
            "convener",
            "attendees",
            "outcome",
            "problems",
            "version",
        ]
        read_only_fields = ["campaign", "unit", "status"]

    def update(self, instance, validated_data):
        return services.record_summons(
            instance,
            actor=self.context["request"].user,
            held_on=validated_data.get("held_on", instance.held_on),
            attendees=validated_data.get("attendees", instance.attendees),
            outcome=validated_data.get("outcome", instance.outcome),
            convener=validated_data.get("convener", instance.convener),
            expected_version=validated_data.get("version"),
        )


class SummonsViewSet(ScopedModelViewSet):
    """约谈记录：逾期升级自动生成待约谈记录，创建办填写约谈日期、参加人员、约谈结果。"""

    queryset = Summons.objects.select_related("unit").prefetch_related("problems")
    serializer_class = SummonsSerializer
    filterset_fields = ["campaign", "unit", "status"]
    http_method_names = ["get", "put", "patch", "head", "options"]


class ProblemNoteViewSet(ScopedReadOnlyViewSet):
    """整改记录（只读时间线）。"""

    queryset = ProblemNote.objects.select_related("author")
    serializer_class = NoteSerializer
    filterset_fields = ["problem", "kind"]

    def get_queryset(self):
        return self.queryset.filter(problem__in=Problem.objects.restrict(self.request.user))


class ProblemsCreatedSerializer(serializers.Serializer):
    created = serializers.ListField(child=serializers.IntegerField(), help_text="新建问题的编号")


class FromAssessmentViewSet(viewsets.ViewSet):
    """把评审中尚未转为问题的扣分全部生成整改问题（POST /api/assessments/<id>/to-problems/）。"""

    permission_classes = [permissions.IsAuthenticated, ReadOnlyRolesCannotWrite]

    @extend_schema(request=None, responses=ProblemsCreatedSerializer)
    def create(self, request, assessment_pk=None):
        assessment = get_object_for_user(Assessment, request.user, assessment_pk, "change")
        created = services.problems_from_deductions(assessment, actor=request.user)
        return Response({"created": [p.pk for p in created]})


def register(router):
    router.register("problems", ProblemViewSet)
    router.register(
        r"assessments/(?P<assessment_pk>[0-9]+)/to-problems",
        FromAssessmentViewSet,
        basename="assessment-to-problems",
    )
    router.register("summonses", SummonsViewSet)
    router.register("problem-notes", ProblemNoteViewSet)
