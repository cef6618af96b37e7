"""Import 包保干部 from the spreadsheets townships keep (xlsx/xls/csv, title rows, header synonyms).

All-or-nothing: every row is checked first (层级, 区划 within the importer's scope, 手机号, 所在单位)
and nothing is written if one row is rejected; errors name the sheet, row and column in Chinese.
Idempotent: a row whose phone number is known updates that cadre; without a phone, the same name in
the same region does. A second import of the same file changes nothing.
"""

import re
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction

from shian.core.services import save_versioned
from shian.core.spreadsheets import (
    CellError,
    Column,
    RowError,
    SpreadsheetError,
    iter_rows,
    parse_bool,
    parse_choice,
    parse_text,
)
from shian.registry.importer import _lookup_parser, region_lookup
from shian.stewardship.choices import CadreLevel
from shian.stewardship.models import Cadre

MAX_ERRORS = 500
PHONE_RE = re.compile(r"^1\d{10}$|^0\d{2,3}-?\d{7,8}$")
LEVEL_WORDS = {
    "县级": CadreLevel.COUNTY,
    "县": CadreLevel.COUNTY,
    "区级": CadreLevel.COUNTY,
    "县级包保": CadreLevel.COUNTY,
    "乡级": CadreLevel.TOWNSHIP,
    "乡镇级": CadreLevel.TOWNSHIP,
    "乡": CadreLevel.TOWNSHIP,
    "乡镇": CadreLevel.TOWNSHIP,
    "街道级": CadreLevel.TOWNSHIP,
    "乡镇级包保": CadreLevel.TOWNSHIP,
    "村级": CadreLevel.VILLAGE,
    "村": CadreLevel.VILLAGE,
    "社区级": CadreLevel.VILLAGE,
    "村（社区）级": CadreLevel.VILLAGE,
    "村级包保": CadreLevel.VILLAGE,
}
FIELDS = ("name", "post", "level", "region", "unit", "phone", "is_active")


def _phone(v):
    text = re.sub(r"[\s　]", "", parse_text(v)).replace("－", "-")
    if text.endswith(".0"):
        text = text[:-2]  # a phone number typed into a number cell
    if not PHONE_RE.match(text):
        raise CellError("不是有效的手机号或固定电话")
    return text


def columns(regions, units):
    reg = _lookup_parser(regions, "区划不存在或不在您的管辖范围内", "区划名称重名，请填写区划代码")
    unit = _lookup_parser(units, "单位不存在或不在您的管辖范围内", "单位名称重名，请填写全称")
    return [
        Column(
            "name", "姓名", synonyms=["干部姓名", "包保干部", "包保干部姓名", "包保人"], allow_blank=False
        ),
        Column("post", "职务", synonyms=["职务职级", "现任职务", "职位"], required=False),
        Column(
            "level",
            "层级",
            synonyms=["包保层级", "干部层级", "级别", "包保级别"],
            parser=parse_choice(LEVEL_WORDS),
            allow_blank=False,
        ),
        Column(
            "region",
            "所属区划",
            synonyms=[
                "所属乡镇",
                "乡镇（街道）",
                "乡镇",
                "村（社区）",
                "所属村（社区）",
                "区划",
                "区划代码",
                "属地",
            ],
            parser=reg,
            allow_blank=False,
        ),
        Column("unit", "所在单位", synonyms=["工作单位", "单位"], required=False, parser=unit),
        Column(
            "phone",
            "手机号",
            synonyms=["手机号码", "联系电话", "电话", "手机"],
            required=False,
            parser=_phone,
        ),
        Column("is_active", "在岗", synonyms=["是否在岗"], required=False, parser=parse_bool),
    ]


@dataclass
class ImportResult:
    rows_read: int = 0
    created: int = 0
    updated: int = 0
    rejected: int = 0
    errors: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.errors

    def summary(self) -> str:
        return f"读取 {self.rows_read} 行，新增 {self.created} 人，更新 {self.updated} 人，拒绝 {self.rejected} 行"


