"""Browser: the indicator page draws its chart; the import page shows progress and the result."""

import datetime

import pytest

from shian.supervision.tests.factories import indicator, sample


@pytest.mark.browser
def test_indicator_page_draws_the_chart(cast, browser_login, live_server):
    defn = indicator(target=4)
    for i in range(30):
        sample(cast.town if i % 3 else cast.town2, datetime.date(2023, 1 + i % 12, 3))
    page = browser_login(cast.office_user)
    page.goto(f"{live_server.url}/supervision/indicators/{defn.pk}/?region={cast.county.pk}&period=2023")
    page.wait_for_selector("[data-chart-url] canvas")
    assert page.inner_text("[data-testid=indicator-value]") == "0.03"
    page.screenshot(path="/tmp/supervision_indicator.png", full_page=True)
    page.click("text=芦溪镇")
    page.wait_for_url("**region=*")
    assert "芦溪镇" in page.inner_text("main")
