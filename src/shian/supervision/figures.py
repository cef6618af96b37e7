"""Supervision figures defined once, for the indicator pages, the dashboard and the documents.

- 食品抽检 = sampling records other than 农产品定量检测 (its own indicator) and 快检 screening;
- the annual sampling target is the office's own plan (the denominator metric of an active
  `share_of_target` indicator over sampling, e.g. 年度食品抽检任务量) when it has one for the year,
  else the per-1000 target × population; the basis is returned so a document can say which;
- 罚没 = 罚款 + 没收 (`core.figures.fines_and_confiscation`, parts kept);
- metric figures found by name (培训人次, 阳光食品 注册, 投保主体): each office names its forms, the
  words are the stable part.

Everything is as of a day: ledger rows count by their own dates (抽样/登记/立案 on or before it,
办结/处置/结案 on or before it), metric values by their periods' last month.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Count, F, Q, Sum

from shian.core.figures import fines_and_confiscation
from shian.supervision.models import (
    CaseRecord,
    ComplaintRecord,
    IndicatorDefinition,
    Metric,
    MetricValue,
    SamplingRecord,
)

NOT_FOOD_SAMPLING = ["农产品定量检测", "快检"]

# (key, label, unit, words the metric's name (or its form's) must all contain)
METRIC_FIGURES = [
    ("trainees", "培训人次", "人次", ("培训人次",)),
    ("sunshine_registered", "阳光食品APP注册主体", "户", ("阳光", "注册")),
    ("insured_units", "食品安全责任保险投保主体", "户", ("投保主体",)),
]


def subtree_ids(region) -> list[int]:
    from shian.organisation.models import Region

    return list(Region.objects.filter(path__startswith=region.path).values_list("id", flat=True))


def ledger_figures(region, period, as_of: datetime.date, ids=None) -> dict:
    """Sampling, complaints and cases of the region's subtree over `period`, as of `as_of`."""
    ids = ids if ids is not None else subtree_ids(region)
    rng = {"ym__gte": period.start_ym, "ym__lte": period.end_ym, "region_id__in": ids}
    disposed_by = Q(disposal_status="已处置") & (Q(disposed_on__isnull=True) | Q(disposed_on__lte=as_of))
    samp = SamplingRecord.objects.filter(sampled_on__lte=as_of, **rng).aggregate(
        total=Count("id"),
        food=Count("id", filter=~Q(task_type__in=NOT_FOOD_SAMPLING)),
        failed=Count("id", filter=Q(result="不合格")),
        evaluation=Count("id", filter=Q(task_type="评价性抽检", result__in=["合格", "不合格"])),
        evaluation_passed=Count("id", filter=Q(task_type="评价性抽检", result="合格")),
        farm=Count("id", filter=Q(task_type="农产品定量检测")),
        disposed=Count("id", filter=Q(result="不合格") & disposed_by),
    )
    closed = Q(closed_on__isnull=False, closed_on__lte=as_of)
    comp = ComplaintRecord.objects.filter(received_on__lte=as_of, **rng).aggregate(
        total=Count("id"),
        closed=Count("id", filter=closed),
        on_time=Count("id", filter=closed & Q(deadline__isnull=False, closed_on__lte=F("deadline"))),
    )
    cases = CaseRecord.objects.filter(opened_on__lte=as_of, **rng).aggregate(
        total=Count("id"),
        fines=Sum("fine_amount"),
        confiscated=Sum("confiscation_amount"),
        police=Count("id", filter=Q(transferred_police=True)),
    )
    cases["money"] = fines_and_confiscation(cases.pop("fines"), cases.pop("confiscated"))
    return {"sampling": samp, "complaints": comp, "cases": cases}


def sampling_plan(region, year: int) -> Decimal | None:
    """The office's own annual sampling plan for `year` (None when it has not entered one)."""
    defn = (
        IndicatorDefinition.objects.filter(
            is_active=True,
            formula="share_of_target",
            numerator__source="sampling",
            denominator__source="metric",
        )
        .filter(Q(owner_region__isnull=True) | Q(owner_region__path__in=_ancestor_paths(region)))
        .order_by("seq", "code")
        .first()
    )
    if defn is None:
        return None
    code = (defn.denominator or {}).get("metric")
    value = (
        MetricValue.objects.filter(metric__code=code, region=region, period=str(year))
        .values_list("value", flat=True)
        .first()
    )
    return value if value else None


def _ancestor_paths(region) -> list[str]:
    parts = [p for p in region.path.split("/") if p]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def sampling_target(region, year: int, per_1000: Decimal | None) -> tuple[Decimal | None, str]:
    """(annual target in 批次, basis): the plan when there is one, else per-1000 × population."""
    plan = sampling_plan(region, year)
    if plan:
        return Decimal(plan), "年度抽检计划"
    if per_1000 and region.population:
        target = (Decimal(region.population) * Decimal(per_1000) / 1000).quantize(Decimal(1))
        return target, f"每千人{per_1000.normalize():f}批次"
    return None, ""


def metric_figures(region, period, as_of: datetime.date) -> dict:
    """{key: (label, value, unit)} for the standard metric figures the office has a metric for."""
    as_of_ym = as_of.year * 100 + as_of.month
    metrics = list(
        Metric.objects.select_related("form").only("id", "code", "name", "aggregation", "form__name")
    )
    out = {}
    for key, label, unit, words in METRIC_FIGURES:
        metric = next((m for m in metrics if all(w in f"{m.form.name}{m.name}" for w in words)), None)
        if metric is None:
            continue
        qs = MetricValue.objects.filter(
            metric=metric, region_path__startswith=region.path, ym__lte=min(period.end_ym, as_of_ym)
        )
        if metric.aggregation == "sum":
            value = qs.filter(ym__gte=period.start_ym).aggregate(v=Sum("value"))["v"]
        else:  # a stock (主体数): the latest values by then, of every region of the subtree, added up
            last = qs.order_by("-ym").values_list("ym", flat=True).first()
            value = qs.filter(ym=last).aggregate(v=Sum("value"))["v"] if last else None
        if value is not None:
            out[key] = (label, value, unit)
    return out
