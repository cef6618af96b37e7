"""Probes from issue 10 (身份鉴别): each reproduced as an attacker would, then refused."""

import datetime

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from shian.core.models import AuditLog
from shian.security.models import LoginFailure
from shian.testing import PASSWORD


def _post_login(client, username, password, ip="10.0.0.1"):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_thirty_wrong_passwords_lock_the_account_and_the_right_one_is_refused(cast, client):
    for _ in range(30):
        _post_login(client, cast.office_user.username, "wrong-Pass-1")
    response = _post_login(client, cast.office_user.username, PASSWORD)
    assert response.status_code == 429
    body = response.content.decode()
    assert "已被锁定" in body and "后重试" in body
    assert "_auth_user_id" not in client.session
    # The lock counted only up to the limit; refused attempts are audited as such, with the address.
    assert LoginFailure.objects.filter(username=cast.office_user.username).count() == 5
    assert AuditLog.objects.filter(event="login_failed", ip_address="10.0.0.1").count() == 5
    assert AuditLog.objects.filter(event="login_locked").count() == 26


def test_lockout_timing_five_in_window_then_thirty_minutes(cast, client, settings):
    from shian.security import lockout

    user = cast.edu_liaison.username
    start = timezone.now()
    times = [start - datetime.timedelta(minutes=m) for m in (14, 10, 6, 3, 0)]
    LoginFailure.objects.bulk_create([LoginFailure(username=user, ip_address="10.0.0.9") for _ in times])
    for failure, at in zip(LoginFailure.objects.order_by("id"), times, strict=True):
        LoginFailure.objects.filter(pk=failure.pk).update(at=at)
    lock = lockout.current_lock(user, "10.0.0.8")
    assert lock is not None and lock.what == "账号"
    assert abs((lock.until - (start + datetime.timedelta(minutes=30))).total_seconds()) < 1
    # Five failures spread over more than 15 minutes do not lock.
    LoginFailure.objects.filter(pk=LoginFailure.objects.order_by("id").first().pk).update(
        at=start - datetime.timedelta(minutes=16)
    )
    LoginFailure.objects.filter(pk=LoginFailure.objects.order_by("-id").first().pk).update(
        at=start - datetime.timedelta(minutes=0)
    )
    assert (
        lockout._lock_from(sorted(LoginFailure.objects.values_list("at", flat=True)), timezone.now()) is None
    )
    # ... and a lock ends 30 minutes after the failure that reached the limit.
    later = start + datetime.timedelta(minutes=31)
    ats = sorted(start - datetime.timedelta(minutes=m) for m in (4, 3, 2, 1, 0))
    assert lockout._lock_from(ats, start) is not None
    assert lockout._lock_from(ats, later) is None


def test_limits_come_from_settings(cast, client, settings):
    settings.SHIAN_LOCKOUT_LIMIT = 2
    for _ in range(2):
        _post_login(client, cast.edu_liaison.username, "wrong")
    assert _post_login(client, cast.edu_liaison.username, PASSWORD).status_code == 429


def test_lock_per_address_across_usernames(cast, client):
    for i in range(5):
        _post_login(client, f"guess{i}", "wrong", ip="10.1.1.1")
    assert _post_login(client, cast.edu_liaison.username, PASSWORD, ip="10.1.1.1").status_code == 429
    assert _post_login(client, cast.edu_liaison.username, PASSWORD, ip="10.1.1.2").status_code == 302


def test_admin_unlocks(cast, client, login):
    for _ in range(5):
        _post_login(client, cast.edu_liaison.username, "wrong", ip="10.2.2.2")
    admin = login(cast.admin)
    page = admin.get("/account/locks/").content.decode()
    assert cast.edu_liaison.username in page
    admin.post("/account/locks/", {"username": cast.edu_liaison.username})
    admin.post("/account/locks/", {"ip_address": "10.2.2.2"})
    admin.logout()
    assert _post_login(client, cast.edu_liaison.username, PASSWORD, ip="10.2.2.2").status_code == 302
    assert AuditLog.objects.filter(event="login_unlocked").count() == 2


def test_office_cannot_open_the_unlock_page(cast, login):
    assert login(cast.office_user).get("/account/locks/").status_code == 403


def test_two_hundred_token_requests_get_429(cast):
    client = APIClient()
    codes = [
        client.post(
            "/api/token/",
            {"username": cast.edu_liaison.username, "password": "wrong"},
            REMOTE_ADDR="10.3.3.3",
        ).status_code
        for _ in range(200)
    ]
    assert codes[:4] == [400] * 4
    assert set(codes[4:]) == {429}
    locked = client.post(
        "/api/token/", {"username": cast.edu_liaison.username, "password": PASSWORD}, REMOTE_ADDR="10.3.3.3"
    )
    assert locked.status_code == 429 and "已被锁定" in locked.json()["detail"] and locked["Retry-After"]


def test_admin_login_is_locked_too(cast, client):
    for _ in range(5):
        client.post(
            "/admin/login/", {"username": cast.admin.username, "password": "wrong"}, REMOTE_ADDR="10.4.4.4"
        )
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": cast.admin.username, "password": PASSWORD},
        REMOTE_ADDR="10.4.4.4",
    )
    assert "已被锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_logout_and_failure_are_audited_with_address(cast, client):
    _post_login(client, cast.edu_liaison.username, "wrong", ip="10.5.5.5")
    _post_login(client, cast.edu_liaison.username, PASSWORD, ip="10.5.5.5")
    client.post("/logout/", REMOTE_ADDR="10.5.5.5")
    events = list(
        AuditLog.objects.filter(ip_address="10.5.5.5").order_by("id").values_list("event", flat=True)
    )
    assert events == ["login_failed", "login", "logout"]
    login_row = AuditLog.objects.get(event="login")
    assert login_row.actor == cast.edu_liaison


