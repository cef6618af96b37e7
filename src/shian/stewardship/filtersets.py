import django_filters

from shian.core.filtersets import SearchFilterSet
from shian.registry.models import Business
from shian.stewardship.choices import CadreLevel
from shian.stewardship.models import Binding, Cadre, StewardVisit


class CadreFilterSet(SearchFilterSet):
    search_fields = ("name", "post", "phone")
    level = django_filters.ChoiceFilter(choices=CadreLevel.choices, label="层级")

    class Meta:
        model = Cadre
        fields = ["q", "level"]


class BindingFilterSet(SearchFilterSet):
    search_fields = ("cadre__name", "business__name")

    class Meta:
        model = Binding
        fields = ["q"]


class UnboundBusinessFilterSet(SearchFilterSet):
    search_fields = ("name", "address")

    class Meta:
        model = Business
        fields = ["q"]


class VisitFilterSet(SearchFilterSet):
    search_fields = ("cadre__name", "business__name")

    class Meta:
        model = StewardVisit
        fields = ["q"]
