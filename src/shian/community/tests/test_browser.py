"""Browser: a resident votes on a phone (390 px) without login; a second vote from the same browser is
refused; the office then sees the count on the poll's page."""

import pytest

from shian.community.testing import make_poll

PHONE = {"width": 390, "height": 844}


@pytest.mark.browser
def test_a_resident_votes_on_a_phone_once(cast, page, live_server, browser_login):
    poll = make_poll(cast.county)
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + poll.public_url())
    option = poll.options.get(name="散装白酒")
    page.click(f"label[for='opt-{option.pk}']")
    page.click("#pick-form button[type=submit]")
    page.wait_for_selector(".alert-success")
    assert "投票成功：散装白酒" in page.inner_text(".alert-success")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path="/tmp/community_pick_phone.png", full_page=True)
    option.refresh_from_db()
    assert option.votes == 1
    page.goto(live_server.url + poll.public_url())
    assert page.locator("#pick-form").count() == 0
    assert "您已投票" in page.inner_text("main")

    page.set_viewport_size({"width": 1366, "height": 900})
    browser_login(cast.office_user)
    page.goto(live_server.url + poll.get_absolute_url())
    row = page.locator("#poll-options tr", has_text="散装白酒")
    assert "1" in row.inner_text()