def test_tokens_expire(cast, settings):
    settings.SHIAN_TOKEN_DAYS = 7
    client = APIClient()
    key = client.post("/api/token/", {"username": cast.edu_liaison.username, "password": PASSWORD}).json()[
        "token"
    ]
    assert AuditLog.objects.filter(event="token_created", actor=cast.edu_liaison).exists()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/units/").status_code == 200
    Token.objects.filter(key=key).update(created=timezone.now() - datetime.timedelta(days=8))
    response = client.get("/api/units/")
    assert response.status_code == 401 and "过期" in response.json()["detail"]


def test_password_reset_revokes_tokens(cast, login):
    client = APIClient()
    key = client.post("/api/token/", {"username": cast.edu_liaison.username, "password": PASSWORD}).json()[
        "token"
    ]
    office = login(cast.office_user)
    edit = office.get(f"/organisation/users/{cast.edu_liaison.pk}/edit/")
    assert edit.status_code == 200
    response = office.post(
        f"/organisation/users/{cast.edu_liaison.pk}/edit/",
        {
            "username": cast.edu_liaison.username,
            "name": "联络员",
            "unit": cast.edu.pk,
            "role": "liaison",
            "phone": "",
            "email": "",
            "is_active": "on",
            "password": "Reset-Pass-2026",
            "edit_version": cast.edu_liaison.version,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/units/").status_code == 401
    reset = AuditLog.objects.filter(event="password_reset", object_id=str(cast.edu_liaison.pk)).latest("id")
    assert reset.actor == cast.office_user and "作废接口令牌 1 个" in reset.note
    cast.edu_liaison.refresh_from_db()
    assert cast.edu_liaison.must_change_password


def test_password_set_by_office_must_be_changed_at_first_login(cast, client, login):
    from shian.organisation.models import User

    office = login(cast.office_user)
    office.post(
        "/organisation/users/add/",
        {
            "username": "newbie",
            "name": "新人",
            "unit": cast.edu.pk,
            "role": "liaison",
            "password": "Start-Pass-2026",
            "is_active": "on",
        },
    )
    office.logout()
    user = User.objects.get(username="newbie")
    assert user.must_change_password
    _post_login(client, "newbie", "Start-Pass-2026")
    response = client.get("/tasks/")
    assert response.status_code == 302 and response["Location"].startswith("/account/password/")
    # the API is closed too until the password is changed
    assert client.get("/api/units/").status_code == 403
    changed = client.post(
        "/account/password/",
        {
            "old_password": "Start-Pass-2026",
            "new_password1": "Mine-Own-2026!",
            "new_password2": "Mine-Own-2026!",
        },
    )
    assert changed.status_code == 302
    assert client.get("/tasks/").status_code == 200
    assert AuditLog.objects.filter(event="password_changed", actor=user).exists()


@pytest.mark.parametrize(
    "password, message",
    [
        ("Ab1!", "至少需要 8 个字符"),
        ("abcdefgh1", "至少 3 类"),
        ("Xliaison-edu1", "不能包含用户名"),
        ("Password123", "过于常见"),
    ],
)
def test_password_policy_messages_are_chinese(cast, password, message):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    user = cast.edu_liaison
    user.username = "liaison-edu"
    with pytest.raises(ValidationError) as exc:
        validate_password(password, user)
    assert any(message.replace("至少 3 类", "至少 3 类") in m for m in exc.value.messages), exc.value.messages


def test_last_five_passwords_cannot_be_reused(cast):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    from shian.core.audit import actor_context

    user = cast.edu_liaison
    history = [f"Hist-Pass-{i}a" for i in range(6)]
    with actor_context(user):
        for pw in history:
            user.set_password(pw)
            user.save()
    for pw in history[1:]:
        with pytest.raises(ValidationError, match="最近 5 次"):
            validate_password(pw, user)
    validate_password(history[0], user)  # the sixth-latest is allowed again


def test_idle_session_is_logged_out(cast, client, settings):
    import time

    from shian.security.middleware import SESSION_SEEN

    _post_login(client, cast.edu_liaison.username, PASSWORD)
    assert client.get("/tasks/").status_code == 200
    session = client.session
    session[SESSION_SEEN] = int(time.time()) - settings.SHIAN_SESSION_IDLE_MINUTES * 60 - 5
    session.save()
    response = client.get("/tasks/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert AuditLog.objects.filter(event="session_expired", actor=cast.edu_liaison).exists()


def test_absolute_session_lifetime(cast, client, settings):
    import time

    from shian.security.middleware import SESSION_AUTH_AT

    _post_login(client, cast.edu_liaison.username, PASSWORD)
    session = client.session
    session[SESSION_AUTH_AT] = int(time.time()) - settings.SHIAN_SESSION_MAX_HOURS * 3600 - 5
    session.save()
    assert client.get("/tasks/").status_code == 302
    assert settings.SESSION_COOKIE_AGE == settings.SHIAN_SESSION_MAX_HOURS * 3600


def test_argon2_is_the_production_hasher(tmp_path):
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in ("PYTEST_VERSION", "SHIAN_TESTING")}
    env.update(SHIAN_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="shian.settings")
    code = (
        "import django; django.setup(); from django.contrib.auth.hashers import make_password; "
        "print(make_password('Probe-Pass-1')[:9])"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "argon2$ar"
