"""The data the documents draw on, from the apps that hold it.

Scoring, rectification, supervision and evidence are optional here: every reader guards its import
(and the model lookup) and returns None when the app or its data is not there, so a document leaves
the section out rather than print a placeholder. All queries are per campaign; the caller has
already checked that the user may see the campaign.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict

from django.db.models import Count, F, Q
from django.utils import timezone

from shian.dispatch.choices import ReportStatus, Timeliness
from shian.dispatch.models import DispatchReport, DispatchRound
from shian.workplan import figures as task_figures
from shian.workplan.models import Task

OPTIONAL_ERRORS = (ImportError, LookupError, AttributeError)


def local_day(value):
    return timezone.localdate(value) if value else None


# --- dispatch -----------------------------------------------------------------------------------


def round_reports(rnd: DispatchRound, as_of=None, exclude_unit_id=None) -> dict:
    """Reports of a round split by timeliness, in the office's unit order (dispatch's own
    `round_summary` when it is there, so the 通报 and the dispatch pages agree).

    With `as_of` (a moment), a report filed after it counts as not yet filed; `exclude_unit_id`
    leaves out the issuing office itself (it is not told to report to itself)."""
    try:
        from shian.dispatch.services import round_summary
    except OPTIONAL_ERRORS:
        round_summary = None
    if round_summary is not None:
        s = round_summary(rnd)
        parts = {"on_time": s["on_time"], "late": s["late"], "missing": s["missing"]}
    else:
        reports = list(
            DispatchReport.objects.filter(round=rnd)
            .select_related("unit")
            .order_by("unit__kind", "unit__sort_order", "unit__name")
        )
        out = {Timeliness.ON_TIME: [], Timeliness.LATE: [], Timeliness.MISSING: []}
        for r in reports:
            r.round = rnd  # timeliness reads the deadline: no query per report
            out[r.timeliness].append(r)
        parts = {
            "on_time": out[Timeliness.ON_TIME],
            "late": out[Timeliness.LATE],
            "missing": out[Timeliness.MISSING],
        }
    if exclude_unit_id:
        parts = {k: [r for r in v if r.unit_id != exclude_unit_id] for k, v in parts.items()}
    if as_of is not None:
        filed_later = [
            r for r in parts["on_time"] + parts["late"] if r.submitted_at and r.submitted_at > as_of
        ]
        if filed_later:
            later = {r.pk for r in filed_later}
            parts = {
                "on_time": [r for r in parts["on_time"] if r.pk not in later],
                "late": [r for r in parts["late"] if r.pk not in later],
                "missing": sorted(
                    parts["missing"] + filed_later,
                    key=lambda r: (r.unit.kind, r.unit.sort_order, r.unit.name),
                ),
            }
    everyone = sorted(
        parts["on_time"] + parts["late"] + parts["missing"],
        key=lambda r: (r.unit.kind, r.unit.sort_order, r.unit.name),
    )
    return {"all": everyone, **parts}


def rounds_in(campaign, start: datetime.date, end: datetime.date):
    """Rounds due within [start, end] with their reports counted as of the end of `end`."""
    from shian.core.history import day_end

    cutoff = day_end(end)
    filed = Q(reports__status=ReportStatus.SUBMITTED, reports__submitted_at__lte=cutoff)
    return list(
        DispatchRound.objects.filter(campaign=campaign, deadline__date__gte=start, deadline__date__lte=end)
        .annotate(
            n=Count("reports"),
            submitted=Count("reports", filter=filed),
            on_time=Count("reports", filter=filed & Q(reports__submitted_at__lte=F("deadline"))),
        )
        .order_by("deadline")
    )


def reports_in(campaign, start, end, limit=8):
    """Submitted reports with a narrative, filed in the period, newest first (one per unit)."""
    seen, out = set(), []
    qs = (
        DispatchReport.objects.filter(
            round__campaign=campaign,
            status=ReportStatus.SUBMITTED,
            submitted_at__date__gte=start,
            submitted_at__date__lte=end,
        )
        .exclude(narrative="")
        .select_related("unit")
        .order_by("-submitted_at")
    )
    for r in qs[: limit * 4]:
        if r.unit_id in seen:
            continue
        seen.add(r.unit_id)
        out.append(r)
        if len(out) >= limit:
            break
    return sorted(out, key=lambda r: (r.unit.kind, r.unit.sort_order, r.unit.name))


def narrative_sentences(campaign, start, end):
    """(unit, sentence) from the units' dispatch narratives filed in [start, end], in unit order:
    each sentence on its own, so that a 总结 can file it under its theme."""
    import re

    qs = (
        DispatchReport.objects.filter(
            round__campaign=campaign,
            status=ReportStatus.SUBMITTED,
            submitted_at__date__gte=start,
            submitted_at__date__lte=end,
        )
        .exclude(narrative="")
        .select_related("unit")
        .order_by("unit__kind", "unit__sort_order", "unit__name", "submitted_at")
    )
    seen = set()
    for r in qs:
        for part in re.split(r"[。；;\n]+", r.narrative):
            text = " ".join(part.split()).strip("，, ")
            if len(text) < 6 or (r.unit_id, text) in seen:
                continue
            seen.add((r.unit_id, text))
            yield r.unit, text + "。"


def documents_issued(campaign, start, end, exclude=None) -> list[tuple]:
    """[(文种, count, 量词)] of the 简报 and 通报 dated within [start, end] and generated by its end."""
    from shian.core.history import day_end
    from shian.reports.choices import DocumentKind
    from shian.reports.models import Document

    qs = (
        Document.objects.filter(
            campaign=campaign,
            kind__in=[DocumentKind.BULLETIN, DocumentKind.CIRCULAR],
            issued_on__gte=start,
            issued_on__lte=end,
            files__created_at__lte=day_end(end),
        )
        .exclude(pk=exclude)
        .values("kind")
        .annotate(n=Count("id", distinct=True))
    )
    counts = {r["kind"]: r["n"] for r in qs}
    out = []
    if counts.get(DocumentKind.BULLETIN):
        out.append(("创建工作简报", counts[DocumentKind.BULLETIN], "期"))
    if counts.get(DocumentKind.CIRCULAR):
        out.append(("通报", counts[DocumentKind.CIRCULAR], "期"))
    return out


# --- tasks (as of a date: `shian.workplan.figures`, the same definitions as the task pages) -------


def campaign_tasks(campaign):
    return Task.objects.filter(campaign=campaign)


def task_counts(campaign, as_of):
    """Totals as of the end of `as_of` (each task with the status it had that day)."""
    return task_figures.task_counts(campaign_tasks(campaign), as_of)


def tasks_done_between(campaign, start, end) -> int:
    return task_figures.done_between(campaign_tasks(campaign), start, end)


def task_progress_by_unit(campaign, as_of, units=None) -> list[dict]:
    qs = campaign_tasks(campaign)
    if units is not None:
        qs = qs.filter(unit__in=units)
    return task_figures.by_unit(qs, as_of)


def task_progress_by_category(campaign, start=None, end=None) -> list[dict]:
    """Tasks per framework category as of `end`: total, done, and done within [start, end]."""
    return task_figures.by_category(campaign_tasks(campaign), end, start)


def overdue_tasks(campaign, as_of, limit=20):
    return list(
        task_figures.overdue(campaign_tasks(campaign), as_of)
        .select_related("unit")
        .order_by("deadline", "unit__sort_order")[:limit]
    )


# --- rectification (optional) -------------------------------------------------------------------


def problem_model():
    try:
        from django.apps import apps

        return apps.get_model("rectification", "Problem")
    except OPTIONAL_ERRORS:
        return None


def problems_as_of(campaign, as_of):
    """Problems found by `as_of`, annotated `status_then`."""
    Problem = problem_model()
    if Problem is None:
        return None
    from shian.core.history import with_status_as_of
    from shian.rectification.choices import Status
    from shian.rectification.models import ProblemStatusChange

    return with_status_as_of(
        Problem.objects.filter(campaign=campaign), ProblemStatusChange, as_of, Status.OPEN, born="found_on"
    )


def open_problems(campaign, as_of):
    from shian.rectification.choices import Status

    qs = problems_as_of(campaign, as_of)
    return None if qs is None else qs.exclude(status_then=Status.VERIFIED).select_related("unit")


def problem_figures(campaign, as_of) -> dict | None:
    qs = problems_as_of(campaign, as_of)
    if qs is None:
        return None
    from shian.rectification.choices import Status

    agg = qs.aggregate(
        total=Count("id"),
        closed=Count("id", filter=Q(status_then=Status.VERIFIED)),
        overdue=Count("id", filter=Q(deadline__lt=as_of) & ~Q(status_then=Status.VERIFIED)),
    )
    colours = Counter(qs.exclude(status_then=Status.VERIFIED).values_list("severity", flat=True))
    agg["open"] = agg["total"] - agg["closed"]
    agg["by_colour"] = dict(colours)
    return agg


def overdue_problems(campaign, as_of, limit=20):
    qs = open_problems(campaign, as_of)
    if qs is None:
        return None
    return list(qs.filter(deadline__lt=as_of).order_by("deadline", "unit__sort_order")[:limit])


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
        if assessment.held_on and assessment.held_on > today:  # scored after the document's date
            return None
        return gap.analyse(campaign, assessment=assessment, today=today)
    except OPTIONAL_ERRORS:
        return None


def deductions_of(assessment):
    try:
        from shian.scoring.models import Deduction
    except OPTIONAL_ERRORS:
        return []
    return list(
        Deduction.objects.filter(score__assessment=assessment)
        .select_related("score__item__indicator__category")
        .order_by(
            "score__item__indicator__category__seq", "score__item__indicator__seq", "score__item__seq", "id"
        )
    )


# --- evidence (optional) ------------------------------------------------------------------------


def material_figures(campaign, as_of) -> dict | None:
    """Requirements of the framework and how many were covered by an approved / uploaded (not
    returned) material at the end of `as_of`."""
    try:
        from django.apps import apps

        Material = apps.get_model("evidence", "Material")
        from shian.evidence.models import MaterialStatusChange
        from shian.framework.models import MaterialRequirement
    except OPTIONAL_ERRORS:
        return None
    from shian.core.history import with_status_as_of

    reqs = MaterialRequirement.objects.filter(item__indicator__category__framework=campaign.framework).count()
    mats = with_status_as_of(
        Material.objects.filter(campaign=campaign), MaterialStatusChange, as_of, "pending"
    )
    agg = mats.aggregate(
        total=Count("id"),
        approved=Count("id", filter=Q(status_then="approved")),
        returned=Count("id", filter=Q(status_then="returned")),
    )
    covered = (
        mats.filter(status_then="approved", requirement__isnull=False)
        .values("requirement_id")
        .distinct()
        .count()
    )
    uploaded = (
        mats.filter(requirement__isnull=False)
        .exclude(status_then="returned")
        .values("requirement_id")
        .distinct()
        .count()
    )
    return {
        "requirements": reqs,
        "approved_requirements": covered,
        "uploaded_requirements": uploaded,
        "missing_requirements": max(0, reqs - uploaded),
        **agg,
    }


# --- supervision (optional) ---------------------------------------------------------------------


def _period(text):
    try:
        from shian.supervision.periods import parse_period
    except OPTIONAL_ERRORS:
        return None
    return parse_period(text)


def supervision_figures(campaign, period_code: str, as_of) -> dict | None:
    """Ledger and metric figures of the campaign's region over the period as of `as_of` (see
    `shian.supervision.figures` for the definitions), or None without the supervision app.

    Each ledger is one aggregate query over the period's months and the subtree's regions, so a city
    with a million sampling records is read once per ledger.
    """
    try:
        from shian.supervision import figures as sf
    except OPTIONAL_ERRORS:
        return None
    p = _period(period_code)
    if p is None:
        return None
    region = campaign.region
    out = sf.ledger_figures(region, p, as_of)
    targets = ledger_targets(campaign)
    target, basis = sf.sampling_target(region, p.end_ym // 100, targets.get("sampling_per_1000"))
    return {
        **out,
        "period": p,
        "population": region.population or 0,
        "annual_target": target,
        "target_basis": basis,
        "targets": targets,
        "metrics": sf.metric_figures(region, p, as_of),
    }


def community_figures(campaign, start, end) -> dict | None:
    """社会共治 figures of the campaign's region over [start, end] (community's own `figures.counts`)."""
    try:
        from shian.community import figures
    except OPTIONAL_ERRORS:
        return None
    counts = figures.counts(campaign.region, end, since=start)
    if not (counts["activities"] or counts["reports_received"] or counts["poll_votes"]):
        return None
    return {**counts, "sentence": figures.sentence(counts)}


def special_figures(campaign, start, end) -> list[dict] | None:
    """专项整治 of the campaign's region under way in [start, end], their targets and the businesses
    done by `end` (incidents' own `figures.special_figures`); None when there are none."""
    try:
        from shian.incidents import figures
    except OPTIONAL_ERRORS:
        return None
    return figures.special_figures(campaign.region, end, since=start) or None


def standard_key(defn) -> str | None:
    """Which standard figure a computed indicator is (the documents print the standard figure, as of
    their date, with the indicator's target): sampling per 1000, evaluative pass rate, disposal
    rate, complaints closed on time; None for any other indicator."""
    numerator = defn.numerator or {}
    source, filters = (
        numerator.get("source"),
        {k.split("__")[0]: v for k, v in (numerator.get("filters") or {}).items()},
    )
    if (
        source == "sampling"
        and defn.formula == "per_1000"
        and "农产品定量检测" not in str(filters.get("task_type"))
    ):
        return "sampling_per_1000"
    if source == "sampling" and defn.formula == "ratio" and "评价性抽检" in str(filters.get("task_type")):
        return "evaluation_pass_rate"
    if source == "sampling" and defn.formula == "ratio" and "disposal_status" in filters:
        return "disposal_rate"
    if source == "complaints" and defn.formula == "ratio":
        return "complaints_on_time"
    return None


def ledger_targets(campaign) -> dict:
    """Targets the office configured as computed indicators (none are constants here: they vary by
    framework and province), by standard figure. Keys are present only when such an indicator with a
    target exists."""
    try:
        from shian.supervision.services import campaign_indicators
    except OPTIONAL_ERRORS:
        return {}
    out = {}
    for defn in campaign_indicators(campaign):
        key = standard_key(defn)
        if defn.target is not None and key:
            out.setdefault(key, defn.target)
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
    return [
        (defn, ev) for defn, ev in evaluate_many([(d, p) for d in defns], campaign.region) if ev is not None
    ]


def by_category(pairs, key) -> dict:
    out = defaultdict(list)
    for p in pairs:
        out[key(p)].append(p)
    return out
