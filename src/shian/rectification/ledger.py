"""The office's own xlsx 整改台账: import (all-or-nothing, errors by row and column) and the printed layout."""

import dataclasses
import io

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from shian.core.audit import log_event
from shian.core.cells import CellError
from shian.core.spreadsheets import (
    Column,
    RowError,
    SpreadsheetError,
    format_error,
    parse_bool,
    parse_choice,
    parse_date,
    parse_decimal,
    parse_list,
    read_workbook,
)
from shian.rectification.choices import SEVERITY_SHORT, Severity, Source, Status, VerifyMethod
from shian.rectification.models import Problem, ProblemNote
from shian.rectification.services import _next_seq, check_office

SOURCE_NAMES = {
    **{s.label: s.value for s in Source},
    "督查": Source.INSPECTION,
    "暗访": Source.COVERT,
    "明查": Source.COVERT,
    "初评": Source.REVIEW,
    "省级初评": Source.REVIEW,
    "投诉": Source.COMPLAINT,
    "举报": Source.COMPLAINT,
    "媒体": Source.MEDIA,
    "舆情": Source.MEDIA,
    "自评": Source.SELF_CHECK,
}
SEVERITY_NAMES = {
    **{s.label: s.value for s in Severity},
    **{v: k for k, v in SEVERITY_SHORT.items()},
    **{v + "色": k for k, v in SEVERITY_SHORT.items()},
    "重大": "red",
    "较大": "orange",
    "一般": "yellow",
    "轻微": "blue",
}

COLUMNS = [
    Column("seq", "序号", synonyms=["编号"], required=False),
    Column(
        "description",
        "问题描述",
        synonyms=["存在问题", "问题", "问题清单", "发现问题", "问题内容"],
        allow_blank=False,
    ),
    Column("source", "问题来源", synonyms=["来源"], required=False, parser=parse_choice(SOURCE_NAMES)),
    Column(
        "items",
        "涉及评分项",
        synonyms=["评分项", "指标编号", "对应指标", "评分项编号"],
        required=False,
        parser=parse_list,
    ),
    Column(
        "unit",
        "责任单位",
        synonyms=["牵头单位", "整改责任单位", "责任部门"],
        allow_blank=False,
        fill_down=True,
    ),
    Column("person", "责任人", synonyms=["整改责任人"], required=False),
    Column(
        "severity",
        "色标",
        synonyms=["严重程度", "风险等级", "问题等级"],
        required=False,
        parser=parse_choice(SEVERITY_NAMES),
    ),
    Column("measures", "整改措施", synonyms=["整改举措"], required=False),
    Column(
        "deadline", "整改时限", synonyms=["完成时限", "整改期限", "时限"], required=False, parser=parse_date
    ),
    Column("progress", "整改情况", synonyms=["整改进展", "完成情况", "整改进度"], required=False),
    Column("closed", "是否销号", synonyms=["销号", "是否完成", "已销号"], required=False, parser=parse_bool),
    Column("points", "涉及分值", synonyms=["扣分", "分值"], required=False, parser=parse_decimal),
    Column("found_on", "发现日期", synonyms=["发现时间"], required=False, parser=parse_date),
]


def _unit_lookup(campaign):
    from shian.organisation.models import Unit

    table = {}
    for unit in Unit.objects.filter(region__path__startswith=campaign.region.path):
        for name in {unit.name, unit.short_name}:
            if name:
                table.setdefault(name, unit)
    return table


def _columns(campaign):
    """COLUMNS with the unit and item cells resolved against the campaign, so that a bad value is
    reported like any other bad cell: sheet, row, column letter and column name."""
    units = _unit_lookup(campaign)
    items = {i.code: i for i in campaign.framework.items() if i.code}

    def parse_unit(value):
        unit = units.get(str(value).strip())
        if unit is None:
            raise CellError("不是本创建区划内的单位（请使用系统中的单位全称或简称）")
        return unit

    def parse_items(value):
        codes = parse_list(value) or []
        unknown = [c for c in codes if c not in items]
        if unknown:
            raise CellError(f"评分项编号{'、'.join(unknown)}不是本项目评价细则中的评分项编号")
        return [items[c] for c in codes]

    return [
        dataclasses.replace(c, parser=parse_unit)
        if c.key == "unit"
        else dataclasses.replace(c, parser=parse_items)
        if c.key == "items"
        else c
        for c in COLUMNS
    ]


