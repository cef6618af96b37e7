"""The data the documents draw on, from the apps that hold it.

Scoring, rectification, supervision and evidence are optional here: every reader guards its import
(and the model lookup) and returns None when the app or its data is not there, so a document leaves
the section out rather than print a placeholder. All queries are per campaign; the caller has
already checked that the user may see the campaign.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from decimal import Decimal

from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from shian.dispatch.choices import ReportStatus, Timeliness
from shian.dispatch.models import DispatchReport, DispatchRound
from shian.workplan.choices import TaskStatus
from shian.workplan.models import Task

OPTIONAL_ERRORS = (ImportError, LookupError, AttributeError)


def local_day(value):
    return timezone.localdate(value) if value else None


# --- dispatch -----------------------------------------------------------------------------------

def round_reports(rnd: DispatchRound) -> dict:
    """Reports of a round split by timeliness, in the office's unit order (dispatch's own
    `round_summary` when it is there, so the 通报 and the dispatch pages agree)."""
    try:
        from shian.dispatch.services import round_summary
    except OPTIONAL_ERRORS:
        round_summary = None
    if round_summary is not None:
        s = round_summary(rnd)
        return {"all": s["reports"], "on_time": s["on_time"], "late": s["late"], "missing": s["missing"]}
    reports = list(DispatchReport.objects.filter(round=rnd).select_related("unit")
                   .order_by("unit__kind", "unit__sort_order", "unit__name"))
    out = {Timeliness.ON_TIME: [], Timeliness.LATE: [], Timeliness.MISSING: []}
    for r in reports:
        r.round = rnd  # timeliness reads the deadline: no query per report
        out[r.timeliness].append(r)
    return {"all": reports, "on_time": out[Timeliness.ON_TIME], "late": out[Timeliness.LATE],
            "missing": out[Timeliness.MISSING]}


def rounds_in(campaign, start: datetime.date, end: datetime.date):
    return list(DispatchRound.objects.filter(campaign=campaign, deadline__date__gte=start, deadline__date__lte=end)
                .annotate(n=Count("reports"),
                          submitted=Count("reports", filter=Q(reports__status=ReportStatus.SUBMITTED)),
                          on_time=Count("reports", filter=Q(reports__status=ReportStatus.SUBMITTED,
                                                            reports__submitted_at__lte=F("deadline"))))
                .order_by("deadline"))


def reports_in(campaign, start, end, limit=8):
    """Submitted reports with a narrative, filed in the period, newest first (one per unit)."""
    seen, out = set(), []
    qs = (DispatchReport.objects.filter(round__campaign=campaign, status=ReportStatus.SUBMITTED,
                                        submitted_at__date__gte=start, submitted_at__date__lte=end)
          .exclude(narrative="").select_related("unit").order_by("-submitted_at"))
    for r in qs[: limit * 4]:
        if r.unit_id in seen:
            continue
        seen.add(r.unit_id)
        out.append(r)
        if len(out) >= limit:
            break
    return sorted(out, key=lambda r: (r.unit.kind, r.unit.sort_order, r.unit.name))


# --- tasks --------------------------------------------------------------------------------------

def task_counts(campaign, today):
    return Task.objects.filter(campaign=campaign).aggregate(
        total=Count("id"), done=Count("id", filter=Q(status=TaskStatus.DONE)),
        in_progress=Count("id", filter=Q(status__in=[TaskStatus.IN_PROGRESS, TaskStatus.SUBMITTED])),
        pending=Count("id", filter=Q(status=TaskStatus.PENDING_CLAIM)),
        overdue=Count("id", filter=Q(deadline__lt=today) & ~Q(status=TaskStatus.DONE)),
    )


def tasks_done_between(campaign, start, end) -> int:
    return Task.objects.filter(campaign=campaign, status=TaskStatus.DONE, completed_at__date__gte=start,
                               completed_at__date__lte=end).count()


def task_progress_by_unit(campaign, today, units=None) -> list[dict]:
    qs = Task.objects.filter(campaign=campaign)
    if units is not None:
        qs = qs.filter(unit__in=units)
    rows = (qs.values("unit_id", name=F("unit__name"), short=F("unit__short_name"), kind=F("unit__kind"),
                      sort=F("unit__sort_order"))
            .annotate(total=Count("id"), done=Count("id", filter=Q(status=TaskStatus.DONE)),
                      overdue=Count("id", filter=Q(deadline__lt=today) & ~Q(status=TaskStatus.DONE)))
            .order_by("kind", "sort", "name"))
    return [{**r, "label": r["short"] or r["name"], "open": r["total"] - r["done"]} for r in rows]


def task_progress_by_category(campaign, start=None, end=None) -> list[dict]:
    """Tasks per framework category: total, done, and done within [start, end] when given."""
    in_period = Q(status=TaskStatus.DONE)
    if start and end:
        in_period &= Q(completed_at__date__gte=start, completed_at__date__lte=end)
    rows = (Task.objects.filter(campaign=campaign)
            .values(cid=F("item__indicator__category_id"), category=F("item__indicator__category__name"),
                    seq=F("item__indicator__category__seq"))
            .annotate(total=Count("id"), done=Count("id", filter=Q(status=TaskStatus.DONE)),
                      done_in=Count("id", filter=in_period))
            .order_by("seq"))
    return [{**r, "category": r["category"] or "其他"} for r in rows]


def overdue_tasks(campaign, today, limit=20):
    return list(Task.objects.filter(campaign=campaign).overdue(today).select_related("unit")
                .order_by("deadline", "unit__sort_order")[:limit])


# --- rectification (optional) -------------------------------------------------------------------

def problem_model():
    try:
        from django.apps import apps

        return apps.get_model("rectification", "Problem")
    except OPTIONAL_ERRORS:
        return None


def open_problems(campaign):
    Problem = problem_model()
    if Problem is None:
        return None
    return Problem.objects.filter(campaign=campaign).open().select_related("unit")


def problem_figures(campaign, today) -> dict | None:
    Problem = problem_model()
    if Problem is None:
        return None
    qs = Problem.objects.filter(campaign=campaign)
    from shian.rectification.choices import Status

    agg = qs.aggregate(total=Count("id"), closed=Count("id", filter=Q(status=Status.VERIFIED)),
                       overdue=Count("id", filter=Q(deadline__lt=today) & ~Q(status=Status.VERIFIED)))
    colours = Counter(qs.exclude(status=Status.VERIFIED).values_list("severity", flat=True))
    agg["open"] = agg["total"] - agg["closed"]
    agg["by_colour"] = dict(colours)
    return agg


def overdue_problems(campaign, today, limit=20):
    qs = open_problems(campaign)
    if qs is None:
        return None
    return list(qs.filter(deadline__lt=today).order_by("deadline", "unit__sort_order")[:limit])


# --- scoring (optional) -------------------------------------------------------------------------

def assessment_for(campaign, ref=None, self_only=True):
    """The assessment a report is about: the given one, else the latest self (or external) one."""
    try:
        from shian.scoring.models import Assessment
    except OPTIONAL_ERRORS:
        return None
    qs = Assessment.objects.filter(campaign=campaign)
    if ref:
        return qs.filter(pk=ref).first()
    qs = qs.filter(kind="self") if self_only else qs.exclude(kind="self")
    return qs.order_by("-held_on", "-created_at", "-id").first()


def assessment_result(assessment):
    try:
        from shian.scoring import engine, services
    except OPTIONAL_ERRORS:
        return None, None
    spec = engine.framework_spec(assessment.campaign.framework)
    return services.assessment_result(assessment, spec), spec


def gap_analysis(campaign, today):
    try:
        from shian.readiness import gap
        from shian.scoring.services import current_self_assessment
    except OPTIONAL_ERRORS:
        return None
    try:
        assessment = current_self_assessment(campaign)
        if assessment is None:  # nothing scored yet: no gap to speak of (and no need to compute one)
            return None
        return gap.analyse(campaign, assessment=assessment, today=today)
    except OPTIONAL_ERRORS:
        return None


def deductions_of(assessment):
    try:
        from shian.scoring.models import Deduction
    except OPTIONAL_ERRORS:
        return []
    return list(Deduction.objects.filter(score__assessment=assessment)
                .select_related("score__item__indicator__category")
                .order_by("score__item__indicator__category__seq", "score__item__indicator__seq",
                          "score__item__seq", "id"))


# --- evidence (optional) ------------------------------------------------------------------------

def material_figures(campaign) -> dict | None:
    """Requirements of the framework and how many are covered by an approved / uploaded material."""
    try:
        from django.apps import apps

        Material = apps.get_model("evidence", "Material")
        from shian.framework.models import MaterialRequirement
    except OPTIONAL_ERRORS:
        return None
    reqs = MaterialRequirement.objects.filter(item__indicator__category__framework=campaign.framework).count()
    mats = Material.objects.filter(campaign=campaign)
    agg = mats.aggregate(total=Count("id"), approved=Count("id", filter=Q(status="approved")),
                         returned=Count("id", filter=Q(status="returned")))
    covered = (mats.filter(status="approved", requirement__isnull=False).values("requirement_id").distinct().count())
    uploaded = (mats.filter(requirement__isnull=False).exclude(status="returned").values("requirement_id")
                .distinct().count())
    return {"requirements": reqs, "approved_requirements": covered, "uploaded_requirements": uploaded,
            "missing_requirements": max(0, reqs - uploaded), **agg}


# --- supervision (optional) ---------------------------------------------------------------------

def _period(text):
    try:
        from shian.supervision.periods import parse_period
    except OPTIONAL_ERRORS:
        return None
    return parse_period(text)


def supervision_figures(campaign, period_code: str, today) -> dict | None:
    """Ledger figures of the campaign's region over the period, or None without the supervision app.

    Each ledger is one aggregate query over the period's months and the subtree's regions, so a city
    with a million sampling records is read once per ledger.
    """
    try:
        from shian.supervision.models import CaseRecord, ComplaintRecord, SamplingRecord
    except OPTIONAL_ERRORS:
        return None
    p = _period(period_code)
    if p is None:
        return None
    from shian.organisation.models import Region

    # The subtree's region ids (as the supervision engine filters), so an index on (ym, region_id, …) covers it.
    ids = list(Region.objects.filter(path__startswith=campaign.region.path).values_list("id", flat=True))
    rng = {"ym__gte": p.start_ym, "ym__lte": p.end_ym, "region_id__in": ids}
    samp = SamplingRecord.objects.filter(**rng).aggregate(
        total=Count("id"),
        # 食品抽检 as offices count it: not 农产品定量检测 (its own indicator) nor 快检 screening
        food=Count("id", filter=~Q(task_type__in=["农产品定量检测", "快检"])),
        failed=Count("id", filter=Q(result="不合格")),
        evaluation=Count("id", filter=Q(task_type="评价性抽检")),
        evaluation_passed=Count("id", filter=Q(task_type="评价性抽检", result="合格")),
        farm=Count("id", filter=Q(task_type="农产品定量检测")),
        disposed=Count("id", filter=Q(result="不合格", disposal_status="已处置")),
    )
    comp = ComplaintRecord.objects.filter(**rng).aggregate(
        total=Count("id"), closed=Count("id", filter=Q(closed_on__isnull=False)),
        on_time=Count("id", filter=Q(closed_on__isnull=False, deadline__isnull=False, closed_on__lte=F("deadline"))),
    )
    cases = CaseRecord.objects.filter(**rng).aggregate(
        total=Count("id"), fines=Sum("fine_amount"), confiscated=Sum("confiscation_amount"),
        police=Count("id", filter=Q(transferred_police=True)),
    )
    population = campaign.region.population or 0
    targets = ledger_targets(campaign)
    per_1000 = targets.get("sampling_per_1000")
    annual_target = Decimal(population) * per_1000 / 1000 if population and per_1000 else None
    return {"period": p, "sampling": samp, "complaints": comp, "cases": cases, "population": population,
            "annual_target": annual_target, "targets": targets}


def ledger_targets(campaign) -> dict:
    """Targets the office configured as computed indicators (none are constants here: they vary by
    framework and province): sampling per 1000 residents, evaluative pass rate, disposal rate,
    complaints closed on time. Keys are present only when such an indicator with a target exists."""
    try:
        from shian.supervision.services import campaign_indicators
    except OPTIONAL_ERRORS:
        return {}
    out = {}
    for defn in campaign_indicators(campaign):
        if defn.target is None:
            continue
        num, source = defn.numerator or {}, (defn.numerator or {}).get("source")
        filters = {k.split("__")[0]: v for k, v in (num.get("filters") or {}).items()}
        if source == "sampling" and defn.formula == "per_1000" and "农产品定量检测" not in str(filters.get("task_type")):
            out.setdefault("sampling_per_1000", defn.target)
        elif source == "sampling" and defn.formula == "ratio" and "评价性抽检" in str(filters.get("task_type")):
            out.setdefault("evaluation_pass_rate", defn.target)
        elif source == "sampling" and defn.formula == "ratio" and "disposal_status" in filters:
            out.setdefault("disposal_rate", defn.target)
        elif source == "complaints" and defn.formula == "ratio":
            out.setdefault("complaints_on_time", defn.target)
    return out


def indicator_evaluations(campaign, period_code: str) -> list | None:
    """Computed indicators of the campaign's framework over the period: [(definition, evaluation)]."""
    try:
        from shian.supervision import engine  # noqa: F401 — the app must be there
        from shian.supervision.services import campaign_indicators
    except OPTIONAL_ERRORS:
        return None
    from shian.supervision.batch import evaluate_many

    p = _period(period_code)
    defns = campaign_indicators(campaign).select_related("scoring_item__indicator__category")
    # one bad definition must not sink the whole document: evaluate_many gives None for it
    return [(defn, ev) for defn, ev in evaluate_many([(d, p) for d in defns], campaign.region) if ev is not None]


def by_category(pairs, key) -> dict:
    out = defaultdict(list)
    for p in pairs:
        out[key(p)].append(p)
    return out
