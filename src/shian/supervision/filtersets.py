import django_filters
from django import forms
from django.core.exceptions import ValidationError

from shian.core.filtersets import SearchFilterSet
from shian.core.policy import view_path
from shian.organisation.models import Region
from shian.supervision.choices import DisposalStatus, SampleResult, Stage, TaskType
from shian.supervision.models import (
    CaseRecord,
    ComplaintRecord,
    ImportBatch,
    IndicatorDefinition,
    MetricValue,
    SamplingRecord,
)
from shian.supervision.periods import parse_period


def scope_regions(request):
    """Regions offered in filters: the user's scope down to township level."""
    if request is None:
        return Region.objects.none()
    path = view_path(request.user)
    if path is None:
        return Region.objects.none()
    return Region.objects.filter(path__startswith=path or "/", level__lte=4).order_by("path")


class LedgerFilterSet(SearchFilterSet):
    """Region subtree and period (2023, 2023-H1, 2023-Q2, 2023-06, 2021..2023)."""

    region = django_filters.ModelChoiceFilter(
        queryset=scope_regions, method="filter_region", label="区划（含下级）"
    )
    period = django_filters.CharFilter(
        method="filter_period",
        label="期间",
        widget=forms.TextInput(attrs={"placeholder": "如 2024、2024-Q2"}),
    )

    def filter_region(self, qs, name, value):
        return qs.filter(region_path__startswith=value.path) if value else qs

    def filter_period(self, qs, name, value):
        if not value:
            return qs
        try:
            p = parse_period(value)
        except ValidationError:
            return qs.none()
        return qs.filter(ym__gte=p.start_ym, ym__lte=p.end_ym)


def indicator_records(qs, code, part):
    """The rows of `qs` behind an indicator's numerator or denominator (its source filters)."""
    from shian.supervision.engine import LEDGER_MODELS, _filters_q

    defn = IndicatorDefinition.objects.filter(code=code).first()
    if defn is None:
        return qs, None
    spec = defn.denominator if part == "denominator" else defn.numerator
    if LEDGER_MODELS.get((spec or {}).get("source")) is not qs.model:
        return qs.none(), defn
    return qs.filter(_filters_q(qs.model, spec.get("filters") or {})), defn


class SamplingFilterSet(LedgerFilterSet):
    search_fields = ("number", "sampled_unit", "product", "food_category", "failed_items")
    task_type = django_filters.ChoiceFilter(choices=TaskType.choices, label="任务类别")
    stage = django_filters.ChoiceFilter(choices=Stage.choices, label="抽样环节")
    result = django_filters.ChoiceFilter(choices=SampleResult.choices, label="检验结论")
    disposal_status = django_filters.ChoiceFilter(choices=DisposalStatus.choices, label="处置状态")

    class Meta:
        model = SamplingRecord
        fields = ["q", "region", "period", "task_type", "stage", "result", "disposal_status"]


class ComplaintFilterSet(LedgerFilterSet):
    search_fields = ("number", "category", "subject", "outcome")
    open_only = django_filters.BooleanFilter(
        field_name="closed_on",
        lookup_expr="isnull",
        label="未办结",
        widget=forms.Select(choices=[("", "全部"), ("true", "是"), ("false", "否")]),
    )

    class Meta:
        model = ComplaintRecord
        fields = ["q", "region", "period", "channel", "open_only"]


class CaseFilterSet(LedgerFilterSet):
    search_fields = ("number", "case_type", "party")
    transferred_police = django_filters.BooleanFilter(
        label="移送公安", widget=forms.Select(choices=[("", "全部"), ("true", "是"), ("false", "否")])
    )

    class Meta:
        model = CaseRecord
        fields = ["q", "region", "period", "case_type", "transferred_police"]


class IndicatorFilterSet(SearchFilterSet):
    search_fields = ("code", "name", "description")

    class Meta:
        model = IndicatorDefinition
        fields = ["q", "formula", "period_kind", "is_active"]


class MetricValueFilterSet(SearchFilterSet):
    search_fields = ("metric__name", "region__name", "note")
    region = django_filters.ModelChoiceFilter(
        queryset=scope_regions, method="filter_region", label="区划（含下级）"
    )

    def filter_region(self, qs, name, value):
        return qs.filter(region_path__startswith=value.path) if value else qs

    class Meta:
        model = MetricValue
        fields = ["q", "metric", "region", "period"]


class ImportBatchFilterSet(SearchFilterSet):
    search_fields = ("filename", "message")

    class Meta:
        model = ImportBatch
        fields = ["q", "ledger", "status"]
