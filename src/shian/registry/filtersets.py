import django_filters

from shian.core.filtersets import SearchFilterSet
from shian.organisation.models import Region
from shian.registry.choices import BaobaoLevel, BusinessStatus, RiskGrade
from shian.registry.models import Business, SiteCategory


def _regions(request):
    if request is None:
        return Region.objects.none()
    user = request.user
    qs = Region.objects.filter(level__gte=3)
    scope = None if user.is_admin else (user.region_scope or (user.unit.region if user.unit_id else None))
    return (
        qs.filter(path__startswith=scope.path) if scope is not None else (qs if user.is_admin else qs.none())
    )


class BusinessFilterSet(SearchFilterSet):
    search_fields = ("name", "credit_code", "licence_no", "address", "legal_person")
    category = django_filters.ModelChoiceFilter(
        queryset=SiteCategory.objects.filter(is_active=True), label="业态"
    )
    region = django_filters.ModelChoiceFilter(queryset=_regions, method="filter_region", label="区划")
    status = django_filters.ChoiceFilter(choices=BusinessStatus.choices, label="经营状态")
    risk_grade = django_filters.ChoiceFilter(choices=RiskGrade.choices, label="风险等级")
    baobao_level = django_filters.ChoiceFilter(choices=BaobaoLevel.choices, label="包保层级")

    class Meta:
        model = Business
        fields = ["q", "category", "region", "status", "risk_grade", "baobao_level"]

    def filter_region(self, queryset, name, value):
        return queryset.filter(region__path__startswith=value.path)
