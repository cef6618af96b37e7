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


@pytest.mark.browser
def test_import_page_shows_the_outcome_and_the_error_report(cast, browser_login, live_server, tmp_path):
    from shian.supervision.tests.test_import import HEAD, row, xlsx

    path = tmp_path / "抽检.xlsx"
    path.write_bytes(xlsx([HEAD, row("S1"), row("S2", town="火星镇")]).getvalue())
    page = browser_login(cast.office_user)
    page.goto(f"{live_server.url}/supervision/imports/add/")
    page.set_input_files("#id_file", str(path))
    page.click("main button[type=submit]")
    page.wait_for_selector("text=已拒绝（有错误）")
    assert "第3行C列（区划）" in page.inner_text("#import-result")
    with page.expect_download() as download:
        page.click("a:has-text('下载错误报告')")
    assert download.value.suggested_filename == "抽检.错误报告.xlsx"
    page.screenshot(path="/tmp/supervision_import.png", full_page=True)
