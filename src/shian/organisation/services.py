"""Organisation rules: importing the region tree and the unit list (all-or-nothing)."""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction

from shian.core import policy
from shian.core.audit import log_event
from shian.organisation.choices import RegionLevel, UnitKind
from shian.organisation.models import Region, Unit, User

LEVELS = {label: value for value, label in RegionLevel.choices} | {
    "省": 1,
    "省级": 1,
    "市": 2,
    "市级": 2,
    "地级市": 2,
    "县": 3,
    "区": 3,
    "县级": 3,
    "县区": 3,
    "县（市、区）": 3,
    "乡": 4,
    "镇": 4,
    "街道": 4,
    "乡镇": 4,
    "乡镇街道": 4,
    "村": 5,
    "社区": 5,
    "村社区": 5,
    "1": 1,
    "2": 2,
    "3": 3,
    "4": 4,
    "5": 5,
}
KINDS = {label: value for value, label in UnitKind.choices} | {
    "创建办": "office",
    "食安办": "office",
    "办公室": "office",
    "成员单位": "member",
    "部门": "member",
    "乡镇": "township",
    "街道": "township",
    "乡镇街道": "township",
    "其他": "other",
}


@transaction.atomic
def save_user(user, *, actor, password=None, expected_version=None):
    """Create or change an account, if `actor` may (organisation/accounts.py); audited.

    The password (if given) goes through the password policy; a password set by someone else must
    be changed by its owner at the next login (security/passwords.py).
    """
    from django.contrib.auth.password_validation import validate_password

    from shian.core.services import save_versioned
    from shian.organisation.accounts import check_account_change

    before = User.objects.select_related("unit").get(pk=user.pk) if user.pk else None
    check_account_change(actor, before=before, role=user.role, unit=user.unit, is_superuser=user.is_superuser)
    from shian.core.audit import actor_context, current_actor

    with actor_context(actor if actor is not None else current_actor()):
        if password:
            validate_password(password, user)
            user.set_password(password)
        if before is None:
            user.save()
        else:
            save_versioned(user, expected_version if expected_version is not None else before.version)
    return user


@transaction.atomic
def reset_password(user, password, *, actor, expected_version):
    """A new initial password for `user`, set by `actor` (not its owner) — the one path every reset
    takes, whoever's rule allowed it (organisation/accounts.py for unit accounts through `save_user`,
    stewardship.enterprise for 企业账号).

    The password goes through the password policy (a ValidationError on `password`); saving it runs the
    policy's `password_changed` hook (security/passwords.py): the owner must change it at the next
    login, the old API tokens are revoked and a `password_reset` audit row is written. The user's
    `version` is checked like any other edit.
    """
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    from shian.core.audit import actor_context
    from shian.core.services import check_version, save_versioned

    if actor is None or actor.pk == user.pk:
        raise PermissionDenied("本人修改密码请在“修改密码”页面进行")
    check_version(user, expected_version)  # before the password touches the instance
    try:
        validate_password(password or "", user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    with actor_context(actor):
        user.set_password(password)
        save_versioned(user, expected_version)
    return user


def region_columns():
    from shian.core.spreadsheets import Column, parse_int

    return [
        Column("code", "区划代码", synonyms=["代码", "行政区划代码", "编码"]),
        Column("name", "名称", synonyms=["区划名称", "行政区划名称"]),
        Column("parent_code", "上级代码", synonyms=["上级区划代码", "父级代码", "上级编码"], required=False),
        Column("level", "层级", synonyms=["级别", "区划级别"]),
        Column(
            "population",
            "常住人口",
            synonyms=["人口", "人口数", "户籍人口"],
            required=False,
            parser=parse_int,
        ),
    ]


def unit_columns():
    from shian.core.spreadsheets import Column

    return [
        Column("name", "单位名称", synonyms=["名称", "单位"]),
        Column("kind", "类型", synonyms=["单位类型", "类别"]),
        Column("region_code", "区划代码", synonyms=["所属区划代码", "区划编码"]),
        Column("short_name", "简称", synonyms=["单位简称"], required=False),
        Column("contact_person", "联系人", required=False),
        Column("contact_phone", "联系电话", synonyms=["电话", "手机"], required=False),
    ]


def _text(value):
    return "" if value is None else str(value)


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)


def _read(source, filename, columns):
    from shian.core.spreadsheets import read_workbook

    result = read_workbook(source, columns)
    return result.records, [str(e) for e in result.errors]


