"""Login lockout per account and per source address.

LIMIT failures of one username, or from one address, within WINDOW minutes lock that username or
address for LOCK minutes from the failure that reached the limit. While locked, no password is
checked at all (the page, `POST /api/token/` and the admin all authenticate through
`LockoutBackend`, which Django consults first). An administrator unlocks with `unlock()`.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from shian.core.middleware import client_ip  # noqa: F401 — one definition, used by the lockout
from shian.security.models import LoginFailure


@dataclass
class Lock:
    what: str  # "账号" or "地址"
    until: datetime.datetime

    @property
    def message(self) -> str:
        local = timezone.localtime(self.until)
        minutes = max(1, int((self.until - timezone.now()).total_seconds() // 60) + 1)
        return (
            f"登录失败次数过多，该{self.what}已被锁定，请于 {local:%Y-%m-%d %H:%M} 后重试"
            f"（约 {minutes} 分钟后），或联系系统管理员解锁。"
        )

    @property
    def retry_after(self) -> int:
        return max(1, int((self.until - timezone.now()).total_seconds()))


class AccountLocked(PermissionDenied):
    def __init__(self, lock: Lock):
        super().__init__(lock.message)
        self.lock = lock


def _lock_from(times: list[datetime.datetime], now) -> datetime.datetime | None:
    """The end of the lock the failure times (ascending) put in force now, or None."""
    limit = settings.SHIAN_LOCKOUT_LIMIT
    window = datetime.timedelta(minutes=settings.SHIAN_LOCKOUT_WINDOW_MINUTES)
    duration = datetime.timedelta(minutes=settings.SHIAN_LOCKOUT_MINUTES)
    if limit <= 0 or len(times) < limit:
        return None
    until = None
    start = 0
    for end, at in enumerate(times):
        while at - times[start] > window:
            start += 1
        if end - start + 1 >= limit:
            until = at + duration
            start = end + 1  # a new lock needs LIMIT fresh failures
    return until if until and until > now else None


def current_lock(username: str, ip: str) -> Lock | None:
    now = timezone.now()
    since = now - datetime.timedelta(
        minutes=settings.SHIAN_LOCKOUT_WINDOW_MINUTES + settings.SHIAN_LOCKOUT_MINUTES
    )
    for what, field, value in (
        ("账号", "username", (username or "").strip().lower()),
        ("地址", "ip_address", ip),
    ):
        if not value:
            continue
        times = list(
            LoginFailure.objects.filter(**{field: value, "at__gte": since})
            .order_by("at")
            .values_list("at", flat=True)
        )
        until = _lock_from(times, now)
        if until:
            return Lock(what, until)
    return None


def record_failure(username: str, ip: str, channel: str = "") -> LoginFailure:
    return LoginFailure.objects.create(
        username=(username or "").strip().lower()[:150], ip_address=ip, channel=channel
    )


def clear_failures(username: str) -> None:
    """A successful login forgets the account's earlier failures (the address keeps its own)."""
    LoginFailure.objects.filter(username=(username or "").strip().lower()).delete()


def active_locks():
    """[(what, value, until)] of every lock in force, for the administrators' unlock page."""
    now = timezone.now()
    since = now - datetime.timedelta(
        minutes=settings.SHIAN_LOCKOUT_WINDOW_MINUTES + settings.SHIAN_LOCKOUT_MINUTES
    )
    rows = (
        LoginFailure.objects.filter(at__gte=since).order_by("at").values_list("username", "ip_address", "at")
    )
    by_user, by_ip = {}, {}
    for username, ip, at in rows:
        by_user.setdefault(username, []).append(at)
        by_ip.setdefault(ip, []).append(at)
    locks = []
    for what, groups in (("username", by_user), ("ip_address", by_ip)):
        for value, times in sorted(groups.items()):
            until = _lock_from(times, now)
            if until and value:
                locks.append((what, value, until))
    return locks


def unlock(*, username: str = "", ip: str = "", actor) -> int:
    """Lift a lock (administrators only); audited."""
    from shian.core.audit import log_security_event

    if not (actor and actor.is_admin):
        raise PermissionDenied("只有系统管理员可以解除登录锁定")
    qs = LoginFailure.objects.none()
    if username:
        qs = LoginFailure.objects.filter(username=username.strip().lower())
    elif ip:
        qs = LoginFailure.objects.filter(ip_address=ip)
    count, _ = qs.delete()
    log_security_event(
        "login_unlocked",
        note=f"解除登录锁定：{'账号 ' + username if username else '地址 ' + ip}",
        target=actor,
        data={"username": username, "ip_address": ip, "cleared": count},
    )
    return count


class LockoutBackend:
    """First authentication backend: refuses a locked account or address before any password check.

    Django's `authenticate()` turns the PermissionDenied into "no user" and sends
    `user_login_failed`; the lock is left on the request so forms and the token view can say why.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        lock = current_lock(username or kwargs.get("username", ""), client_ip(request))
        if lock:
            if request is not None:
                request.shian_lock = lock
            raise AccountLocked(lock)
        return None

    def get_user(self, user_id):
        # Sessions made by force_login() name the first backend; resolve them like ModelBackend.
        from django.contrib.auth.backends import ModelBackend

        return ModelBackend().get_user(user_id)
