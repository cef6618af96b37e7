import django_filters
from django import forms
from django.utils import timezone

from shian.campaigns.models import Campaign
from shian.core.filtersets import SearchFilterSet
from shian.organisation.models import Unit
from shian.rectification.choices import Escalation, Severity, Source, Status
from shian.rectification.models import Problem, Summons


def _campaigns(request):
    return Campaign.objects.restrict(request.user) if request else Campaign.objects.none()


def _units(request):
    return Unit.objects.restrict(request.user) if request else Unit.objects.none()


class ProblemFilterSet(SearchFilterSet):
    search_fields = ("description", "measures", "progress", "person", "unit__name", "unit__short_name")
    campaign = django_filters.ModelChoiceFilter(queryset=_campaigns, label="创建项目")
    status = django_filters.ChoiceFilter(
        choices=[*Status.choices, ("overdue", "逾期未销号")], method="filter_status", label="状态"
    )
    severity = django_filters.ChoiceFilter(choices=Severity.choices, label="色标")
    source = django_filters.ChoiceFilter(choices=Source.choices, label="来源")
    unit = django_filters.ModelChoiceFilter(queryset=_units, label="责任单位")
    escalation = django_filters.ChoiceFilter(choices=Escalation.choices, label="逾期升级")
    item = django_filters.CharFilter(
        field_name="items__code", label="评分项编号", widget=forms.TextInput(attrs={"placeholder": "如 1.1"})
    )

    class Meta:
        model = Problem
        fields = ["q", "campaign", "status", "severity", "source", "unit", "escalation", "item"]

    def filter_status(self, queryset, name, value):
        if value == "overdue":
            return queryset.overdue(timezone.localdate())
        return queryset.filter(status=value)


class SummonsFilterSet(SearchFilterSet):
    search_fields = ("unit__name", "reason", "attendees", "outcome")

    class Meta:
        model = Summons
        fields = ["q", "campaign", "status"]
