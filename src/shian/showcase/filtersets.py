import django_filters

from shian.core.filtersets import SearchFilterSet
from shian.showcase.choices import Direction, Status
from shian.showcase.models import Project


class ProjectFilterSet(SearchFilterSet):
    search_fields = ("title", "partners", "practice")
    direction = django_filters.ChoiceFilter(choices=Direction.choices, label="方向")
    status = django_filters.ChoiceFilter(choices=Status.choices, label="状态")

    class Meta:
        model = Project
        fields = ["q", "campaign", "direction", "status", "lead_unit"]
