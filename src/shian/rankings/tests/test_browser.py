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


def _pdf() -> bytes:
    return b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.mark.browser
def test_evidence_files_for_an_adjustment_and_an_appeal_go_through_the_forms(
    cast, page, live_server, browser_login, settings, tmp_path
):
    """The office (1366 px) registers a 加减分 with its 佐证 on the draft and publishes; the market
    liaison (390 px) appeals with a file; both files download for those who may read the run."""
    from shian.rankings.models import Adjustment, Appeal

    settings.MEDIA_ROOT = tmp_path
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
    run = services.compute_ranking(scheme, datetime.date(2026, 5, 1), actor=cast.office_user)

    page.set_viewport_size({"width": 1366, "height": 900})
    browser_login(cast.office_user)
    page.goto(live_server.url + run.get_absolute_url())
    page.select_option("select[name=unit]", str(cast.market.pk))
    page.fill("input[name=points]", "+2")
    page.fill("input[name=reason]", "省级通报表扬")
    page.locator("input[name=evidence]").set_input_files(
        {"name": "表扬通报.pdf", "mimeType": "application/pdf", "buffer": _pdf()}
    )
    page.screenshot(path="/tmp/rankings_adjustment_desktop.png", full_page=True)
    page.click("text=登记加减分")
    page.wait_for_load_state()
    adj = Adjustment.objects.get()
    assert adj.unit == cast.market and adj.evidence_name == "表扬通报.pdf"
    assert "市场监管局\t60\t+2\t62" in page.inner_text("main table")
    page.click("text=明细 >> nth=1")
    page.wait_for_selector("#why-2.show")
    why = page.inner_text("#why-2")
    assert "加权得分 60.0；+2.0（省级通报表扬） ＝ 62.0" in why and "+2分 · 省级通报表扬" in why
    assert page.locator("#why-2 a", has_text="佐证").count() == 1
    page.screenshot(path="/tmp/rankings_adjustment_done_desktop.png", full_page=True)
    got = page.request.get(live_server.url + f"/rankings/adjustments/{adj.pk}/file/")
    assert got.ok and got.body() == _pdf()
    page.click("form[action$='/publish/'] button")
    page.wait_for_selector("text=已发布")
    run.refresh_from_db()
    assert run.is_published

    page.context.clear_cookies()
    page.set_viewport_size(PHONE)
    browser_login(cast.market_liaison)
    page.goto(live_server.url + run.get_absolute_url())
    page.fill("textarea[name=reason]", "第三季度报送数据有误，附更正说明")
    page.locator("form[action$='/appeal/'] input[name=evidence]").set_input_files(
        {"name": "更正说明.pdf", "mimeType": "application/pdf", "buffer": _pdf()}
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.click("text=提交申诉")
    page.wait_for_selector("text=申诉已提交")
    page.screenshot(path="/tmp/rankings_appeal_phone.png", full_page=True)
    appeal = Appeal.objects.get()
    assert appeal.unit == cast.market and appeal.evidence_name == "更正说明.pdf"
    assert page.locator("a", has_text="申诉材料").count() == 1
    assert page.locator("textarea[name=reason]").count() == 0 and "本单位的申诉正在处理" in page.inner_text(
        "main"
    )
    got = page.request.get(live_server.url + f"/rankings/appeals/{appeal.pk}/file/")
    assert got.ok and got.body() == _pdf()
    # another unit's liaison reads the run but not the appeal's file
    page.context.clear_cookies()
    browser_login(cast.edu_liaison)
    assert page.request.get(live_server.url + f"/rankings/appeals/{appeal.pk}/file/").status == 404
