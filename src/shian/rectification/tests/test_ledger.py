"""Import of the office's own ledger (all-or-nothing, errors by row and column) and the printed export."""

import datetime
import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError

from shian.rectification.ledger import import_ledger, write_ledger_xlsx
from shian.rectification.models import Problem


def _ledger(rows, header=None):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "整改台账"
    ws.append(["三台县创建省级食品安全示范县问题整改台账"])
    ws.merge_cells("A1:I1")
    ws.append(
        header
        or [
            "序号",
            "存在问题",
            "问题来源",
            "牵头单位",
            "责任人",
            "整改措施",
            "完成时限",
            "整改进展",
            "是否销号",
        ]
    )
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "台账.xlsx"
    return buf


GOOD = [
    [
        1,
        "学校食堂未公示食品安全管理员",
        "督查",
        "教育局",
        "张三",
        "统一制作公示牌",
        "2026年12月底前",
        "已完成30所",
        "否",
    ],
    [
        2,
        "农贸市场快检室未按时公示结果",
        "明查暗访",
        "三台县市场监督管理局",
        "李四",
        "每日公示快检结果",
        "2026.11.30",
        "",
        "是",
    ],
]


def test_it_imports_a_ledger_with_title_row_and_synonym_headers(cast):
    created = import_ledger(cast.campaign, _ledger(GOOD), actor=cast.office_user)
    assert len(created) == 2
    first, second = Problem.objects.order_by("seq")
    assert (first.unit, first.source, first.deadline, first.status) == (
        cast.edu,
        "inspection",
        datetime.date(2026, 12, 31),
        "in_progress",
    )
    assert (second.unit, second.source, second.status, second.verify_method) == (
        cast.market,
        "covert",
        "verified",
        "import",
    )


def test_one_bad_row_imports_nothing_and_names_row_and_column(cast):
    rows = GOOD + [
        [3, "小作坊无证生产", "自查", "教育局", "王五", "取缔", "下个月", "", "否"],
        [4, "小摊贩无健康证", "自查", "不存在的局", "王五", "办证", "2026-12-01", "", "否"],
    ]
    with pytest.raises(ValidationError) as exc:
        import_ledger(cast.campaign, _ledger(rows), actor=cast.office_user)
    messages = exc.value.messages
    assert "工作表“整改台账”第5行G列（整改时限）：“下个月”不是有效的日期" in messages
    assert (
        "工作表“整改台账”第6行D列（责任单位）：“不存在的局”不是本创建区划内的单位（请使用系统中的单位全称或简称）"
        in messages
    )
    assert not Problem.objects.exists()


def test_unknown_item_code_names_row_and_column(cast):
    header = ["序号", "存在问题", "问题来源", "牵头单位", "评分项编号", "整改时限"]
    rows = [
        [1, "责任清单未覆盖民办幼儿园", "自查", "教育局", "1.2", "2026-12-01"],
        [2, "未公示快检结果", "自查", "教育局", "1.1、9.9", "2026-12-01"],
    ]
    with pytest.raises(ValidationError) as exc:
        import_ledger(cast.campaign, _ledger(rows, header=header), actor=cast.office_user)
    assert exc.value.messages == [
        "工作表“整改台账”第4行E列（涉及评分项）：“1.1、9.9”评分项编号9.9不是本项目评价细则中的评分项编号"
    ]
    assert not Problem.objects.exists()
    created = import_ledger(cast.campaign, _ledger(rows[:1], header=header), actor=cast.office_user)
    assert [i.code for i in created[0].items.all()] == ["1.2"]


def test_other_county_unit_is_refused(cast):
    rows = [[1, "问题", "自查", "盐亭县教育局", "", "", "", "", "否"]]
    with pytest.raises(ValidationError) as exc:
        import_ledger(cast.campaign, _ledger(rows), actor=cast.office_user)
    assert exc.value.messages[0].startswith(
        "工作表“整改台账”第3行D列（责任单位）：“盐亭县教育局”不是本创建区划内的单位"
    )
    assert not Problem.objects.exists()


def test_missing_required_column_is_reported(cast):
    with pytest.raises(ValidationError) as exc:
        import_ledger(
            cast.campaign, _ledger([["问题", "张三"]], header=["问题描述", "责任人"]), actor=cast.office_user
        )
    assert "缺少必需的列“责任单位”" in exc.value.messages[0]


def test_export_layout_offices_print(cast):
    import_ledger(cast.campaign, _ledger(GOOD), actor=cast.office_user)
    data = write_ledger_xlsx(Problem.objects.order_by("seq"), "三台县问题整改台账")
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    assert ws["A1"].value == "三台县问题整改台账"
    assert [c.value for c in ws[2]][:10] == [
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
    ]
    assert [c.value for c in ws[3]][:10] == [
        1,
        "督查反馈",
        "学校食堂未公示食品安全管理员",
        None,
        "教育局",
        "张三",
        "统一制作公示牌",
        "2026年12月31日",
        "已完成30所",
        "否",
    ]
    assert ws["J4"].value == "是"
