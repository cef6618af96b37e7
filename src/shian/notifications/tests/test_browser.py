import pytest
from django.utils import timezone

from shian.evidence.models import Material

pytestmark = pytest.mark.browser


def test_a_returned_material_rings_the_liaisons_bell_and_opens_the_material(cast, browser_login, live_server):
    url = live_server.url
    material = Material.objects.create(
        campaign=cast.campaign,
        unit=cast.edu,
        title="学校食堂食品安全管理责任清单",
        submitted_at=timezone.now(),
    )
    # GIVEN the office returns the 教育局's material with a reason
    page = browser_login(cast.office_user)
    page.goto(url + material.get_absolute_url())
    page.fill("#review-form textarea[name=reason]", "缺少校长签字页")
    page.click("#review-form button[value=return]")
    page.wait_for_selector("#return-reason")

    # WHEN the 教育局 liaison logs in
    page.context.clear_cookies()
    browser_login(cast.edu_liaison)

    # THEN the bell shows 1, and clicking it opens the material
    badge = page.locator("#bell [data-unread]")
    badge.wait_for()
    assert badge.inner_text() == "1"
    page.screenshot(path="/tmp/notify-bell-1366.png")
    page.click("#bell-toggle")
    item = page.locator("#bell .bell-item")
    assert "材料被退回" in item.inner_text()
    page.screenshot(path="/tmp/notify-bell-open-1366.png")
    item.click()
    page.wait_for_url(url + material.get_absolute_url())
    assert "缺少校长签字页" in page.inner_text("#return-reason")
    page.locator("#bell #bell-toggle").wait_for()
    assert page.locator("#bell [data-unread]").count() == 0  # read now

    # and on a phone the bell stays visible next to the menu button
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(url + "/notifications/")
    page.locator("#bell #bell-toggle").wait_for()
    assert page.locator("#bell #bell-toggle").is_visible()
    page.screenshot(path="/tmp/notify-list-390.png", full_page=True)
