"""Second factor for 系统管理员 and 创建办 when SHIAN_REQUIRE_2FA is on."""

import base64

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from shian.core.models import AuditLog
from shian.testing import PASSWORD


def code_for(secret: str) -> str:
    key = base64.b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8))
    return f"{totp(key, step=30, t0=0, digits=6, drift=0):06d}"


def _secret(device):
    return base64.b32encode(device.bin_key).decode()


@pytest.fixture
def two_factor(settings):
    settings.SHIAN_REQUIRE_2FA = True


def test_office_is_sent_to_setup_and_cannot_open_pages(cast, client, two_factor):
    client.post("/login/", {"username": cast.office_user.username, "password": PASSWORD})
    response = client.get("/tasks/")
    assert response.status_code == 302 and response["Location"].startswith("/account/otp/setup/")
    # a liaison is not asked
    other = client.__class__()
    other.post("/login/", {"username": cast.edu_liaison.username, "password": PASSWORD})
    assert other.get("/tasks/").status_code == 200


def test_setup_then_verify_with_code_and_recovery_code(cast, client, two_factor):
    client.post("/login/", {"username": cast.office_user.username, "password": PASSWORD})
    page = client.get("/account/otp/setup/")
    assert "data:image/png;base64," in page.content.decode()
    device = TOTPDevice.objects.get(user=cast.office_user, confirmed=False)
    wrong = client.post(
        "/account/otp/setup/", {"token": "000000" if code_for(_secret(device)) != "000000" else "111111"}
    )
    assert wrong.status_code == 400 and "不正确" in wrong.content.decode()
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)  # no back-off wait in the test
    done = client.post("/account/otp/setup/", {"token": code_for(_secret(device))})
    codes = [li.split(">")[-1] for li in done.content.decode().split("</li>") if "font-monospace" in li]
    assert len(codes) == 10
    assert client.get("/tasks/").status_code == 200
    client.post("/logout/")
    client.post("/login/", {"username": cast.office_user.username, "password": PASSWORD})
    assert client.get("/tasks/")["Location"].startswith("/account/otp/verify/")
    assert client.post("/account/otp/verify/", {"token": codes[0]}).status_code == 302
    assert client.get("/tasks/").status_code == 200
    # a recovery code works once
    client.post("/logout/")
    client.post("/login/", {"username": cast.office_user.username, "password": PASSWORD})
    assert client.post("/account/otp/verify/", {"token": codes[0]}).status_code == 400
    events = set(AuditLog.objects.filter(actor=cast.office_user).values_list("event", flat=True))
    assert {"otp_enabled", "recovery_code_used", "otp_failed"} <= events


def test_token_endpoint_demands_the_second_factor(cast, two_factor):
    client = APIClient()
    no_device = client.post("/api/token/", {"username": cast.office_user.username, "password": PASSWORD})
    assert no_device.status_code == 403 and "双因素" in no_device.json()["detail"]
    device = TOTPDevice.objects.create(user=cast.office_user, name="x", confirmed=True)
    missing = client.post("/api/token/", {"username": cast.office_user.username, "password": PASSWORD})
    assert missing.status_code == 400
    ok = client.post(
        "/api/token/",
        {"username": cast.office_user.username, "password": PASSWORD, "otp": code_for(_secret(device))},
    )
    assert ok.status_code == 200 and ok.json()["token"]


def test_admin_resets_a_lost_authenticator(cast, login, two_factor):
    TOTPDevice.objects.create(user=cast.office_user, name="x", confirmed=True)
    from django.core.exceptions import PermissionDenied

    from shian.security.otp import reset_second_factor

    with pytest.raises(PermissionDenied):
        reset_second_factor(cast.office_user, actor=cast.other_office_user)
    reset_second_factor(cast.office_user, actor=cast.admin)
    assert not TOTPDevice.objects.filter(user=cast.office_user).exists()


@pytest.mark.browser
def test_two_factor_flow_in_the_browser(cast, page, live_server, settings):
    settings.SHIAN_REQUIRE_2FA = True
    errors = []
    page.on(
        "console",
        lambda msg: errors.append(f"{msg.text} @ {page.url} {msg.location}") if msg.type == "error" else None,
    )
    page.goto(live_server.url + "/login/")
    page.fill("#id_username", cast.office_user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/account/otp/setup/**")
    assert page.locator(".otp-qr img").is_visible()
    page.screenshot(path="/tmp/sec-otp-setup.png", full_page=True)
    secret = page.locator("#otp-secret").inner_text()
    page.fill("#id_token", code_for(secret))
    page.click("main button[type=submit]")
    page.locator(".recovery-codes li").first.wait_for()  # the click only starts the POST
    codes = page.locator(".recovery-codes li").all_inner_texts()
    assert len(codes) == 10
    page.click("text=我已保存，继续")
    page.wait_for_load_state()
    assert "/account/" not in page.url
    page.goto(live_server.url + "/tasks/")
    assert page.locator("h1").first.is_visible()
    # next login asks for the code
    page.context.clear_cookies()
    page.goto(live_server.url + "/login/")
    page.fill("#id_username", cast.office_user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/account/otp/verify/**")
    page.screenshot(path="/tmp/sec-otp-verify.png", full_page=True)
    page.fill("#id_token", codes[1])
    page.click("main form:not([action]) button[type=submit]")
    page.wait_for_load_state()
    assert "/account/otp/" not in page.url
    assert not [e for e in errors if "Content Security Policy" in e], errors
