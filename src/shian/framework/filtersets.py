import django_filters

from shian.core.filtersets import SearchFilterSet
from shian.framework.choices import CategoryKind
from shian.framework.models import Framework, ScoringItem
from shian.organisation.choices import RegionLevel
from shian.organisation.models import Region, Unit


class FrameworkFilterSet(SearchFilterSet):
    search_fields = ("name", "version_label", "issuer", "description")
    owner_region = django_filters.ModelChoiceFilter(
        queryset=Region.objects.filter(level__lte=RegionLevel.COUNTY), label="所属区划"
    )
    is_sample = django_filters.BooleanFilter(label="示例")

    class Meta:
        model = Framework
        fields = ["q", "owner_region", "is_sample"]


class ScoringItemFilterSet(SearchFilterSet):
    search_fields = (
        "code",
        "content",
        "scoring_rule",
        "indicator__name",
        "unmatched_units",
        "unmatched_coop_units",
    )
    framework = django_filters.ModelChoiceFilter(
        field_name="indicator__category__framework", queryset=Framework.objects.all(), label="评价细则"
    )
    kind = django_filters.ChoiceFilter(
        field_name="indicator__category__kind", choices=CategoryKind.choices, label="类别类型"
    )
    is_key = django_filters.BooleanFilter(label="关键项")
    unit = django_filters.ModelChoiceFilter(
        field_name="assignments__unit", queryset=Unit.objects.all(), distinct=True, label="责任单位"
    )

    class Meta:
        model = ScoringItem
        fields = ["q", "framework", "kind", "is_key", "unit"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            self.filters["unit"].queryset = Unit.objects.restrict(user)
            self.form.fields["unit"].queryset = Unit.objects.restrict(user)
