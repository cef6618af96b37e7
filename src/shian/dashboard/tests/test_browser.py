import pytest


@pytest.mark.browser
def test_leader_dashboard_charts_and_table_toggle(cast, browser_login, live_server):
    page = browser_login(cast.leader)
    page.goto(f"{live_server.url}/dashboard/?campaign={cast.campaign.pk}")
    page.wait_for_selector("[data-chart-url*='category'] canvas")
    page.click("[data-bs-target='#tbl-category']")
    page.wait_for_selector("#tbl-category-body table.chart-table")
    assert "基础工作" in page.inner_text("#tbl-category-body")
    page.screenshot(path="/tmp/shian-dashboard-leader.png", full_page=True)


@pytest.mark.browser
def test_command_centre_screen(cast, browser_login, live_server):
    page = browser_login(cast.leader)
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(f"{live_server.url}/dashboard/screen/?campaign={cast.campaign.pk}")
    page.wait_for_selector("[data-chart-url*='units'] canvas")
    assert page.evaluate("document.documentElement.scrollHeight") <= 1080  # fits the display, no scrolling
    assert page.locator("nav.navbar").count() == 0
    page.screenshot(path="/tmp/shian-dashboard-screen.png")
