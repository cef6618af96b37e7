"""Rankings API: schemes (office writes; compute), runs (read; publish, 加减分, entries, appeal),
appeals (read; decide), 约谈 (office records). The same rules as the pages: services decide."""

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from shian.core import policy
from shian.core.api import MAX_ID, ScopedModelViewSet, ScopedReadOnlyViewSet, VersionedSerializer
from shian.core.files import file_response
from shian.core.views import get_object_for_user
from shian.organisation.models import Unit
from shian.rankings import periods, services
from shian.rankings.models import Adjustment, Appeal, Interview, RankingRun, RankingScheme

# Status-like fields are plain strings here: several apps call a field "status"/"period_kind" with
# other choices, and one enum per name keeps the schema components distinct.
ID_PATTERN = "[0-9]{1,18}"  # a path id that is not a number is a 404, never a server error
RUN_STATUS = "draft 草稿 / published 已发布"
PERIOD_KINDS = "month 月度 / quarter 季度 / half 半年 / year 年度"


class RankingSchemeSerializer(VersionedSerializer):
    subject_kind = serializers.CharField(
        max_length=10, required=False, help_text="member 成员单位 / township 乡镇"
    )
    period_kind = serializers.CharField(max_length=8, required=False, help_text=PERIOD_KINDS)
    list_rule = serializers.CharField(
        max_length=10, required=False, help_text="count 按名额 / threshold 按分数线"
    )
    weights = serializers.DictField(
        child=serializers.FloatField(min_value=0.01, max_value=1e6), help_text="{指标代码: 权重}"
    )
    normalisation = serializers.DictField(
        child=serializers.CharField(max_length=10),
        required=False,
        help_text="{指标代码: raw|rank|minmax|target}",
    )
    targets = serializers.DictField(
        child=serializers.FloatField(min_value=-1e9, max_value=1e9),
        required=False,
        help_text="{指标代码: 目标值}",
    )

    class Meta:
        model = RankingScheme
        fields = [
            "id",
            "campaign",
            "name",
            "subject_kind",
            "period_kind",
            "weights",
            "normalisation",
            "targets",
            "list_rule",
            "red_count",
            "black_count",
            "red_threshold",
            "black_threshold",
            "veto_demotes",
            "interview_after",
            "appeal_days",
            "version",
        ]

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if self.instance is not None and "campaign" in attrs and attrs["campaign"] != self.instance.campaign:
            raise ValidationError({"campaign": "不能改变方案所属的创建项目"})
        probe = RankingScheme(
            weights=attrs.get("weights", getattr(self.instance, "weights", {})),
            normalisation=attrs.get("normalisation", getattr(self.instance, "normalisation", {})),
            targets=attrs.get("targets", getattr(self.instance, "targets", {})),
        )
        services._validate_scheme(probe)
        return attrs


class RankingRunSerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True, help_text=RUN_STATUS)
    period_kind = serializers.CharField(read_only=True, help_text=PERIOD_KINDS)
    period_label = serializers.CharField(read_only=True)
    red = serializers.SerializerMethodField(help_text="红榜单位")
    black = serializers.SerializerMethodField(help_text="黑榜单位")

    class Meta:
        model = RankingRun
        fields = [
            "id",
            "scheme",
            "period_kind",
            "period_start",
            "period_end",
            "period_label",
            "status",
            "revision",
            "supersedes",
            "is_current",
            "computed_at",
            "computed_by",
            "published_at",
            "published_by",
            "appeal_until",
            "weights",
            "labels",
            "red",
            "black",
            "version",
        ]
        read_only_fields = fields

    def get_red(self, obj) -> list[str]:
        return [e["unit"] for e in obj.red_list()]

    def get_black(self, obj) -> list[str]:
        return [e["unit"] for e in obj.black_list()]


