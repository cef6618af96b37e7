"""Figures for the home page and the leaders' dashboard; every function issues a fixed number of queries."""

from django.db.models import Count, F, Q
from django.utils import timezone

from shian.campaigns.models import Campaign
from shian.campaigns.services import current_campaign
from shian.core import policy
from shian.core.figures import rate
from shian.dispatch.models import DispatchReport
from shian.workplan import figures as task_figures
from shian.workplan.choices import TaskStatus
from shian.workplan.models import NOT_OVERDUE, Task


def campaigns_for(user):
    return Campaign.objects.restrict(user).select_related("region", "framework").order_by("-created_at")


def pick_campaign(user, campaign_id=None):
    """?campaign= when given and visible, else the user's current campaign (never simply the newest)."""
    return current_campaign(user, campaign_id or None)


def task_counts(tasks, today=None):
    """The task figures of `shian.workplan.figures` (the same definitions as the documents')."""
    return task_figures.task_counts(tasks, None if today is None or today == timezone.localdate() else today)


def progress_by_category(campaign, user):
    """[{category, total, done, rate}] in framework order; tasks without an item count as 其他."""
    rows = (
        Task.objects.restrict(user)
        .filter(campaign=campaign)
        .values(category=F("item__indicator__category__name"), seq=F("item__indicator__category__seq"))
        .annotate(total=Count("id"), done=Count("id", filter=Q(status=TaskStatus.DONE)))
        .order_by("seq")
    )
    return [
        {
            "category": r["category"] or "其他",
            "total": r["total"],
            "done": r["done"],
            "rate": float(rate(r["done"], r["total"]) or 0),
        }
        for r in rows
    ]


def progress_by_unit(campaign, user, today=None):
    today = today or timezone.localdate()
    rows = (
        Task.objects.restrict(user)
        .filter(campaign=campaign)
        .values("unit_id", name=F("unit__name"), short=F("unit__short_name"))
        .annotate(
            total=Count("id"),
            done=Count("id", filter=Q(status=TaskStatus.DONE)),
            overdue=Count("id", filter=Q(deadline__lt=today) & ~Q(status__in=NOT_OVERDUE)),
        )
        .order_by("-overdue", "name")
    )
    return [
        {**r, "label": r["short"] or r["name"], "rate": float(rate(r["done"], r["total"]) or 0)} for r in rows
    ]


def overdue_tasks(campaign, user, limit=15):
    return (
        Task.objects.restrict(user)
        .filter(campaign=campaign)
        .overdue()
        .select_related("unit")
        .order_by("deadline")[:limit]
    )


def late_units(campaign, user, limit=15):
    """Units ordered by reports late or missing across the campaign's rounds that are due
    (dispatch's `unit_timeliness` when it is there: a round still open before its deadline is not late)."""
    from shian.dispatch.services import unit_timeliness

    reports = DispatchReport.objects.restrict(user).filter(round__campaign=campaign)
    rows = [r for r in unit_timeliness(campaign, reports=reports) if r["late"] or r["missing"]]
    rows.sort(key=lambda r: (-r["missing"], -r["late"], r["unit"]))
    return [
        {
            "unit_id": r["unit_id"],
            "name": r["unit"],
            "label": r["short_name"],
            "rounds": r["rounds"],
            "late": r["late"],
            "missing": r["missing"],
        }
        for r in rows[:limit]
    ]


# --- figures from the other domains (each optional: None when that app or its data is absent) ---

OPTIONAL_ERRORS = (ImportError, LookupError, AttributeError)
SEVERITY_COLOURS = [
    ("red", "红色", "#dc3545"),
    ("orange", "橙色", "#fd7e14"),
    ("yellow", "黄色", "#ffc107"),
    ("blue", "蓝色", "#0d6efd"),
]
COVERAGE_COLOURS = {
    "missing": "#dc3545",
    "uploaded": "#0dcaf0",
    "approved": "#198754",
    "returned": "#ffc107",
    "out_of_period": "#6c757d",
}


def readiness(campaign, user, today=None):
    """Current self-assessment score, readiness, and the forecast if open problems close on time."""
    try:
        from shian.readiness import gap
    except OPTIONAL_ERRORS:
        return None
    data = gap.analyse(campaign, today=today or timezone.localdate(), user=user)
    if data.get("assessment") is None:
        return None
    res, fc = data["result"], data["forecast"]
    line = campaign.framework.pass_line
    return {
        "assessment": data["assessment"],
        "score": res.base_total,
        "max": res.base_max,
        "bonus": res.bonus_total,
        "readiness": round(float(res.readiness) * 100, 1),
        "pass_line": line,
        "forecast": fc["base"],
        "gain": fc["gain"],
        "passes_now": line is None or res.base_total >= line,
        "passes_forecast": fc["passes"],
        "outcome": res.outcome,
        "unscored": res.unscored,
        "late_problems": fc["late_problems"],
    }


