import django_filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from shian.core.filtersets import SearchFilterSet
from shian.organisation.choices import RegionLevel, Role, UnitKind
from shian.organisation.models import Region, Unit, User


class RegionFilterSet(SearchFilterSet):
    search_fields = ("name", "code")
    level = django_filters.ChoiceFilter(choices=RegionLevel.choices, label="层级")
    within = extend_schema_field(OpenApiTypes.INT)(
        django_filters.ModelChoiceFilter(
            queryset=Region.objects.filter(level__lte=RegionLevel.COUNTY),
            method="filter_within",
            label="所属区划",
        )
    )

    class Meta:
        model = Region
        fields = ["q", "level", "within"]

    def filter_within(self, queryset, name, value):
        return queryset.filter(path__startswith=value.path) if value else queryset


class UnitFilterSet(SearchFilterSet):
    search_fields = ("name", "short_name", "contact_person")
    kind = django_filters.ChoiceFilter(choices=UnitKind.choices, label="类型")
    region = django_filters.ModelChoiceFilter(
        queryset=Region.objects.filter(level__lte=RegionLevel.TOWNSHIP),
        method="filter_region",
        label="区划（含下级）",
    )
    is_active = django_filters.BooleanFilter(label="启用")

    class Meta:
        model = Unit
        fields = ["q", "kind", "region", "is_active"]

    def filter_region(self, queryset, name, value):
        return queryset.filter(region__path__startswith=value.path) if value else queryset


class UserFilterSet(SearchFilterSet):
    search_fields = ("username", "name", "phone", "unit__name")
    role = django_filters.ChoiceFilter(choices=Role.choices, label="角色")
    unit = django_filters.ModelChoiceFilter(queryset=Unit.objects.all(), label="单位")
    is_active = django_filters.BooleanFilter(label="启用")

    class Meta:
        model = User
        fields = ["q", "role", "unit", "is_active"]
