"""主体责任 of one business: its own login (企业账号), its 食品安全总监/安全员 and its 风险管控清单.

A 企业账号 (role "business", no unit) is opened by the office or the township of the business, with an
initial password the owner must change at the first login. It reads its business's rows through the
policy's `business` declarations and changes only what the services here and `duty.record_duty` let it.
"""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from shian.core import policy
from shian.core.audit import actor_context, log_event
from shian.core.services import save_versioned
from shian.organisation.choices import Role, UnitKind
from shian.organisation.models import User
from shian.stewardship.models import BusinessAccount, RiskControl


def is_account_of(user, business) -> bool:
    """Is `user` the 企业账号 of `business`?"""
    return (
        user is not None
        and getattr(user, "role", None) == Role.BUSINESS
        and user.business_scope_id == business.pk
    )


def check_business_writer(business, actor):
    """The business's own account, or whoever may change the business in the registry."""
    if actor is None:
        raise PermissionDenied("请登录后填报")
    if is_account_of(actor, business):
        return
    if actor.role == Role.BUSINESS or actor.is_read_only:
        raise PermissionDenied("该主体不在您可填报的范围内")
    if not policy.can(actor, "change", business):
        raise PermissionDenied("该主体不在您可填报的范围内")


def may_open_account(business, actor) -> bool:
    """The office over the business, or the township it lies in (not a member unit, not read-only)."""
    if actor is None or not actor.is_authenticated or actor.is_read_only or actor.role == Role.BUSINESS:
        return False
    if policy.manages(actor, business.region):
        return True
    return (
        actor.role in policy.UNIT_ROLES
        and actor.unit_id is not None
        and actor.unit.kind == UnitKind.TOWNSHIP
        and business.region.path.startswith(actor.unit.region.path)
    )


@transaction.atomic
def open_business_account(business, *, actor, username, password, name="", phone="") -> BusinessAccount:
    """A new 企业账号 for `business`; the initial password goes through the password policy and must be
    changed by its owner at the first login."""
    if not may_open_account(business, actor):
        raise PermissionDenied("只有本辖区创建办或所在乡镇可以为该主体开通企业账号")
    username = (username or "").strip()
    if not username:
        raise ValidationError({"username": "请填写登录名"})
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": f"登录名“{username}”已被使用"})
    user = User(
        username=username,
        role=Role.BUSINESS,
        unit=None,
        name=(name or business.safety_director or business.name).strip()[:40],
        phone=(phone or "").strip()[:20],
    )
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as exc:
        raise ValidationError({"username": "；".join(exc.messages)}) from exc
    try:
        validate_password(password or "", user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    with actor_context(actor):
        user.set_password(password)
        user.must_change_password = True
        user.save()
    account = BusinessAccount.objects.create(user=user, business=business)
    log_event(business, "business_account_opened", note=f"开通企业账号“{username}”")
    return account


@transaction.atomic
def close_business_account(account: BusinessAccount, *, actor) -> BusinessAccount:
    if not may_open_account(account.business, actor):
        raise PermissionDenied("只有本辖区创建办或所在乡镇可以停用企业账号")
    if not account.is_active and not account.user.is_active:
        # a second click (another tab, a retried request) must not write a second 停用 into the history
        raise ValidationError({"account": f"企业账号“{account.user.username}”已停用"})
    account.is_active = False
    account.save()
    user = account.user
    user.is_active = False
    with actor_context(actor):
        user.save(update_fields=["is_active"])
    log_event(account.business, "business_account_closed", note=f"停用企业账号“{user.username}”")
    return account


@transaction.atomic
def reopen_business_account(account: BusinessAccount, *, actor) -> BusinessAccount:
    """Switch a stopped 企业账号 back on (the link and the login); its password is left as it was."""
    if not may_open_account(account.business, actor):
        raise PermissionDenied("只有本辖区创建办或所在乡镇可以启用企业账号")
    if account.is_active and account.user.is_active:
        raise ValidationError({"account": f"企业账号“{account.user.username}”已在使用中"})
    account.is_active = True
    account.save()
    user = account.user
    user.is_active = True
    with actor_context(actor):
        user.save(update_fields=["is_active"])
    log_event(account.business, "business_account_reopened", note=f"重新启用企业账号“{user.username}”")
    return account


@transaction.atomic
def reset_business_account_password(account: BusinessAccount, *, actor, password, expected_version):
    """A new initial password for a 企业账号, by the office or township that may open it. The rules of
    every reset (password policy, must change at the next login, tokens revoked, audit) are
    organisation's `reset_password`."""
    from shian.organisation.services import reset_password

    if not may_open_account(account.business, actor):
        raise PermissionDenied("只有本辖区创建办或所在乡镇可以重置企业账号的密码")
    if not (account.is_active and account.user.is_active):
        raise ValidationError({"password": f"企业账号“{account.user.username}”已停用，请先启用再重置密码"})
    reset_password(account.user, password, actor=actor, expected_version=expected_version)
    log_event(
        account.business,
        "business_account_password_reset",
        note=f"重置企业账号“{account.user.username}”的密码",
    )
    return account


@transaction.atomic
def set_safety_staff(business, *, actor, director, officer, expected_version):
    """The business's 食品安全总监 and 食品安全员 (the registry's fields; nothing else of the row)."""
    check_business_writer(business, actor)
    director, officer = (director or "").strip(), (officer or "").strip()
    if len(director) > 40 or len(officer) > 40:
        raise ValidationError({"safety_director": "姓名不能超过40个字"})
    if is_account_of(actor, business) and not director:
        raise ValidationError({"safety_director": "请填写食品安全总监"})
    business.safety_director, business.safety_officer = director, officer
    save_versioned(business, expected_version)
    return business


def _risk_fields(risk, measures, frequency, person) -> dict:
    fields = {
        "risk": (risk or "").strip(),
        "measures": (measures or "").strip(),
        "frequency": (frequency or "").strip(),
        "person": (person or "").strip(),
    }
    if not fields["risk"]:
        raise ValidationError({"risk": "请填写风险点"})
    if not fields["measures"]:
        raise ValidationError({"measures": "请填写管控措施"})
    return fields


@transaction.atomic
def add_risk_control(business, *, actor, risk, measures, frequency="", person="") -> RiskControl:
    check_business_writer(business, actor)
    item = RiskControl(business=business, **_risk_fields(risk, measures, frequency, person))
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def change_risk_control(item, *, actor, expected_version, risk, measures, frequency="", person=""):
    check_business_writer(item.business, actor)
    for key, value in _risk_fields(risk, measures, frequency, person).items():
        setattr(item, key, value)
    item.full_clean()
    save_versioned(item, expected_version)
    return item


@transaction.atomic
def remove_risk_control(item, *, actor):
    check_business_writer(item.business, actor)
    item.delete()
