"""The gap analysis over the API, at /api/gap/<assessment id>/ (the read side above scoring and rectification)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from shian.core.services import parse_id
from shian.core.views import get_object_for_user
from shian.readiness import gap
from shian.scoring.models import Assessment


class ForecastSerializer(serializers.Serializer):
    base = serializers.FloatField()
    gain = serializers.FloatField()
    total = serializers.FloatField()
    passes = serializers.BooleanField()
    late_problems = serializers.IntegerField()


class UnitLossSerializer(serializers.Serializer):
    unit = serializers.IntegerField()
    name = serializers.CharField()
    lost = serializers.FloatField()


class FixFirstSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    item = serializers.IntegerField()
    code = serializers.CharField()
    lost = serializers.FloatField()
    priority = serializers.FloatField()
    why = serializers.ListField(child=serializers.CharField())
    source = serializers.CharField()


class GapSerializer(serializers.Serializer):
    readiness = serializers.FloatField()
    lost_total = serializers.FloatField()
    days_left = serializers.IntegerField(allow_null=True)
    forecast = ForecastSerializer()
    by_unit = UnitLossSerializer(many=True)
    fix_first = FixFirstSerializer(many=True)


class GapViewSet(viewsets.ViewSet):
    """差距分析（以本评审为依据）：失分、准备度、优先整改清单及理由、整改后预测得分。"""

    permission_classes = [permissions.IsAuthenticated]

    lookup_value_regex = "[0-9]+"

    @extend_schema(
        responses=GapSerializer,
        parameters=[OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="评审ID")],
    )
    def retrieve(self, request, pk=None):
        """GET /api/gap/<评审ID>/"""
        if request.user.role == "expert":
            raise PermissionDenied("评审专家不查看差距分析")
        assessment = get_object_for_user(Assessment, request.user, parse_id(pk) or 0)
        data = gap.analyse(assessment.campaign, assessment, user=request.user)
        return Response(
            {
                "readiness": round(data["readiness"], 4),
                "lost_total": data["lost_total"],
                "days_left": data["days_left"],
                "forecast": data["forecast"],
                "by_unit": [{"unit": u.pk, "name": u.name, "lost": v} for u, v in data["by_unit"]],
                "fix_first": [
                    {
                        "rank": r["rank"],
                        "item": r["item"].pk,
                        "code": r["item"].code,
                        "lost": r["lost"],
                        "priority": r["priority"],
                        "why": r["why"],
                        "source": r["source"],
                    }
                    for r in data["fix_first"]
                ],
            }
        )


def register(router):
    router.register("gap", GapViewSet, basename="gap")