class RankingEntrySerializer(serializers.Serializer):
    unit_id = serializers.IntegerField()
    unit = serializers.CharField()
    values = serializers.DictField(child=serializers.FloatField(allow_null=True), help_text="各指标原值")
    parts = serializers.DictField(
        child=serializers.DictField(), help_text="各指标标准化得分、权重占比、得分贡献"
    )
    base = serializers.FloatField(allow_null=True, help_text="加权得分")
    adjust = serializers.FloatField(help_text="加减分合计")
    adjustments = serializers.ListField(child=serializers.DictField())
    demoted = serializers.CharField(help_text="降级原因；空为未降级")
    score = serializers.FloatField(allow_null=True)
    rank = serializers.IntegerField(allow_null=True)
    list = serializers.CharField(help_text="red 红榜 / black 黑榜 / 空")


class RankingComputeInput(serializers.Serializer):
    period = serializers.CharField(
        max_length=10, help_text="2026-05、2026-Q2、2026-H1、2026 或期间内任一日期"
    )


class RankingPublishInput(serializers.Serializer):
    version = serializers.IntegerField(min_value=0, max_value=MAX_ID, help_text="读取时的版本号")


class RankingAdjustmentInput(serializers.Serializer):
    unit = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    points = serializers.DecimalField(max_digits=6, decimal_places=2, help_text="加分为正，减分为负")
    reason = serializers.CharField(max_length=200)


class RankingAdjustmentUpload(RankingAdjustmentInput):
    evidence = serializers.FileField(
        required=False, help_text="佐证文件（可选；与页面上传同样检查类型和大小）"
    )


class RankingAdjustmentSerializer(serializers.ModelSerializer):
    has_evidence = serializers.SerializerMethodField(help_text="是否有佐证文件（下载：evidence 动作）")

    class Meta:
        model = Adjustment
        fields = [
            "id",
            "run",
            "unit",
            "points",
            "reason",
            "evidence_name",
            "has_evidence",
            "created_by",
            "created_at",
            "version",
        ]
        read_only_fields = fields

    def get_has_evidence(self, obj) -> bool:
        return bool(obj.evidence)


class RankingAppealInput(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, help_text="申诉理由")


class RankingAppealUpload(RankingAppealInput):
    evidence = serializers.FileField(required=False, help_text="申诉材料（可选）")


class RankingAppealSerializer(serializers.ModelSerializer):
    status = serializers.CharField(
        read_only=True, help_text="pending 待处理 / upheld 申诉成立 / rejected 维持原排名"
    )
    has_evidence = serializers.SerializerMethodField(help_text="是否附申诉材料（下载：evidence 动作）")

    def get_has_evidence(self, obj) -> bool:
        return bool(obj.evidence)

    class Meta:
        model = Appeal
        fields = [
            "id",
            "run",
            "unit",
            "reason",
            "evidence_name",
            "has_evidence",
            "filed_by",
            "status",
            "decision",
            "reply",
            "correction_points",
            "decided_by",
            "decided_at",
            "corrected_run",
            "created_at",
            "version",
        ]
        read_only_fields = fields


class RankingDecisionInput(serializers.Serializer):
    upheld = serializers.BooleanField(help_text="申诉是否成立")
    decision = serializers.CharField(max_length=2000, help_text="处理意见")
    reply = serializers.CharField(max_length=2000, help_text="公开答复")
    correction_points = serializers.DecimalField(
        max_digits=6, decimal_places=2, required=False, allow_null=True, help_text="更正加减分（生成新版次）"
    )
    version = serializers.IntegerField(min_value=0, max_value=MAX_ID)


class RankingInterviewSerializer(VersionedSerializer):
    status = serializers.CharField(
        max_length=10, required=False, help_text="proposed 拟约谈 / held 已约谈 / closed 已销号"
    )

    class Meta:
        model = Interview
        fields = [
            "id",
            "campaign",
            "unit",
            "runs",
            "reason",
            "status",
            "held_on",
            "attendees",
            "minutes",
            "commitments",
            "follow_up",
            "version",
        ]
        read_only_fields = ["runs"]

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if self.instance is not None:
            for k in ("campaign", "unit"):
                if k in attrs and attrs[k] != getattr(self.instance, k):
                    raise ValidationError({k: "不能修改此字段"})
        return attrs

    def create(self, validated_data):
        return services.create_interview(
            validated_data["campaign"],
            validated_data["unit"],
            validated_data.get("reason", ""),
            actor=self.context["request"].user,
        )

    def update(self, instance, validated_data):
        version = validated_data.pop("version", None)
        if version is None:
            raise ValidationError({"version": "修改时必须提供读取时的版本号 version"})
        for k in ("campaign", "unit"):
            validated_data.pop(k, None)
        return services.record_interview(
            instance, actor=self.context["request"].user, expected_version=version, **validated_data
        )


