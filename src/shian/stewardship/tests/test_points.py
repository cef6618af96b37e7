"""积分 and 星级 by rules as data: on-time vs late visits, problems found and fixed, signed commitments."""

import datetime

from shian.registry.testing import make_business
from shian.stewardship import points, services
from shian.stewardship.models import (
    Binding,
    Cadre,
    Commitment,
    PointRule,
    StarRule,
    StewardVisit,
    VisitFinding,
)


def test_points_follow_the_rules_and_stars_the_bands(cast, login):
    services.ensure_defaults()  # village: 12 a year → due 30 days after a visit
    c = Cadre.objects.create(name="李村干", level="village", region=cast.town, phone="13800000081")
    shop = make_business(cast.town, 1, baobao_level="village")
    Binding.objects.create(cadre=c, business=shop)
    d = datetime.date
    StewardVisit.objects.create(
        cadre=c, business=shop, visited_on=d(2025, 12, 20)
    )  # last year: the base only
    on_time = StewardVisit.objects.create(cadre=c, business=shop, visited_on=d(2026, 1, 19))  # due 1-19
    late = StewardVisit.objects.create(
        cadre=c, business=shop, visited_on=d(2026, 3, 1), licences_shown=False, licences_note="未公示"
    )  # due 2-18
    VisitFinding.objects.create(visit=late, text="未公示", status="fixed")
    VisitFinding.objects.create(visit=late, text="积水")
    Commitment.objects.create(cadre=c, year=2026, signed_scan="stewardship/x.pdf")
    cadre_events, business_events = points.year_points(2026)
    assert dict(cadre_events[c.pk]) == {
        "visit_on_time": 1,
        "visit_late": 1,
        "finding": 2,
        "fixed": 1,
        "signed": 1,
    }
    assert dict(business_events[shop.pk]) == {"all_pass": 1, "finding": 2, "fixed": 1}
    assert on_time.licences_shown
    # 2 + 1 + 2×1 + 2 + 5 = 12 → 2 stars (10 or more); the business 2 − 4 + 1 = −1 → 1 star
    rows = points.ranking("cadre", [c], cadre_events)
    assert (rows[0]["points"], rows[0]["stars"]) == (12, 2)
    assert points.ranking("business", [shop], business_events)[0]["stars"] == 1
    # rules are data: signing is worth 15 now, and 3 stars start at 20
    PointRule.objects.filter(subject="cadre", event="signed").update(points=15)
    StarRule.objects.filter(subject="cadre", stars=3).update(min_points=22)
    rows = points.ranking("cadre", [c], cadre_events)
    assert (rows[0]["points"], rows[0]["stars"]) == (22, 3)
    body = login(cast.office_user).get("/stewardship/points/?year=2026").content.decode()
    assert "李村干" in body and "★★★☆☆" in body
    assert (
        "李村干" not in login(cast.other_office_user).get("/stewardship/points/?year=2026").content.decode()
    )
