"""Audit of logins, logouts, failed logins and account changes; failures feed the lockout."""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone

from shian.core.audit import log_security_event
from shian.security import lockout


def _channel(request):
    path = getattr(request, "path", "") or ""
    if path.startswith("/api/"):
        return "接口"
    if path.startswith("/admin/"):
        return "后台"
    return "页面"


@receiver(user_logged_in, dispatch_uid="shian-security-login")
def on_login(sender, request, user, **kwargs):
    ip = lockout.client_ip(request)
    lockout.clear_failures(user.username)
    if request is not None and hasattr(request, "session"):
        from shian.security.middleware import mark_authenticated

        mark_authenticated(request)
    log_security_event("login", target=user, actor=user, ip=ip, note=f"经{_channel(request)}登录")


@receiver(user_logged_out, dispatch_uid="shian-security-logout")
def on_logout(sender, request, user, **kwargs):
    if user is None:
        return
    reason = getattr(request, "shian_logout_reason", "")
    log_security_event(
        "session_expired" if reason else "logout",
        target=user,
        actor=user,
        ip=lockout.client_ip(request),
        note=reason or "本人退出登录",
    )


@receiver(user_login_failed, dispatch_uid="shian-security-failed")
def on_login_failed(sender, credentials, request=None, **kwargs):
    username = (credentials.get("username") or "")[:150]
    ip = lockout.client_ip(request)
    User = get_user_model()
    target = User.objects.filter(username=username).first() if username else None
    lock = getattr(request, "shian_lock", None)
    failure = None
    if lock is None:
        failure = lockout.record_failure(username, ip, _channel(request))
        lock = lockout.current_lock(username, ip)
        note = f"用户名“{username}”经{_channel(request)}登录失败"
        if lock:
            note += f"；失败次数达到上限，{lock.what}锁定至 {timezone.localtime(lock.until):%Y-%m-%d %H:%M}"
            if request is not None:
                request.shian_lock_started = lock
        event = "login_failed"
    else:
        note = f"用户名“{username}”在锁定期间尝试登录，已拒绝（{lock.what}锁定）"
        event = "login_locked"
    # A failed login for an unknown name is recorded against its row in the failure table.
    from shian.security.models import LoginFailure

    if target is None:
        target = (
            failure
            or LoginFailure.objects.filter(ip_address=ip).first()
            or LoginFailure(pk=0, username=username, ip_address=ip)
        )
    log_security_event(event, target=target, actor=None, ip=ip, note=note, data={"username": username})


@receiver(pre_save, sender=get_user_model(), dispatch_uid="shian-security-user-pre")
def remember_role(sender, instance, raw=False, **kwargs):
    if raw or instance._state.adding or not instance.pk:
        return
    from shian.core.audit import _before

    old = (_before.get() or {}).get((sender, instance.pk))
    if old is not None:
        instance._shian_before = (old.get("role"), old.get("unit"), old.get("is_superuser"))


@receiver(post_save, sender=get_user_model(), dispatch_uid="shian-security-user-post")
def log_role_change(sender, instance, created, raw=False, **kwargs):
    before = getattr(instance, "_shian_before", None)
    if raw or created or before is None:
        return
    del instance._shian_before
    role, unit_id, superuser = before
    labels = dict(sender._meta.get_field("role").choices)
    if role != instance.role or bool(superuser) != instance.is_superuser:
        log_security_event(
            "role_changed",
            target=instance,
            note=f"角色：{labels.get(role, role)} → {labels.get(instance.role, instance.role)}"
            + (
                "；超级管理员：" + ("是" if instance.is_superuser else "否")
                if bool(superuser) != instance.is_superuser
                else ""
            ),
            data={"role": [role, instance.role]},
        )
    if unit_id != instance.unit_id:
        from shian.organisation.models import Unit

        names = dict(
            Unit.objects.filter(pk__in=[p for p in (unit_id, instance.unit_id) if p]).values_list(
                "pk", "name"
            )
        )
        log_security_event(
            "unit_changed",
            target=instance,
            note=f"所属单位：{names.get(unit_id, '无')} → {names.get(instance.unit_id, '无')}",
            data={"unit": [unit_id, instance.unit_id]},
        )
