"""Browser: the office sets a township target for a 专项整治, brings in the registry's businesses and
records one as done, on a phone (390 px) and at 1366 px; a screenshot of the phone page is kept."""

import datetime as dt
import os

import pytest

from shian.incidents import services
from shian.registry.testing import make_business

PHONE = {"width": 390, "height": 844}


@pytest.mark.browser
def test_a_special_campaign_on_a_phone(cast, browser_login, live_server, tmp_path):
    make_business(cast.town, 1, "small_eatery")
    make_business(cast.town, 2, "vendor", name="潼川镇第2号摊点")
    today = dt.date.today()
    special = services.create_special(
        actor=cast.office_user,
        region=cast.county,
        title="“三小”行业专项整治",
        kind="small_three",
        starts_on=today,
        ends_on=today + dt.timedelta(days=30),
        status="active",
    )
    page = browser_login(cast.office_user)
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}{special.get_absolute_url()}")
    page.select_option("#id_township", str(cast.town.pk))
    page.fill("#id_target", "2")
    page.click("text=保存目标")
    page.wait_for_selector("text=已保存整治目标")
    page.click("#cover-form button[type=submit]")
    page.wait_for_selector("text=已从主体库纳入整治对象2户")
    first = page.locator("#special-sites li").first
    first.locator("select[name=status]").select_option("passed")
    first.locator("input[name=result]").fill("复查合格")
    first.locator("button:has-text('登记')").click()
    page.wait_for_selector("text=复查合格")
    assert "50%" in page.inner_text("#special-progress")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1, f"page scrolls sideways at 390 px ({width}px)"
    shot = os.environ.get("SHIAN_SCREENSHOT_DIR", str(tmp_path))
    page.screenshot(path=os.path.join(shot, "special_390.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/incidents/specials/")
    assert "“三小”行业专项整治" in page.inner_text("table")