def import_regions(source, *, filename=None, actor) -> ImportResult:
    """Create or update regions by code; parents may come earlier in the file or already exist."""
    if actor is not None and not actor.is_admin:
        raise PermissionDenied("只有系统管理员可以导入行政区划")
    records, errors = _read(source, filename, region_columns())
    result = ImportResult(errors=errors)
    existing = {r.code: r for r in Region.objects.all()}
    file_codes = {}
    for rec in records:
        where = f"工作表“{rec['_sheet']}”第{rec['_row']}行"
        code = (_text(rec.get("code")) or "").strip()
        if not code.isdigit() or len(code) not in (6, 9, 12):
            result.errors.append(f"{where}：区划代码“{code}”应为6、9或12位数字")
            continue
        level = LEVELS.get(str(rec.get("level") or "").strip())
        if level is None:
            result.errors.append(f"{where}：层级“{rec.get('level')}”无法识别（可填：省、市、县、乡镇、村）")
            continue
        parent_code = (_text(rec.get("parent_code")) or "").strip()
        if parent_code and parent_code not in existing and parent_code not in file_codes:
            result.errors.append(f"{where}：上级代码“{parent_code}”不存在（上级须在本行之前或已在系统中）")
            continue
        if code in file_codes:
            result.errors.append(f"{where}：区划代码“{code}”在文件中重复（第{file_codes[code]['_row']}行）")
            continue
        file_codes[code] = {**rec, "code": code, "level": level, "parent_code": parent_code}
    if result.errors:
        return result
    with transaction.atomic():
        for code, rec in file_codes.items():
            parent = existing.get(rec["parent_code"]) if rec["parent_code"] else None
            region = existing.get(code)
            values = {
                "name": rec["name"],
                "level": rec["level"],
                "parent": parent,
                "population": rec.get("population"),
            }
            if region is None:
                region = Region(code=code, **values)
                region.full_clean()
                region.save()
                result.created += 1
            else:
                changed = any(getattr(region, k) != v for k, v in values.items())
                if changed:
                    for k, v in values.items():
                        setattr(region, k, v)
                    region.save()
                    result.updated += 1
            existing[code] = region
        if records:
            log_event(
                existing[next(iter(file_codes))],
                "regions_imported",
                note=f"导入行政区划：新增{result.created}，更新{result.updated}",
            )
    return result


def import_units(source, *, filename=None, actor) -> ImportResult:
    """Create or update units by (region, name); an office may import only within its subtree."""
    if actor is not None and not actor.is_office:
        raise PermissionDenied("只有创建办可以导入单位")
    records, errors = _read(source, filename, unit_columns())
    result = ImportResult(errors=errors)
    regions = {r.code: r for r in Region.objects.all()}
    rows = []
    seen = {}
    for rec in records:
        where = f"工作表“{rec['_sheet']}”第{rec['_row']}行"
        region = regions.get((_text(rec.get("region_code")) or "").strip())
        if region is None:
            result.errors.append(f"{where}：区划代码“{rec.get('region_code')}”不存在，请先导入行政区划")
            continue
        if actor is not None and not policy.manages(actor, region):
            result.errors.append(f"{where}：区划“{region.name}”不在您的管辖范围内")
            continue
        kind = KINDS.get(str(rec.get("kind") or "").strip())
        if kind is None:
            result.errors.append(
                f"{where}：单位类型“{rec.get('kind')}”无法识别（可填：创建办、成员单位、乡镇/街道、其他）"
            )
            continue
        key = (region.code, rec["name"])
        if key in seen:
            result.errors.append(f"{where}：单位“{rec['name']}”在文件中重复（第{seen[key]}行）")
            continue
        seen[key] = rec["_row"]
        rows.append((region, kind, rec))
    if result.errors:
        return result
    existing = {(u.region_id, u.name): u for u in Unit.objects.filter(region__in=[r for r, _, _ in rows])}
    with transaction.atomic():
        for region, kind, rec in rows:
            values = {
                "kind": kind,
                "short_name": rec.get("short_name") or "",
                "contact_person": rec.get("contact_person") or "",
                "contact_phone": rec.get("contact_phone") or "",
            }
            unit = existing.get((region.pk, rec["name"]))
            if unit is None:
                Unit.objects.create(region=region, name=rec["name"], **values)
                result.created += 1
            elif any(getattr(unit, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(unit, k, v)
                unit.save()
                result.updated += 1
    return result
