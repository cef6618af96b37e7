import django_filters

from shian.core.filtersets import SearchFilterSet
from shian.incidents.choices import Kind, Level, SiteStatus, SpecialKind, SpecialStatus, Status
from shian.incidents.models import Incident, SpecialCampaign, SpecialSite, veto_q


class IncidentFilterSet(SearchFilterSet):
    search_fields = ("title", "place", "description")
    level = django_filters.ChoiceFilter(choices=Level.choices, label="等级")
    kind = django_filters.ChoiceFilter(choices=Kind.choices, label="类别")
    status = django_filters.ChoiceFilter(choices=Status.choices, label="状态")
    veto = django_filters.BooleanFilter(method="filter_veto", label="计入否决")
    occurred_after = django_filters.DateFilter(
        field_name="occurred_on", lookup_expr="gte", label="发生日期起"
    )
    occurred_before = django_filters.DateFilter(
        field_name="occurred_on", lookup_expr="lte", label="发生日期止"
    )

    class Meta:
        model = Incident
        fields = ["q", "level", "kind", "status", "veto", "occurred_after", "occurred_before"]

    def filter_veto(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(veto_q()) if value else queryset.exclude(veto_q())


class SpecialCampaignFilterSet(SearchFilterSet):
    search_fields = ("title", "goal")
    kind = django_filters.ChoiceFilter(choices=SpecialKind.choices, label="类型")
    status = django_filters.ChoiceFilter(choices=SpecialStatus.choices, label="状态")

    class Meta:
        model = SpecialCampaign
        fields = ["q", "kind", "status"]


class SpecialSiteFilterSet(SearchFilterSet):
    search_fields = ("business__name", "finding", "result")
    status = django_filters.ChoiceFilter(choices=SiteStatus.choices, label="整治情况")

    class Meta:
        model = SpecialSite
        fields = ["q", "campaign", "status"]
