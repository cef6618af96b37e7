"""The leader's 包保 tiles: coverage of bindings, visits on time, signed commitments, open problems."""

import datetime

from django.utils import timezone

from shian.registry.testing import make_business
from shian.stewardship.figures import dashboard_tiles
from shian.stewardship.models import Binding, Cadre, Commitment, StewardVisit, VisitFinding


def test_tiles(cast):
    today = timezone.localdate()
    c = Cadre.objects.create(name="李村干", level="village", region=cast.town, phone="13800000071")
    b1, b2 = (make_business(cast.town, n, baobao_level="village") for n in (1, 2))
    make_business(cast.town, 3, baobao_level="village")  # nobody's
    Binding.objects.create(cadre=c, business=b1)
    Binding.objects.create(cadre=c, business=b2)
    v = StewardVisit.objects.create(cadre=c, business=b1, visited_on=today - datetime.timedelta(days=3))
    StewardVisit.objects.create(cadre=c, business=b2, visited_on=today - datetime.timedelta(days=90))
    VisitFinding.objects.create(visit=v, text="积水")
    VisitFinding.objects.create(visit=v, text="已改", status="fixed")
    Commitment.objects.create(cadre=c, year=today.year, signed_scan="stewardship/x.pdf")
    tiles = {t["label"]: t for t in dashboard_tiles(cast.campaign, cast.leader)}
    assert tiles["包保覆盖率"]["value"] == 66.7 and "1 家未落实" in tiles["包保覆盖率"]["note"]
    assert tiles["包保督导按时率"]["value"] == 50.0
    assert (tiles["承诺书签字"]["value"], tiles["承诺书签字"]["unit"]) == (1, "/1")
    assert tiles["督导发现问题未整改"]["value"] == 1 and "1 个待创建办" in tiles["督导发现问题未整改"]["note"]
    assert all({"label", "value", "unit", "note", "url", "tone"} <= set(t) for t in tiles.values())
    other = {t["label"]: t for t in dashboard_tiles(cast.other_campaign, cast.other_office_user)}
    assert other["包保覆盖率"]["value"] is None and other["督导发现问题未整改"]["value"] == 0
    # the other county looking at our campaign sees none of it
    assert {t["label"]: t for t in dashboard_tiles(cast.campaign, cast.other_office_user)}["承诺书签字"][
        "value"
    ] == 0
