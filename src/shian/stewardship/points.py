"""积分 and 星级 of cadres and businesses for a year, from the records and the rules (PointRule, StarRule).

Cadre: each visit on time (on or before the date the previous visit made due) or late, each problem found,
each problem found fixed on 复查, the year's signed commitment. Business: each visit with 一看二查三问 all
符合, each problem found at it, each fixed.
"""

import datetime
from collections import defaultdict

from shian.stewardship import services
from shian.stewardship.choices import DEFAULT_POINT_RULES, DEFAULT_STAR_RULES, FindingStatus
from shian.stewardship.models import Commitment, PointRule, StarRule, StewardVisit, VisitFinding


def ensure_defaults():
    if not PointRule.objects.exists():
        PointRule.objects.bulk_create(
            [PointRule(subject=s, event=e, points=p) for s, e, p in DEFAULT_POINT_RULES]
        )
    if not StarRule.objects.exists():
        StarRule.objects.bulk_create(
            [StarRule(subject=s, stars=n, min_points=m) for s, n, m in DEFAULT_STAR_RULES]
        )


def point_map() -> dict:
    ensure_defaults()
    return {(r.subject, r.event): r.points for r in PointRule.objects.all()}


def stars_for(subject: str, points: int, bands=None) -> int:
    bands = (
        bands if bands is not None else list(StarRule.objects.filter(subject=subject).order_by("-min_points"))
    )
    return next((b.stars for b in bands if points >= b.min_points), 0)


def year_points(year: int, visits=None) -> tuple[dict, dict]:
    """({cadre id: {event: count}}, {business id: {event: count}}) for `year`; `visits` narrows the
    visits counted (a user's scope)."""
    rule_map = services.rules()
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    qs = visits if visits is not None else StewardVisit.objects.all()
    cadre_events = defaultdict(lambda: defaultdict(int))
    business_events = defaultdict(lambda: defaultdict(int))
    rows = qs.filter(visited_on__lte=end).order_by("cadre_id", "business_id", "visited_on", "pk")
    last = {}
    for cadre_id, business_id, level, day, a, b, c in rows.values_list(
        "cadre_id",
        "business_id",
        "cadre__level",
        "visited_on",
        "licences_shown",
        "records_kept",
        "staff_answered",
    ):
        prev = last.get((cadre_id, business_id))
        last[(cadre_id, business_id)] = day
        if day < start:
            continue
        rule = rule_map.get(level)
        due = services.next_due(prev, rule.visits_per_year if rule else 4, day) if prev else day
        cadre_events[cadre_id]["visit_on_time" if day <= due else "visit_late"] += 1
        if a and b and c:
            business_events[business_id]["all_pass"] += 1
    findings = VisitFinding.objects.filter(
        visit__in=qs, visit__visited_on__gte=start, visit__visited_on__lte=end
    ).values_list("visit__cadre_id", "visit__business_id", "status")
    for cadre_id, business_id, status in findings:
        cadre_events[cadre_id]["finding"] += 1
        business_events[business_id]["finding"] += 1
        if status == FindingStatus.FIXED:
            cadre_events[cadre_id]["fixed"] += 1
            business_events[business_id]["fixed"] += 1
    for cadre_id in (
        Commitment.objects.filter(year=year).exclude(signed_scan="").values_list("cadre_id", flat=True)
    ):
        cadre_events[cadre_id]["signed"] += 1
    return cadre_events, business_events


def score(subject: str, events: dict, points=None) -> int:
    points = points if points is not None else point_map()
    return sum(points.get((subject, event), 0) * n for event, n in events.items())


def ranking(subject: str, objects, events_by_pk: dict) -> list[dict]:
    """Rows (object, events, points, stars), highest points first."""
    points = point_map()
    bands = list(StarRule.objects.filter(subject=subject).order_by("-min_points"))
    rows = []
    for obj in objects:
        events = dict(events_by_pk.get(obj.pk, {}))
        total = score(subject, events, points)
        rows.append(
            {"object": obj, "events": events, "points": total, "stars": stars_for(subject, total, bands)}
        )
    rows.sort(key=lambda r: (-r["points"], str(r["object"])))
    return rows