def _scope(actor):
    if actor is None or actor.is_admin:
        return "/"
    if actor.role == "office" and actor.region_scope is not None:
        return actor.region_scope.path
    if actor.unit_id and actor.unit.kind == "township" and not actor.is_read_only:
        return actor.unit.region.path
    raise PermissionDenied("只有创建办（或乡镇对本乡镇）可以导入包保干部")


def unit_lookup(scope_path):
    from shian.organisation.models import Unit

    table, names = {}, {}
    for u in Unit.objects.filter(region__path__startswith=scope_path, is_active=True):
        for key in {u.name, u.short_name} - {""}:
            names.setdefault(key, []).append(u)
    for key, hits in names.items():
        table[key] = hits[0] if len(hits) == 1 else None
    return table


def import_cadres(source, *, actor, filename="") -> ImportResult:
    """Read and check every row, then create or update all cadres in one transaction."""
    scope = _scope(actor)
    result = ImportResult()
    try:
        stream = iter_rows(source, columns(region_lookup(scope), unit_lookup(scope)))
    except SpreadsheetError as exc:
        result.errors.append(str(exc))
        return result
    if stream.errors:
        result.errors = [str(e) for e in stream.errors]
        return result
    sheet = stream.sheet
    letters = {s[0]: s[6] for s in getattr(stream, "_specs", ())}
    labels = {c.key: c.label for c in stream.columns}  # as the reader names them

    def err(rec, key, value, message):
        result.errors.append(str(RowError(sheet, rec["_row"], letters.get(key), labels[key], value, message)))

    by_phone = {c.phone: c for c in Cadre.objects.select_related("region")}
    by_name = {}
    for c in by_phone.values():
        by_name.setdefault((c.name, c.region_id), []).append(c)
    plan, seen = [], {}
    for rec in stream:
        result.rows_read += 1
        rec["name"] = (rec.get("name") or "").strip()
        key = rec.get("phone") or (rec["name"], rec["region"].pk)
        if key in seen:
            err(
                rec,
                "phone" if rec.get("phone") else "name",
                rec.get("phone") or rec["name"],
                f"与第{seen[key]}行重复",
            )
            continue
        seen[key] = rec["_row"]
        old = by_phone.get(rec.get("phone")) if rec.get("phone") else None
        if old is None and not rec.get("phone"):
            hits = by_name.get((rec["name"], rec["region"].pk), [])
            if len(hits) > 1:
                err(rec, "name", rec["name"], "同一区划有多名同名干部，请填写手机号")
                continue
            old = hits[0] if hits else None
            if old is None:
                err(rec, "phone", None, "新干部必须填写手机号")
                continue
        if old is not None and not old.region.path.startswith(scope):
            err(rec, "phone", rec.get("phone"), f"干部“{old.name}”不在您的管辖范围内，不能修改")
            continue
        unit = rec.get("unit")
        if unit is not None and not rec["region"].path.startswith(unit.region.path):
            err(rec, "unit", unit.name, f"单位不在干部所属区划“{rec['region'].name}”或其上级")
            continue
        plan.append((rec, old))
        if len(result.errors) >= MAX_ERRORS:
            break
    result.errors.extend(str(e) for e in stream.errors)
    if result.errors:
        result.rejected = len(result.errors)
        return result
    with transaction.atomic():
        for rec, old in plan:
            values = {k: rec[k] for k in FIELDS if rec.get(k) is not None and (k != "post" or rec[k] != "")}
            if old is None:
                cadre = Cadre(**values)
                cadre.full_clean()
                cadre.save()
                result.created += 1
                continue
            changed = {k: v for k, v in values.items() if getattr(old, k) != v}
            if changed:
                for k, v in changed.items():
                    setattr(old, k, v)
                old.full_clean()
                save_versioned(old, old.version)
                result.updated += 1
    return result