def import_ledger(campaign, source, *, actor) -> list[Problem]:
    """Read the ledger and create its problems: every row valid, or nothing is written.

    Raises ValidationError with one Chinese message per bad cell (工作表“…”第N行X列（列名）：…).
    """
    check_office(campaign, actor)
    try:
        result = read_workbook(source, _columns(campaign))
    except SpreadsheetError as exc:
        raise ValidationError(str(exc))
    errors: list[RowError] = list(result.errors)
    rows = [(rec, rec["unit"], rec.get("items") or []) for sheet in result.sheets for rec in sheet.records]
    if errors:
        raise ValidationError([format_error(e) for e in errors[:200]])
    if not rows:
        raise ValidationError("台账中没有问题记录")
    today = timezone.localdate()
    created = []
    with transaction.atomic():
        seq = _next_seq(campaign)
        for rec, unit, found in rows:
            closed = bool(rec.get("closed"))
            problem = Problem(
                campaign=campaign,
                seq=seq,
                description=rec["description"],
                source=rec.get("source") or Source.OTHER,
                source_detail="台账导入",
                unit=unit,
                person=rec.get("person") or "",
                severity=rec.get("severity") or Severity.YELLOW,
                measures=rec.get("measures") or "",
                deadline=rec.get("deadline"),
                progress=rec.get("progress") or "",
                points=rec.get("points"),
                found_on=rec.get("found_on") or today,
                status=Status.VERIFIED
                if closed
                else (Status.IN_PROGRESS if rec.get("progress") else Status.OPEN),
            )
            if closed:
                problem.verified_at = timezone.now()
                problem.verified_by = actor
                problem.verify_method = VerifyMethod.IMPORT
                problem.verify_note = "台账导入时已销号"
            problem.save()
            if found:
                problem.items.set(found)
            ProblemNote.objects.create(
                problem=problem,
                kind="progress",
                author=actor,
                text=f"由台账导入（第{rec['_row']}行）",
                status_after=problem.status,
            )
            seq += 1
            created.append(problem)
        log_event(campaign, "ledger_imported", note=f"导入整改问题{len(created)}个")
    return created


EXPORT_HEADER = [
    "序号",
    "问题来源",
    "问题描述",
    "涉及评分项",
    "责任单位",
    "责任人",
    "整改措施",
    "整改时限",
    "整改情况",
    "是否销号",
    "销号时间",
    "色标",
    "备注",
]


def export_rows(problems):
    """One row per problem, in the layout offices print."""
    for n, p in enumerate(problems, start=1):
        note = []
        if p.is_overdue:
            note.append(f"逾期{p.overdue_days()}天")
        if p.reopen_count:
            note.append(f"重新打开{p.reopen_count}次")
        if p.escalation:
            note.append(p.get_escalation_display())
        yield [
            n,
            p.get_source_display(),
            p.description,
            "、".join(i.code for i in p.items.all()),
            p.unit.short_name or p.unit.name,
            p.person,
            p.measures,
            p.deadline.strftime("%Y年%-m月%-d日") if p.deadline else "",
            p.progress,
            "是" if p.is_closed else "否",
            timezone.localtime(p.verified_at).strftime("%Y年%-m月%-d日") if p.verified_at else "",
            p.severity_short,
            "；".join(note),
        ]


def write_ledger_xlsx(problems, title) -> bytes:
    """The printable ledger: a merged title row, the header, one row per problem, landscape A4."""
    import xlsxwriter

    buf = io.BytesIO()
    book = xlsxwriter.Workbook(
        buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    sheet = book.add_worksheet("整改台账")
    title_fmt = book.add_format({"bold": True, "font_size": 16, "align": "center", "valign": "vcenter"})
    head = book.add_format(
        {
            "bold": True,
            "border": 1,
            "align": "center",
            "valign": "vcenter",
            "text_wrap": True,
            "bg_color": "#E8EEF7",
        }
    )
    cell = book.add_format({"border": 1, "valign": "top", "text_wrap": True})
    widths = [6, 10, 40, 10, 14, 8, 36, 14, 36, 8, 14, 6, 14]
    sheet.merge_range(0, 0, 0, len(EXPORT_HEADER) - 1, title, title_fmt)
    sheet.set_row(0, 30)
    sheet.write_row(1, 0, EXPORT_HEADER, head)
    for c, w in enumerate(widths):
        sheet.set_column(c, c, w)
    r = 1
    for r, row in enumerate(export_rows(problems), start=2):
        sheet.write_row(r, 0, row, cell)
    sheet.repeat_rows(1)
    sheet.freeze_panes(2, 0)
    sheet.set_landscape()
    sheet.set_paper(9)
    sheet.fit_to_pages(1, 0)
    book.close()
    return buf.getvalue()
