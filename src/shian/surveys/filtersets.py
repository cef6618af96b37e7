import django_filters

from shian.core.filtersets import SearchFilterSet
from shian.surveys.choices import SurveyKind
from shian.surveys.models import Survey


class SurveyFilterSet(SearchFilterSet):
    search_fields = ("title",)
    kind = django_filters.ChoiceFilter(choices=SurveyKind.choices, label="类型")

    class Meta:
        model = Survey
        fields = ["q", "kind", "is_open"]
