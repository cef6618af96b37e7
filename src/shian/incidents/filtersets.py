import django_filters

from shian.core.filtersets import SearchFilterSet
from shian.incidents.choices import Kind, Level, Status
from shian.incidents.models import Incident, veto_q


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
