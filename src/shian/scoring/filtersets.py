import django_filters

from shian.campaigns.models import Campaign
from shian.core.filtersets import SearchFilterSet
from shian.scoring.choices import AssessmentKind, AssessmentStatus
from shian.scoring.models import Assessment, ItemScore


def _campaigns(request):
    return Campaign.objects.restrict(request.user) if request else Campaign.objects.none()


class AssessmentFilterSet(SearchFilterSet):
    search_fields = ("title", "reviewer", "campaign__name")
    campaign = django_filters.ModelChoiceFilter(queryset=_campaigns, label="创建项目")
    kind = django_filters.ChoiceFilter(choices=AssessmentKind.choices, label="评审类型")
    status = django_filters.ChoiceFilter(choices=AssessmentStatus.choices, label="状态")

    class Meta:
        model = Assessment
        fields = ["q", "campaign", "kind", "status"]


class ItemScoreFilterSet(SearchFilterSet):
    search_fields = ("item__code", "item__content", "note")

    class Meta:
        model = ItemScore
        fields = ["q", "assessment", "item"]
