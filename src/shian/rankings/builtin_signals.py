"""The signals the apps below rankings answer: dispatch, rectification, evidence, inspections, 包保,
surveys, supervision indicators — and the 降级 situations (veto-type incidents, `demotions`).

Each compute(campaign, period_start, period_end) returns {unit_id: value, higher is better}; a unit
with nothing in the period is absent (no data), not zero. Region-based figures (a township's area)
are answered for the township units: the unit whose region is the township.
"""

import datetime

from django.db.models import Avg, Count, F, Q
from django.utils import timezone

from shian.dispatch.choices import ReportStatus
from shian.dispatch.models import DispatchReport
from shian.evidence.choices import MaterialStatus
from shian.evidence.models import Material
from shian.incidents import figures as incident_figures
from shian.inspections.choices import VisitStatus
from shian.inspections.models import Visit
from shian.organisation.choices import UnitKind
from shian.organisation.models import Unit
from shian.rankings import periods
from shian.rankings.signals import Signal, register_family, register_signal
from shian.rectification.choices import Status
from shian.rectification.models import Problem
from shian.stewardship import figures as stewardship_figures
from shian.supervision.choices import Comparison
from shian.supervision.engine import evaluate
from shian.supervision.models import IndicatorDefinition
from shian.surveys import figures as survey_figures
from shian.surveys.choices import SurveyKind


def _end_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.max))


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def dispatch_on_time(campaign, period_start, period_end) -> dict:
    """调度按时报送率 (%): of the rounds whose deadline falls in the period, those submitted by it."""
    submitted = Q(status=ReportStatus.SUBMITTED, submitted_at__isnull=False)
    rows = (
        DispatchReport.objects.filter(
            round__campaign=campaign,
            round__deadline__gte=_start_of(period_start),
            round__deadline__lte=_end_of(period_end),
        )
        .values("unit_id")
        .annotate(
            due=Count("id"),
            on_time=Count("id", filter=submitted & Q(submitted_at__lte=F("round__deadline"))),
        )
    )
    return {r["unit_id"]: round(100.0 * r["on_time"] / r["due"], 2) for r in rows if r["due"]}


def problems_closed_on_time(campaign, period_start, period_end) -> dict:
    """问题按期整改率 (%): of the problems due in the period, those verified (销号) by their deadline."""
    due: dict[int, int] = {}
    on_time: dict[int, int] = {}
    rows = Problem.objects.filter(
        campaign=campaign, deadline__gte=period_start, deadline__lte=period_end
    ).values_list("unit_id", "deadline", "status", "verified_at")
    for unit_id, deadline, status, verified_at in rows:
        due[unit_id] = due.get(unit_id, 0) + 1
        if status == Status.VERIFIED and verified_at and timezone.localdate(verified_at) <= deadline:
            on_time[unit_id] = on_time.get(unit_id, 0) + 1
    return {u: round(100.0 * on_time.get(u, 0) / n, 2) for u, n in due.items()}


def _townships(campaign) -> list[Unit]:
    """The township units under the campaign's region (each one's region is its township)."""
    return list(
        Unit.objects.filter(
            kind=UnitKind.TOWNSHIP, is_active=True, region__path__startswith=campaign.region.path
        ).select_related("region")
    )


def material_approval(campaign, period_start, period_end) -> dict:
    """材料审核通过率 (%): of the unit's materials reviewed in the period, those approved."""
    rows = (
        Material.objects.filter(
            campaign=campaign,
            reviewed_at__gte=_start_of(period_start),
            reviewed_at__lte=_end_of(period_end),
            status__in=[MaterialStatus.APPROVED, MaterialStatus.RETURNED],
        )
        .values("unit_id")
        .annotate(n=Count("id"), ok=Count("id", filter=Q(status=MaterialStatus.APPROVED)))
    )
    return {r["unit_id"]: round(100.0 * r["ok"] / r["n"], 2) for r in rows if r["n"]}


def inspection_scores(campaign, period_start, period_end) -> dict:
    """辖区现场检查平均得分: the mean score of the campaign's submitted inspection visits in the period
    to businesses in each township's area."""
    out = {}
    base = Visit.objects.filter(
        plan__campaign=campaign,
        status=VisitStatus.SUBMITTED,
        score__isnull=False,
        submitted_at__gte=_start_of(period_start),
        submitted_at__lte=_end_of(period_end),
    )
    for town in _townships(campaign):
        avg = base.filter(business__region__path__startswith=town.region.path).aggregate(a=Avg("score"))["a"]
        if avg is not None:
            out[town.pk] = round(float(avg), 2)
    return out


def visit_compliance(campaign, period_start, period_end) -> dict:
    """包保督导完成率 (%): visits done against those required this year up to the period's end
    (stewardship.figures.visit_compliance), capped at 100; a township with nothing required is absent."""
    towns = {t.region_id: t.pk for t in _townships(campaign)}
    out = {}
    for row in stewardship_figures.visit_compliance(campaign.region, period_end):
        unit_id = towns.get(row["region"].pk)
        if unit_id is not None and row["rate"] is not None:
            out[unit_id] = round(min(100.0, 100.0 * row["rate"]), 2)
    return out


