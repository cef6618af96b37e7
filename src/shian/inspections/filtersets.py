import django_filters

from shian.core.filtersets import SearchFilterSet
from shian.inspections.choices import Mode, Stage, VisitStatus
from shian.inspections.models import Checklist, InspectionPlan, Visit
from shian.registry.models import SiteCategory


class PlanFilterSet(SearchFilterSet):
    search_fields = ("name",)
    stage = django_filters.ChoiceFilter(choices=Stage.choices, label="阶段")
    mode = django_filters.ChoiceFilter(choices=Mode.choices, label="方式")

    class Meta:
        model = InspectionPlan
        fields = ["q", "stage", "mode", "status"]


class VisitFilterSet(SearchFilterSet):
    search_fields = ("business__name", "business__address")
    status = django_filters.ChoiceFilter(choices=VisitStatus.choices, label="状态")
    category = django_filters.ModelChoiceFilter(
        field_name="business__category", label="业态", queryset=SiteCategory.objects.filter(is_active=True)
    )

    class Meta:
        model = Visit
        fields = ["q", "status", "category", "plan"]


class ChecklistFilterSet(SearchFilterSet):
    search_fields = ("name", "category__name")

    class Meta:
        model = Checklist
        fields = ["q", "category", "is_current"]
