"""REST API of supervision data: ledgers (read), metric values, indicator definitions and evaluation."""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from shian.core.api import ScopedModelViewSet, ScopedReadOnlyViewSet, VersionedSerializer
from shian.organisation.models import Region
from shian.supervision import services
from shian.supervision.filtersets import (
    CaseFilterSet,
    ComplaintFilterSet,
    MetricValueFilterSet,
    SamplingFilterSet,
)
from shian.supervision.models import (
    CaseRecord,
    ComplaintRecord,
    IndicatorDefinition,
    MetricValue,
    SamplingRecord,
)


def _record_serializer(model_cls, extra_fields):
    class Meta:
        model = model_cls
        fields = ["id", "number", "region", "year", "ym", *extra_fields, "extra", "version"]

    return type(f"{model_cls.__name__}Serializer", (serializers.ModelSerializer,), {"Meta": Meta})


SamplingSerializer = _record_serializer(
    SamplingRecord,
    [
        "sampled_on",
        "sampled_unit",
        "unit_category",
        "stage",
        "food_category",
        "product",
        "task_type",
        "result",
        "failed_items",
        "disposal_status",
        "disposed_on",
    ],
)
ComplaintSerializer = _record_serializer(
    ComplaintRecord, ["received_on", "channel", "category", "subject", "deadline", "closed_on", "outcome"]
)
CaseSerializer = _record_serializer(
    CaseRecord,
    [
        "opened_on",
        "closed_on",
        "case_type",
        "party",
        "fine_amount",
        "confiscation_amount",
        "transferred_police",
    ],
)


class SamplingViewSet(ScopedReadOnlyViewSet):
    """抽检记录（只读；通过导入维护）。筛选：region（含下级）、period、task_type、result 等。"""

    queryset = SamplingRecord.objects.all()
    serializer_class = SamplingSerializer
    filterset_class = SamplingFilterSet


class ComplaintViewSet(ScopedReadOnlyViewSet):
    """投诉举报记录（只读）。"""

    queryset = ComplaintRecord.objects.all()
    serializer_class = ComplaintSerializer
    filterset_class = ComplaintFilterSet


class CaseViewSet(ScopedReadOnlyViewSet):
    """执法案件记录（只读）。"""

    queryset = CaseRecord.objects.all()
    serializer_class = CaseSerializer
    filterset_class = CaseFilterSet


class MetricValueSerializer(VersionedSerializer):
    class Meta:
        model = MetricValue
        fields = ["id", "metric", "region", "period", "value", "unit", "note", "version"]
        read_only_fields = ["unit"]

    def validate(self, attrs):
        from shian.supervision.periods import parse_period

        period = attrs.get("period") or getattr(self.instance, "period", None)
        metric = attrs.get("metric") or getattr(self.instance, "metric", None)
        region = attrs.get("region") or getattr(self.instance, "region", None)
        try:
            p = parse_period(period)
            services._check_period_fits(metric.form, p)
        except ValidationError as exc:
            raise serializers.ValidationError(exc.message_dict)
        attrs["period"] = p.code
        try:
            services.check_can_enter(self.context["request"].user, metric.form, region)
        except Exception as exc:
            raise PermissionDenied(str(exc))
        if attrs.get("value") is not None and attrs["value"] < 0:
            raise serializers.ValidationError({"value": "数值不能为负数"})
        return attrs

    def create(self, validated_data):
        validated_data["unit"] = self.context["request"].user.unit
        return super().create(validated_data)


class MetricValueViewSet(ScopedModelViewSet):
    """统计数据：按区划、期间填报的汇总值。创建办可填本辖区；单位只能填本单位所在区划。"""

    queryset = MetricValue.objects.select_related("metric", "region")
    serializer_class = MetricValueSerializer
    filterset_class = MetricValueFilterSet
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def check_create_allowed(self, serializer):
        pass  # the serializer checks the region and form against the user (check_can_enter)


class IndicatorSerializer(VersionedSerializer):
    class Meta:
        model = IndicatorDefinition
        fields = [
            "id",
            "code",
            "name",
            "description",
            "formula",
            "numerator",
            "denominator",
            "scale",
            "annualise",
            "value_unit",
            "period_kind",
            "target",
            "comparison",
            "scoring_item",
            "points_at_stake",
            "owner_region",
            "seq",
            "is_active",
            "version",
        ]
        read_only_fields = ["owner_region"]


class IndicatorViewSet(ScopedModelViewSet):
    """计算指标定义；`evaluate` 计算任一区划（含下级）任一期间的数值、分子、分母与目标。"""

    queryset = IndicatorDefinition.objects.all()
    serializer_class = IndicatorSerializer
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def check_create_allowed(self, serializer):
        if not services.can_edit_definitions(self.request.user):
            raise PermissionDenied("只有创建办可以维护计算指标")

    def perform_create(self, serializer):
        self.check_create_allowed(serializer)
        defn = IndicatorDefinition(**{k: v for k, v in serializer.validated_data.items() if k != "version"})
        serializer.instance = services.save_indicator(defn, actor=self.request.user)

    @extend_schema(
        parameters=[
            OpenApiParameter("region", str, description="区划代码（省略时为本人辖区）"),
            OpenApiParameter(
                "period", str, description="2022、2022-H1、2022-Q3、2022-06、2020..2022、R12:2022-06"
            ),
            OpenApiParameter("drill_down", bool, description="同时返回下级区划"),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    @action(detail=True, methods=["get"])
    def evaluate(self, request, pk=None):
        defn = self.get_object()
        code = request.query_params.get("region")
        region = get_object_or_404(Region, code=code) if code else services.default_region(request.user)
        ev = services.evaluate_indicator(
            defn,
            region,
            request.query_params.get("period") or None,
            actor=request.user,
            drill_down=request.query_params.get("drill_down") in ("1", "true"),
        )
        return Response(ev.as_dict())


def register(router):
    router.register("supervision/sampling", SamplingViewSet, basename="supervision-sampling")
    router.register("supervision/complaints", ComplaintViewSet, basename="supervision-complaints")
    router.register("supervision/cases", CaseViewSet, basename="supervision-cases")
    router.register("supervision/metric-values", MetricValueViewSet, basename="supervision-metric-values")
    router.register("supervision/indicators", IndicatorViewSet, basename="supervision-indicators")