def problems_by_colour(campaign, user):
    try:
        from shian.rectification.models import Problem
    except OPTIONAL_ERRORS:
        return None
    today = timezone.localdate()
    qs = Problem.objects.restrict(user).filter(campaign=campaign).open()
    counts = {
        r["severity"]: r
        for r in qs.values("severity").annotate(
            n=Count("id"), overdue=Count("id", filter=Q(deadline__lt=today))
        )
    }
    return [
        {
            "key": k,
            "label": label,
            "color": color,
            "open": counts.get(k, {}).get("n", 0),
            "overdue": counts.get(k, {}).get("overdue", 0),
        }
        for k, label, color in SEVERITY_COLOURS
    ]


def material_completeness(campaign, user):
    try:
        from shian.evidence.matrix import build_matrix
    except OPTIONAL_ERRORS:
        return None
    m = build_matrix(campaign, user)
    if not m["total"]:
        return None
    rows = [
        {"key": s, "label": label, "count": n, "color": COVERAGE_COLOURS.get(s, "#999")}
        for s, label, _css, n in m["totals"]
    ]
    approved = next((r["count"] for r in rows if r["key"] == "approved"), 0)
    return {
        "rows": rows,
        "total": m["total"],
        "approved": approved,
        "rate": float(rate(approved, m["total"])),
        "points_at_stake": m["points_at_stake"],
    }


def key_figures(campaign, user, limit=12):
    """Computed supervision indicators of the campaign's framework against their targets."""
    try:
        from shian.supervision import engine  # noqa: F401 — the app must be there
        from shian.supervision.periods import default_period
        from shian.supervision.services import campaign_indicators
    except OPTIONAL_ERRORS:
        return None
    path = policy.view_path(user)
    if path is None or not campaign.region.path.startswith(path):
        return None
    today = timezone.localdate()
    from shian.supervision.batch import evaluate_many

    out = []
    pairs = [
        (defn, default_period(defn.period_kind, today, campaign))
        for defn in campaign_indicators(campaign)[:limit]
    ]
    for defn, ev in evaluate_many(
        pairs, campaign.region
    ):  # ledger reads batched; a broken definition gives None
        if ev is None:
            continue
        share = None
        if ev.value is not None and defn.target:
            share = float(rate(ev.value, defn.target))
        out.append(
            {
                "name": defn.name,
                "value": ev.value,
                "target": defn.target,
                "unit": defn.value_unit,
                "met": ev.met,
                "period": ev.period_label,
                "share": share,
            }
        )
    return out


# ------------------------------------------------------------------------------ the field
def field_tiles(campaign, user) -> list[dict]:
    """Figures from the field apps for the leader (label, value, unit, note, url, tone), a few queries each:
    inspections here, then each app's own `figures.dashboard_tiles`; every link keeps the campaign."""
    from shian.community import figures as community
    from shian.incidents import figures as incidents
    from shian.rankings import figures as rankings
    from shian.showcase import figures as showcase
    from shian.stewardship import figures as stewardship
    from shian.surveys import figures as surveys

    tiles = _inspection_tiles(campaign, user)
    for app in (surveys, stewardship, incidents, showcase, community, rankings):
        tiles.extend(app.dashboard_tiles(campaign, user))
    for tile in tiles:
        tile["url"] += ("&" if "?" in tile["url"] else "?") + f"campaign={campaign.pk}"
    return tiles


def _inspection_tiles(campaign, user) -> list[dict]:
    from django.urls import reverse

    from shian.inspections.choices import VisitStatus
    from shian.inspections.credit import frequency_totals
    from shian.inspections.models import Visit
    from shian.registry.models import Business

    businesses = Business.objects.restrict(user).filter(region__path__startswith=campaign.region.path)
    freq = frequency_totals(businesses)
    visits = (
        Visit.objects.restrict(user)
        .filter(plan__campaign=campaign)
        .aggregate(total=Count("pk"), done=Count("pk", filter=Q(status=VisitStatus.SUBMITTED)))
    )
    return [
        {
            "label": "检查频次达标",
            "value": freq["on_track_rate"],
            "unit": "%",
            "note": f"{freq['year']}年 {freq['graded']} 家分级主体，{freq['behind']} 家未达频次",
            "url": reverse("inspections:frequency"),
            "tone": "danger" if freq["behind"] else "success",
        },
        {
            "label": "明查暗访点位",
            "value": visits["done"],
            "unit": f"/{visits['total']}",
            "note": "已提交 / 已派点位",
            "url": reverse("inspections:plan_list"),
            "tone": "primary",
        },
    ]
