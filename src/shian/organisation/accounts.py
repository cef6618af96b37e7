"""Who may create or change which account — the one written rule, used by forms, services and the API.

- 系统管理员 (admin) may create and change every account, of every role.
- 创建办 (office) may create and change only *unit* accounts — 单位负责人 and 单位联络员 — of units in its
  own region subtree. It may never create, edit or promote an account to 创建办, 系统管理员, 领导 or
  评审专家 (those carry region-wide or review powers and are granted by an administrator), nor touch an
  account whose current role is one of those.
- Every other role manages no accounts.
- 企业账号 (business) are not made here: the office or township opens them from the business's 包保 page
  (stewardship.enterprise), which links the account to its business; an unlinked one would see nothing.
A change of role or unit is checked against both the account as it was and as it would become.
"""

from django.core.exceptions import PermissionDenied

from shian.organisation.choices import Role

OFFICE_GRANTS = frozenset({Role.UNIT_HEAD, Role.LIAISON})


def grantable_roles(actor) -> list[str]:
    if actor is None or not actor.is_authenticated:
        return []
    if actor.is_admin:
        return [value for value, _ in Role.choices if value != Role.BUSINESS]
    if actor.role == Role.OFFICE:
        return [value for value, _ in Role.choices if value in OFFICE_GRANTS]
    return []


def may_manage(actor, role, unit) -> bool:
    """May `actor` hold an account with this role in this unit (create it, or change it to/from this)?"""
    if actor is None or not actor.is_authenticated:
        return False
    if actor.is_admin:
        return True
    if role not in grantable_roles(actor):
        return False
    return unit is not None and actor.manages_unit(unit)


def check_account_change(actor, *, before=None, role, unit, is_superuser=False):
    """PermissionDenied (Chinese) unless `actor` may turn account `before` (None = new) into role/unit."""
    if actor is not None and actor.is_admin:
        return
    if is_superuser or (before is not None and (before.is_superuser or before.is_staff)):
        raise PermissionDenied("只有系统管理员可以维护管理员账号")
    label = dict(Role.choices)
    if before is not None and not may_manage(actor, before.role, before.unit):
        raise PermissionDenied(
            f"您无权修改该账号（{label.get(before.role, before.role)}，"
            f"{before.unit or '无单位'}）：创建办只能维护本辖区单位的单位负责人、联络员账号"
        )
    if not may_manage(actor, role, unit):
        allowed = "、".join(label[r] for r in grantable_roles(actor)) or "无"
        raise PermissionDenied(
            f"您不能设置角色“{label.get(role, role)}”（所属单位：{unit or '无'}）；"
            f"您可设置的角色：{allowed}，且单位须在您的辖区内"
        )
