"""Browser: a unit's liaison on a phone (390 px) opens the published run, unfolds "why this rank",
and sees the rank trend chart drawn from the JSON endpoint (no inline script); the page fits."""

import datetime

import pytest

from shian.rankings import services
from shian.rankings.models import RankingScheme
from shian.rankings.signals import register_signal

PHONE = {"width": 390, "height": 844}


@pytest.mark.browser
def test_a_unit_reads_its_rank_and_the_trend_on_a_phone(cast, page, live_server, browser_login):
    register_signal(
        "test_browser", "调度按时报送率", "any", lambda c, s, e: {cast.edu.pk: 90, cast.market.pk: 60}
    )
    scheme = RankingScheme.objects.create(
        campaign=cast.campaign,
        name="成员单位月度红黑榜",
        weights={"test_browser": 1},
        red_count=1,
        black_count=1,
    )
    runs = []
    for month in (3, 4, 5):
        run = services.compute_ranking(scheme, datetime.date(2026, month, 1), actor=cast.office_user)
        runs.append(services.publish_run(run, actor=cast.office_user))
    page.set_viewport_size(PHONE)
    browser_login(cast.market_liaison)
    page.goto(live_server.url + runs[-1].get_absolute_url())
    page.click("text=明细 >> nth=1")
    page.wait_for_selector("#why-2.show")
    assert "加权得分 60.0" in page.inner_text("#why-2")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path="/tmp/rankings_run_phone.png", full_page=True)
    page.goto(live_server.url + f"/rankings/schemes/{scheme.pk}/trend/")
    page.wait_for_selector(".chart canvas")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path="/tmp/rankings_trend_phone.png", full_page=True)
