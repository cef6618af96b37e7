import django_filters

from shian.campaigns.models import Campaign
from shian.core.filtersets import SearchFilterSet
from shian.dispatch.choices import ReportStatus, RoundKind, RoundStatus
from shian.dispatch.models import DispatchReport, DispatchRound
from shian.organisation.models import Unit


def _campaigns(request):
    return Campaign.objects.restrict(request.user) if request is not None else Campaign.objects.none()


def _rounds(request):
    return (
        DispatchRound.objects.restrict(request.user) if request is not None else DispatchRound.objects.none()
    )


def _units(request):
    return Unit.objects.restrict(request.user) if request is not None else Unit.objects.none()


class RoundFilterSet(SearchFilterSet):
    search_fields = ("title", "period_label", "instructions")
    campaign = django_filters.ModelChoiceFilter(queryset=_campaigns, label="创建项目")
    kind = django_filters.ChoiceFilter(choices=RoundKind.choices, label="调度类型")
    status = django_filters.ChoiceFilter(choices=RoundStatus.choices, label="状态")

    class Meta:
        model = DispatchRound
        fields = ["q", "campaign", "kind", "status"]


class ReportFilterSet(SearchFilterSet):
    search_fields = ("unit__name", "unit__short_name", "narrative", "problems", "help_needed", "round__title")
    round = django_filters.ModelChoiceFilter(queryset=_rounds, label="调度轮次")
    unit = django_filters.ModelChoiceFilter(queryset=_units, label="单位")
    status = django_filters.ChoiceFilter(choices=ReportStatus.choices, label="报送状态")

    class Meta:
        model = DispatchReport
        fields = ["q", "round", "unit", "status"]