def _office_only(campaign, user):
    if not policy.manages(user, campaign):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("只有创建办可以编辑排名方案")


class RankingSchemeViewSet(ScopedModelViewSet):
    """排名方案：创建办新建、修改（指标、权重、标准化、红黑榜规则、申诉期）；单位和领导只读。"""

    lookup_value_regex = ID_PATTERN

    queryset = RankingScheme.objects.select_related("campaign__region")
    serializer_class = RankingSchemeSerializer
    filterset_fields = ["campaign", "subject_kind"]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def check_create_allowed(self, serializer):
        _office_only(serializer.validated_data["campaign"], self.request.user)

    def perform_update(self, serializer):
        _office_only(serializer.instance.campaign, self.request.user)
        super().perform_update(serializer)

    @extend_schema(request=RankingComputeInput, responses=RankingRunSerializer)
    @action(detail=True, methods=["post"])
    def compute(self, request, pk=None):
        """计算（或重算草稿）所给期间的排名，冻结输入，生成草稿。"""
        scheme = get_object_for_user(RankingScheme, request.user, pk)
        body = RankingComputeInput(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            day = periods.parse(scheme.period_kind, body.validated_data["period"])
        except (ValueError, TypeError):
            raise ValidationError({"period": "期间格式应为 2026-05、2026-Q2、2026-H1 或 2026"}) from None
        run = services.compute_ranking(scheme, day, actor=request.user)
        return Response(RankingRunSerializer(run, context={"request": request}).data)


class RankingRunViewSet(ScopedReadOnlyViewSet):
    """排名（只读；草稿仅创建办可见）。动作：发布、加减分（草稿）、各单位得分明细、申诉。"""

    lookup_value_regex = ID_PATTERN

    queryset = RankingRun.objects.select_related("scheme")
    serializer_class = RankingRunSerializer
    filterset_fields = ["scheme", "status", "is_current"]

    def get_queryset(self):
        # every action reads through the view scope; the services decide who may do what
        return RankingRun.objects.readable(self.request.user).select_related("scheme")

    def get_permissions(self):
        if getattr(self, "action", None) == "appeal":
            return [permissions.IsAuthenticated()]
        return super().get_permissions()

    @extend_schema(responses=RankingEntrySerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def entries(self, request, pk=None):
        """各单位得分、名次、榜单及“为何此名次”的明细（取自冻结结果）。"""
        return Response(RankingEntrySerializer(self.get_object().entries, many=True).data)

    @extend_schema(request=RankingPublishInput, responses=RankingRunSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """发布草稿：成为本期现行排名，进入申诉期，按规则提出约谈。"""
        run = self.get_object()
        body = RankingPublishInput(data=request.data)
        body.is_valid(raise_exception=True)
        services.publish_run(run, actor=request.user, expected_version=body.validated_data["version"])
        run.refresh_from_db()
        return Response(RankingRunSerializer(run, context={"request": request}).data)

    @extend_schema(
        request={"application/json": RankingAdjustmentInput, "multipart/form-data": RankingAdjustmentUpload},
        responses=RankingRunSerializer,
    )
    @action(detail=True, methods=["post"], parser_classes=[JSONParser, MultiPartParser, FormParser])
    def adjust(self, request, pk=None):
        """对草稿登记加减分；附佐证文件时用 multipart（字段 evidence），下载见 ranking-adjustments 的 evidence。"""
        run = self.get_object()
        body = RankingAdjustmentUpload(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        unit = Unit.objects.filter(pk=data["unit"]).first()
        if unit is None:
            raise ValidationError({"unit": "单位不存在"})
        services.add_adjustment(
            run, unit, data["points"], data["reason"], actor=request.user, evidence=data.get("evidence")
        )
        run.refresh_from_db()
        return Response(RankingRunSerializer(run, context={"request": request}).data)

    @extend_schema(
        request={"application/json": RankingAppealInput, "multipart/form-data": RankingAppealUpload},
        responses={201: RankingAppealSerializer},
    )
    @action(detail=True, methods=["post"], parser_classes=[JSONParser, MultiPartParser, FormParser])
    def appeal(self, request, pk=None):
        """上榜单位在申诉期内对已发布的排名提出申诉；附申诉材料时用 multipart（字段 evidence）。"""
        run = self.get_object()
        body = RankingAppealUpload(data=request.data)
        body.is_valid(raise_exception=True)
        appeal = services.file_appeal(
            run,
            actor=request.user,
            reason=body.validated_data["reason"],
            evidence=body.validated_data.get("evidence"),
        )
        return Response(RankingAppealSerializer(appeal, context={"request": request}).data, status=201)


class RankingAdjustmentViewSet(ScopedReadOnlyViewSet):
    """加减分（只读；所在排名可见者可见）。evidence 下载佐证文件：仅创建办和被加减分的单位，与页面相同。"""

    lookup_value_regex = ID_PATTERN

    queryset = Adjustment.objects.select_related("run__scheme__campaign")
    serializer_class = RankingAdjustmentSerializer
    filterset_fields = ["run", "unit"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Adjustment.objects.none()
        user = self.request.user
        runs = RankingRun.objects.readable(user)
        return self.queryset.all().restrict(user, "view").filter(run__in=runs)

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def evidence(self, request, pk=None):
        """下载加减分的佐证文件。"""
        adj = self.get_object()
        if not services.may_open_adjustment(adj, request.user) or not adj.evidence:
            raise Http404
        return file_response(adj.evidence, adj.evidence_name or adj.evidence.name.rsplit("/", 1)[-1])


class RankingAppealViewSet(ScopedReadOnlyViewSet):
    """排名申诉（创建办和申诉单位可见）。动作：处理（须由未参与本期排名计算、发布的人员处理）。"""

    lookup_value_regex = ID_PATTERN

    queryset = Appeal.objects.select_related("run")
    serializer_class = RankingAppealSerializer
    filterset_fields = ["run", "unit", "status"]

    def get_queryset(self):
        return self.queryset.all().restrict(self.request.user, "view")

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def evidence(self, request, pk=None):
        """下载申诉材料（可见该申诉者：创建办、申诉单位，与页面相同）。"""
        appeal = self.get_object()
        if not appeal.evidence:
            raise Http404
        return file_response(appeal.evidence, appeal.evidence_name or appeal.evidence.name.rsplit("/", 1)[-1])

    @extend_schema(request=RankingDecisionInput, responses=RankingAppealSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        """处理申诉；申诉成立并给出更正加减分时，生成并发布新版次的排名（旧版保留）。"""
        appeal = self.get_object()
        body = RankingDecisionInput(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        version = data.pop("version")
        services.decide_appeal(appeal, actor=request.user, expected_version=version, **data)
        appeal.refresh_from_db()
        return Response(RankingAppealSerializer(appeal, context={"request": request}).data)


class RankingInterviewViewSet(ScopedModelViewSet):
    """约谈（排名与约谈）：创建办提出、记录约谈日期、参加人员、纪要、承诺及跟踪落实；被约谈单位只读。"""

    lookup_value_regex = ID_PATTERN

    queryset = Interview.objects.select_related("unit").prefetch_related("runs")
    serializer_class = RankingInterviewSerializer
    filterset_fields = ["campaign", "unit", "status"]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def check_create_allowed(self, serializer):
        _office_only(serializer.validated_data["campaign"], self.request.user)


def register(router):
    router.register("ranking-schemes", RankingSchemeViewSet, basename="ranking-scheme")
    router.register("ranking-runs", RankingRunViewSet, basename="ranking-run")
    router.register("ranking-adjustments", RankingAdjustmentViewSet, basename="ranking-adjustment")
    router.register("ranking-appeals", RankingAppealViewSet, basename="ranking-appeal")
    router.register("ranking-interviews", RankingInterviewViewSet, basename="ranking-interview")
