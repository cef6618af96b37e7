"""Screenshots of the security pages at 1366 px and 390 px (looked at by hand; asserts only what is visible)."""

import pytest

from shian.testing import PASSWORD


@pytest.mark.browser
@pytest.mark.parametrize("width", [1366, 390])
def test_security_pages_render_at_desktop_and_phone_width(cast, page, live_server, settings, width):
    page.set_viewport_size({"width": width, "height": 900})
    for _ in range(5):
        page.goto(live_server.url + "/login/")
        page.fill("#id_username", cast.edu_liaison.username)
        page.fill("#id_password", "wrong")
        page.click("button[type=submit]")
    assert page.locator(".alert-danger").inner_text().startswith("登录失败次数过多")
    page.screenshot(path=f"/tmp/sec-locked-{width}.png", full_page=True)
    from shian.security.models import LoginFailure

    LoginFailure.objects.update(ip_address="10.9.9.9")  # the account stays locked, this browser's address not
    settings.SHIAN_REQUIRE_2FA = True
    page.context.clear_cookies()
    page.goto(live_server.url + "/login/")
    page.fill("#id_username", cast.admin.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/account/otp/setup/**")
    assert page.locator(".otp-qr img").bounding_box()["width"] <= width
    page.screenshot(path=f"/tmp/sec-setup-{width}.png", full_page=True)
    settings.SHIAN_REQUIRE_2FA = False
    page.goto(live_server.url + "/account/locks/")
    assert cast.edu_liaison.username in page.content()
    page.screenshot(path=f"/tmp/sec-locks-{width}.png", full_page=True)
    page.goto(live_server.url + "/core/audit/")
    assert "登录失败" in page.content()
    page.screenshot(path=f"/tmp/sec-audit-{width}.png", full_page=True)