def _survey(metric):
    def compute(campaign, period_start, period_end) -> dict:
        towns = {t.region_id: t.pk for t in _townships(campaign)}
        out = {}
        for rate in survey_figures.rates_by_township(campaign, metric, period_start, period_end):
            unit_id = towns.get(rate.region_id)
            if unit_id is not None and rate.rate is not None:
                out[unit_id] = round(100.0 * rate.rate, 2)
        return out

    compute.__doc__ = f"{SurveyKind(metric).label} (%) by township (surveys.figures.rates_by_township)."
    return compute


def achievement(value, target, comparison) -> float | None:
    """How far `value` meets `target`, 0..100 (100 = met); None without a value. No target: the value."""
    if value is None:
        return None
    v = float(value)
    if target is None:
        return v
    t = float(target)
    if comparison == Comparison.LTE:
        return 100.0 if v <= t else (round(100.0 * t / v, 2) if v > 0 else 0.0)
    if v >= t:
        return 100.0
    return round(max(0.0, 100.0 * v / t), 2) if t > 0 else 0.0


def _indicator_signal(defn) -> Signal:
    def compute(campaign, period_start, period_end) -> dict:
        kind = periods.kind_of(period_start, period_end)
        result = evaluate(
            defn, campaign.region, periods.supervision_code(kind, period_start), drill_down=True
        )
        towns = {t.region_id: t.pk for t in _townships(campaign)}
        out = {}
        for child in result.children:
            unit_id = towns.get(child.region_id)
            score = achievement(child.value, defn.target, defn.comparison)
            if unit_id is not None and score is not None:
                out[unit_id] = score
        return out

    label = f"{defn.name}（对标目标）" if defn.target is not None else defn.name
    return Signal(f"indicator:{defn.code}", label, UnitKind.TOWNSHIP, compute)


def _resolve_indicator(code):
    defn = IndicatorDefinition.objects.filter(code=code, is_active=True).first()
    return _indicator_signal(defn) if defn else None


def _list_indicators():
    return [_indicator_signal(d) for d in IndicatorDefinition.objects.filter(is_active=True)]


def demotions(campaign, subjects, period_start, period_end) -> dict:
    """降级 situations: {unit_id: reason} for the subjects with a veto-type incident in the period —
    a township's in its area, a member unit's where it is the lead unit (incidents.figures)."""
    incidents = incident_figures.veto_incidents(campaign.region, period_start, period_end)
    if not incidents:
        return {}
    units = {u.pk: u for u in Unit.objects.filter(pk__in=[s[0] for s in subjects]).select_related("region")}
    out = {}
    for unit_id, unit in units.items():
        hits = [
            i
            for i in incidents
            if (unit.kind == UnitKind.TOWNSHIP and i.region.path.startswith(unit.region.path))
            or i.lead_unit_id == unit_id
        ]
        if hits:
            out[unit_id] = "发生否决类事件：" + "；".join(str(i) for i in hits)
    return out


register_signal("dispatch_on_time", "调度按时报送率", "any", dispatch_on_time)
register_signal("problems_on_time", "问题按期整改率", "any", problems_closed_on_time)
register_signal("material_approval", "材料审核通过率", "any", material_approval)
register_signal("inspection_score", "辖区现场检查平均得分", UnitKind.TOWNSHIP, inspection_scores)
register_signal("visit_compliance", "包保督导完成率", UnitKind.TOWNSHIP, visit_compliance)
register_signal("survey_satisfaction", "群众满意度", UnitKind.TOWNSHIP, _survey(SurveyKind.SATISFACTION))
register_signal("survey_awareness", "知晓率", UnitKind.TOWNSHIP, _survey(SurveyKind.AWARENESS))
register_family("indicator", _resolve_indicator, _list_indicators)


def late_rounds(campaign, n: int, as_of: datetime.datetime | None = None) -> dict:
    """{unit_id: [round titles]} of the units whose reports for the campaign's last `n` rounds past their
    deadline (each unit's own rounds) were all late or missing — the 约谈 rule "reports late n rounds"."""
    as_of = as_of or timezone.now()
    rows = (
        DispatchReport.objects.filter(round__campaign=campaign, round__deadline__lte=as_of)
        .order_by("unit_id", "-round__deadline")
        .values_list("unit_id", "round__title", "status", "submitted_at", "round__deadline")
    )
    recent: dict[int, list] = {}
    for unit_id, title, status, submitted_at, deadline in rows:
        mine = recent.setdefault(unit_id, [])
        if len(mine) < n:
            on_time = status == ReportStatus.SUBMITTED and submitted_at and submitted_at <= deadline
            mine.append((title, bool(on_time)))
    return {
        u: [t for t, _ in reversed(rs)]
        for u, rs in recent.items()
        if len(rs) == n and not any(ok for _, ok in rs)
    }


def failed_indicators(campaign, period_code: str) -> dict:
    """{township unit_id: [indicator names]} for the active indicators with a target that a township
    failed over the supervision period `period_code` — the 约谈 rule "a failed indicator"."""
    towns = {t.region_id: t.pk for t in _townships(campaign)}
    out: dict[int, list[str]] = {}
    for defn in IndicatorDefinition.objects.filter(is_active=True, target__isnull=False):
        result = evaluate(defn, campaign.region, period_code, drill_down=True)
        for child in result.children:
            if child.met is False and child.region_id in towns:
                out.setdefault(towns[child.region_id], []).append(defn.name)
    return out
