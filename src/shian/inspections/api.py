"""Inspections API: checklists, plans with their draws, and visits (an inspector sees only theirs)."""

from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from shian.core.api import ScopedReadOnlyViewSet
from shian.inspections import services
from shian.inspections.models import Checklist, ChecklistItem, DrawnSite, InspectionPlan, Visit, VisitAnswer


class ChecklistItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = ChecklistItem
        fields = [
            "id",
            "seq",
            "section",
            "kind",
            "text",
            "points",
            "deduction_rule",
            "photo_required",
            "is_key",
        ]


class ChecklistSerializer(serializers.ModelSerializer):
    items = ChecklistItemSerializer(many=True, read_only=True)

    class Meta:
        model = Checklist
        fields = ["id", "category", "version", "name", "is_current", "basis", "items"]


class DrawnSiteSerializer(serializers.ModelSerializer):
    class Meta:
        model = DrawnSite
        fields = ["id", "business", "stratum", "order", "role", "high_risk", "note"]


class PlanSerializer(serializers.ModelSerializer):
    sites = DrawnSiteSerializer(many=True, read_only=True)

    class Meta:
        model = InspectionPlan
        fields = [
            "id",
            "campaign",
            "name",
            "stage",
            "mode",
            "areas",
            "planned_on",
            "status",
            "seed",
            "drawn_at",
            "drawn_by",
            "snapshot_hash",
            "draw_record",
            "sites",
        ]


class AnswerSerializer(serializers.ModelSerializer):
    class Meta:
        model = VisitAnswer
        fields = ["item", "result", "note", "problem"]


class VisitSerializer(serializers.ModelSerializer):
    answers = AnswerSerializer(many=True, read_only=True)

    class Meta:
        model = Visit
        fields = [
            "id",
            "plan",
            "business",
            "checklist",
            "inspector",
            "parent",
            "status",
            "scheduled_on",
            "submitted_at",
            "score",
            "notes",
            "person_in_charge",
            "answers",
            "version",
        ]


class ChecklistViewSet(ScopedReadOnlyViewSet):
    serializer_class = ChecklistSerializer
    base_queryset = Checklist.objects.prefetch_related("items")


class PlanViewSet(ScopedReadOnlyViewSet):
    serializer_class = PlanSerializer
    base_queryset = InspectionPlan.objects.prefetch_related("sites", "areas")

    @action(detail=True, methods=["post"])
    def draw(self, request, pk=None):
        from rest_framework.exceptions import NotFound, ValidationError

        plan = None
        if str(pk).isdigit():
            plan = InspectionPlan.objects.restrict(request.user, "change").filter(pk=int(pk)).first()
        if plan is None:
            raise NotFound
        seed = request.data.get("seed") if hasattr(request.data, "get") else None
        if seed is not None and not (str(seed).isdigit() and int(seed) < 10**12):
            raise ValidationError({"seed": "随机种子应为不超过12位的非负整数"})
        services.draw_sites(plan, actor=request.user, seed=seed)
        return Response(PlanSerializer(plan).data)


class VisitViewSet(ScopedReadOnlyViewSet):
    serializer_class = VisitSerializer
    base_queryset = Visit.objects.prefetch_related("answers")


def register(router):
    router.register("checklists", ChecklistViewSet, basename="checklist")
    router.register("inspection-plans", PlanViewSet, basename="inspection-plan")
    router.register("visits", VisitViewSet, basename="visit")
