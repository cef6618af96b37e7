"""Import 日管控/周排查/月调度 records from the spreadsheets businesses keep (xlsx/xls/csv).

Either one business's own file (its 企业账号, or the office for it: no credit-code column needed) or the
office's / township's file of many businesses, each row naming its business by 统一社会信用代码 (or licence
number). The kind comes from a 类别 column or, when the records are kept one sheet per kind, from the
sheet's name. All-or-nothing: every row of every sheet is checked first and nothing is written if one is
rejected; errors name the sheet, row and column in Chinese. Idempotent: a record is keyed by business,
kind and period (the day, the week's Monday, the month's 1st), so a second import updates, never adds.
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

# The stream and workbook readers are used sheet by sheet so that errors can name the column letters.
from shian.core.services import save_versioned
from shian.core.spreadsheets import (
    Column,
    RowError,
    SpreadsheetError,
    _Book,
    _stream,
    parse_choice,
    parse_date,
    parse_text,
)
from shian.registry.models import Business
from shian.stewardship.choices import DutyKind
from shian.stewardship.duty import period_start
from shian.stewardship.enterprise import check_business_writer
from shian.stewardship.models import DutyRecord

MAX_ERRORS = 500
KIND_WORDS = {
    "日管控": DutyKind.DAILY,
    "每日管控": DutyKind.DAILY,
    "日检查": DutyKind.DAILY,
    "每日检查": DutyKind.DAILY,
    "日": DutyKind.DAILY,
    "周排查": DutyKind.WEEKLY,
    "每周排查": DutyKind.WEEKLY,
    "周": DutyKind.WEEKLY,
    "月调度": DutyKind.MONTHLY,
    "每月调度": DutyKind.MONTHLY,
    "月": DutyKind.MONTHLY,
}
FIELDS = ("done_by", "checked", "problems", "measures")


def columns(many: bool) -> list[Column]:
    return [
        Column(
            "code",
            "统一社会信用代码",
            synonyms=["信用代码", "社会信用代码", "许可证编号", "许可证号", "主体编号"],
            required=many,
            allow_blank=not many,
        ),
        Column("name", "主体名称", synonyms=["单位名称", "企业名称", "名称"], required=False),
        Column(
            "kind",
            "类别",
            synonyms=["类型", "记录类别", "工作类别", "机制"],
            required=False,
            parser=parse_choice(KIND_WORDS),
        ),
        Column(
            "day",
            "日期",
            synonyms=["填报日期", "检查日期", "排查日期", "调度日期", "周期", "时间"],
            parser=parse_date,
            allow_blank=False,
        ),
        Column(
            "done_by",
            "填报人",
            synonyms=["检查人", "排查人", "记录人", "负责人", "食品安全总监", "食品安全员"],
            required=False,
        ),
        Column(
            "checked",
            "内容",
            synonyms=["管控/排查/调度内容", "管控内容", "排查内容", "调度内容", "检查内容", "检查情况"],
            required=False,
        ),
        Column(
            "problems",
            "风险隐患",
            synonyms=["发现的风险隐患", "发现问题", "存在问题", "隐患"],
            required=False,
        ),
        Column("measures", "防范措施", synonyms=["整改措施", "处理措施", "措施"], required=False),
    ]


@dataclass
class DutyImportResult:
    rows_read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.errors

    def summary(self) -> str:
        return (
            f"读取 {self.rows_read} 行，新增 {self.created} 条，更新 {self.updated} 条，"
            f"未变 {self.unchanged} 条，错误 {len(self.errors)} 处"
        )


def _kind_of_sheet(name: str):
    for word, kind in KIND_WORDS.items():
        if len(word) > 1 and word in name:
            return kind
    return None


def _businesses(actor):
    """Businesses the actor may enter records for, keyed by credit code and licence number."""
    if actor is None or actor.role == "business" or actor.is_read_only:
        raise PermissionDenied("只有创建办、乡镇或监管单位可以批量导入多个主体的记录")
    table = {}
    for b in Business.objects.restrict(actor, "change").only(
        "pk", "name", "credit_code", "licence_no", "safety_director", "status"
    ):
        for key in (b.credit_code, b.licence_no):
            if key:
                table[key.upper()] = b
    return table


def import_duty(source, *, actor, business=None, filename="") -> DutyImportResult:
    """Read and check every row of every sheet, then create or update the records in one transaction."""
    if business is not None:
        check_business_writer(business, actor)
    table = _businesses(actor) if business is None else None
    result = DutyImportResult()
    try:
        book = _Book(source, True)
        streams = [_stream(book, name, columns(business is None)) for name in book.visible]
    except SpreadsheetError as exc:
        result.errors.append(str(exc))
        return result
    streams = [s for s in streams if s.header_found]
    if not streams:
        result.errors.append(
            "未找到表头：请包含“日期”列" + ("和“统一社会信用代码”列" if business is None else "")
        )
        return result
    today = timezone.localdate()
    plan, seen = [], {}
    for stream in streams:
        if stream.errors:
            result.errors.extend(str(e) for e in stream.errors)
            continue
        letters = {s[0]: s[6] for s in stream._specs}
        labels = {c.key: c.label for c in stream.columns}
        sheet_kind = _kind_of_sheet(stream.sheet)

        found = []  # this sheet's errors, reported in row order with the reader's own

        def err(rec, key, value, message, sheet=stream.sheet, letters=letters, labels=labels, found=found):
            found.append(RowError(sheet, rec["_row"], letters.get(key), labels.get(key), value, message))

        for rec in stream:
            result.rows_read += 1
            if len(result.errors) + len(found) >= MAX_ERRORS:
                break
            target = business
            if target is None:
                code = parse_text(rec.get("code") or "").upper()
                target = table.get(code)
                if target is None:
                    err(rec, "code", code, "主体不存在或不在您的管辖范围内")
                    continue
            if not target.safety_director:
                key = "code" if business is None else "day"
                err(
                    rec,
                    key,
                    rec.get("code"),
                    f"“{target.name}”未登记食品安全总监，不须填报日管控周排查月调度",
                )
                continue
            kind = rec.get("kind") or sheet_kind
            if not kind:
                err(rec, "kind", None, "请填写类别（日管控、周排查或月调度），或将工作表按类别命名")
                continue
            day: datetime.date = rec["day"]
            if day > today:
                err(rec, "day", day.isoformat(), "不能填报未来的日期")
                continue
            period = period_start(kind, day)
            key = (target.pk, kind, period)
            if key in seen:
                err(rec, "day", day.isoformat(), f"与{seen[key]}是同一主体、同一类别、同一周期的记录")
                continue
            seen[key] = f"工作表“{stream.sheet}”第{rec['_row']}行"
            values = {
                "done_by": (rec.get("done_by") or target.safety_director).strip()[:40],
                "checked": (rec.get("checked") or "").strip(),
                "problems": (rec.get("problems") or "").strip(),
                "measures": (rec.get("measures") or "").strip(),
            }
            plan.append((target, kind, period, values))
        found.extend(stream.errors)
        found.sort(key=lambda e: (e.row_number or 0, e.column_letter or ""))
        result.errors.extend(str(e) for e in found)
    if result.errors:
        return result
    existing = {
        (r.business_id, r.kind, r.period): r
        for r in DutyRecord.objects.filter(business__in={b.pk for b, *_ in plan})
    }
    with transaction.atomic():
        for target, kind, period, values in plan:
            old = existing.get((target.pk, kind, period))
            if old is None:
                record = DutyRecord(business=target, kind=kind, period=period, recorded_by=actor, **values)
                record.full_clean()
                record.save()
                result.created += 1
                continue
            changed = {k: v for k, v in values.items() if getattr(old, k) != v}
            if not changed:
                result.unchanged += 1
                continue
            for k, v in changed.items():
                setattr(old, k, v)
            old.full_clean()
            save_versioned(old, old.version)
            result.updated += 1
    return result
