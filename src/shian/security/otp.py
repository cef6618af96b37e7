"""Second factor: TOTP (any authenticator app) with ten single-use recovery codes (django-otp)."""

import django_otp
import segno
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from shian.core.audit import log_security_event

RECOVERY_CODES = 10


def pending_device(user) -> TOTPDevice:
    """The not yet confirmed authenticator of this user (created on first visit of the set-up page)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="身份验证器", confirmed=False)


def qr_data_uri(device) -> str:
    """The otpauth:// URL as a PNG data: URI (an <img>, no script or style: fits the CSP's img-src data:)."""
    return segno.make(device.config_url, error="m").png_data_uri(scale=5, border=2)


def secret_text(device) -> str:
    import base64

    key = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


@transaction.atomic
def confirm_device(user, device, token: str, *, request=None) -> list[str]:
    """Confirm the authenticator with a first code; returns the new recovery codes (shown once)."""
    if device.user_id != user.pk or device.confirmed:
        raise PermissionDenied("该验证器不属于您或已启用")
    if not device.verify_token((token or "").strip().replace(" ", "")):
        log_security_event("otp_failed", target=user, actor=user, note="启用身份验证器时动态码不正确")
        return []
    device.confirmed = True
    device.save()
    codes = new_recovery_codes(user)
    if request is not None:
        django_otp.login(request, device)
    log_security_event(
        "otp_enabled", target=user, actor=user, note="启用双因素认证（TOTP），生成恢复码 10 个"
    )
    return codes


def new_recovery_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name="恢复码", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=static, token=c) for c in codes])
    return codes


def verify_token(user, token: str, *, request=None):
    """The device that accepts `token` (a TOTP code or a recovery code), or None; audited either way."""
    token = (token or "").strip().replace(" ", "")
    device = None
    if token:
        with transaction.atomic():
            for model in (TOTPDevice, StaticDevice):
                for candidate in model.objects.filter(user=user, confirmed=True).select_for_update():
                    if candidate.verify_token(token):
                        device = candidate
                        break
                if device:
                    break
    if device is None:
        log_security_event("otp_failed", target=user, actor=user, note="动态码或恢复码不正确")
        return None
    if request is not None and getattr(request, "user", None) is not None and request.user.pk == user.pk:
        django_otp.login(request, device)
    if isinstance(device, StaticDevice):
        left = StaticToken.objects.filter(device=device).count()
        log_security_event(
            "recovery_code_used", target=user, actor=user, note=f"使用恢复码登录，剩余 {left} 个"
        )
    else:
        log_security_event("otp_verified", target=user, actor=user, note="双因素认证通过")
    return device


@transaction.atomic
def reset_second_factor(target, *, actor):
    """Administrators remove a user's authenticator and codes (lost phone); the user sets up anew."""
    if not (actor and actor.is_admin):
        raise PermissionDenied("只有系统管理员可以重置双因素认证")
    TOTPDevice.objects.filter(user=target).delete()
    StaticDevice.objects.filter(user=target).delete()
    log_security_event("otp_reset", target=target, actor=actor, note="管理员重置双因素认证，需本人重新绑定")
