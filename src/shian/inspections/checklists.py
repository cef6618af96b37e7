"""现场检查表 import and export (xlsx). One row per item; the 业态 column may be merged or filled down.

Importing a category creates a new version (the old one stays for the visits made with it) unless
the items are unchanged; all-or-nothing like every import.
"""

import io
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from shian.core.audit import log_event
from shian.core.spreadsheets import (
    Column,
    SpreadsheetError,
    _norm_header,
    parse_bool,
    parse_decimal,
    parse_int,
    read_workbook,
)
from shian.inspections.choices import ItemKind
from shian.inspections.models import Checklist, ChecklistItem
from shian.registry.models import SiteCategory

KINDS = {
    "检查项": ItemKind.CHECK,
    "检查": ItemKind.CHECK,
    "能问能答": ItemKind.QUESTION,
    "问答": ItemKind.QUESTION,
    "提问": ItemKind.QUESTION,
}
HEADER = ["业态", "序号", "检查环节", "类型", "检查内容", "分值", "扣分标准（参考答案）", "须拍照", "关键项"]


def _kind(v):
    from shian.core.spreadsheets import CellError, parse_text

    key = parse_text(v).strip()
    if key not in KINDS:
        raise CellError("类型应为“检查项”或“能问能答”")
    return KINDS[key]


def columns():
    return [
        Column("category", "业态", synonyms=["点位类别", "类别"], fill_down=True, allow_blank=False),
        Column("seq", "序号", parser=parse_int, allow_blank=False),
        Column("section", "检查环节", synonyms=["环节", "检查项目", "项目"], required=False, fill_down=True),
        Column("kind", "类型", required=False, parser=_kind),
        Column("text", "检查内容", synonyms=["检查要点", "内容", "问题"], allow_blank=False),
        Column("points", "分值", synonyms=["分数", "标准分"], required=False, parser=parse_decimal),
        Column("rule", "扣分标准（参考答案）", synonyms=["扣分标准", "评分标准", "参考答案"], required=False),
        Column("photo", "须拍照", synonyms=["是否拍照", "拍照"], required=False, parser=parse_bool),
        Column("key", "关键项", synonyms=["是否关键项", "重点项"], required=False, parser=parse_bool),
    ]


def _signature(items):
    return [
        (
            i["seq"],
            i["section"],
            i["kind"],
            i["text"],
            Decimal(i["points"]).normalize(),
            i["deduction_rule"],
            i["photo_required"],
            i["is_key"],
        )
        for i in items
    ]


def import_checklists(source, *, actor, basis="") -> list[Checklist]:
    if actor is not None and not (actor.is_admin or actor.role == "office"):
        raise PermissionDenied("只有创建办可以导入现场检查表")
    try:
        result = read_workbook(source, columns())
    except SpreadsheetError as exc:
        raise ValidationError([str(exc)])
    errors = [str(e) for e in result.errors]
    cats = {}
    for c in SiteCategory.objects.all():
        cats[_norm_header(c.name)] = c
        cats[_norm_header(c.code)] = c
    grouped = {}
    for rec in result.records:
        cat = cats.get(_norm_header(str(rec["category"])))
        if cat is None:
            errors.append(f"工作表“{rec['_sheet']}”第{rec['_row']}行：业态“{rec['category']}”不存在")
            continue
        items = grouped.setdefault(cat, [])
        if any(i["seq"] == rec["seq"] for i in items):
            errors.append(f"工作表“{rec['_sheet']}”第{rec['_row']}行：“{cat}”的序号{rec['seq']}重复")
            continue
        items.append(
            {
                "seq": rec["seq"],
                "section": rec.get("section") or "",
                "kind": rec.get("kind") or ItemKind.CHECK,
                "text": rec["text"],
                "points": rec.get("points") if rec.get("points") is not None else Decimal(1),
                "deduction_rule": rec.get("rule") or "",
                "photo_required": bool(rec.get("photo")),
                "is_key": bool(rec.get("key")),
            }
        )
    if errors:
        raise ValidationError(errors)
    if not grouped:
        raise ValidationError(["文件中没有检查项"])
    out = []
    with transaction.atomic():
        for cat, items in grouped.items():
            out.append(save_checklist(cat, items, basis=basis))
    return out


def save_checklist(category, items, *, basis="", name=None) -> Checklist:
    """A new current version of `category`'s checklist (unless identical to the current one)."""
    current = Checklist.objects.filter(category=category, is_current=True).order_by("-version").first()
    if current is not None:
        old = list(
            current.items.values(
                "seq", "section", "kind", "text", "points", "deduction_rule", "photo_required", "is_key"
            )
        )
        if _signature(old) == _signature(items):
            return current
    last = Checklist.objects.filter(category=category).order_by("-version").first()
    Checklist.objects.filter(category=category, is_current=True).update(is_current=False)
    checklist = Checklist.objects.create(
        category=category,
        version=(last.version + 1) if last else 1,
        name=name or f"{category.name}现场检查表",
        basis=basis,
    )
    ChecklistItem.objects.bulk_create([ChecklistItem(checklist=checklist, **i) for i in items])
    log_event(checklist, "checklist_imported", note=f"{len(items)}项")
    return checklist


def export_checklists(checklists) -> bytes:
    from shian.core.exports import write_xlsx

    rows = [HEADER]
    for cl in checklists:
        for i in cl.items.all():
            rows.append(
                [
                    cl.category.name,
                    i.seq,
                    i.section,
                    i.get_kind_display(),
                    i.text,
                    float(i.points),
                    i.deduction_rule,
                    "是" if i.photo_required else "否",
                    "是" if i.is_key else "否",
                ]
            )
    buf = io.BytesIO()
    write_xlsx(rows, buf, sheet_title="现场检查表")
    return buf.getvalue()
