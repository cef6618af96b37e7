"""Tests for shian.core.spreadsheets: real-world xlsx/xls/csv layouts, parsers and errors."""

import csv
import datetime as dt
import io
import time
from decimal import Decimal

import openpyxl
import pytest
import xlwt

from shian.core import spreadsheets as ss
from shian.core.spreadsheets import (
    CellError,
    Column,
    RowError,
    SpreadsheetError,
    errors_to_xlsx,
    format_error,
    iter_rows,
    parse_bool,
    parse_choice,
    parse_date,
    parse_decimal,
    parse_int,
    parse_list,
    parse_text,
    read_sheet,
    read_workbook,
)

COLUMNS = [
    Column("seq", "序号", synonyms=["编号"], required=False, parser=parse_int),
    Column("category", "类别", synonyms=["项目类别", "项目"], fill_down=True),
    Column("content", "评价内容", synonyms=["工作任务", "任务内容"], allow_blank=False),
    Column("score", "分值", synonyms=["标准分"], parser=parse_decimal),
    Column("deadline", "完成时限", synonyms=["时限"], required=False, parser=parse_date),
    Column("units", "责任单位", synonyms=["牵头单位"], required=False, parser=parse_list),
]

HEADER = ["序号", "项目\n类别", "评价内容", "分值（分）", "完成时限", "责任单位"]


def _save(wb):
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def build_xlsx():
    """A 评价细则 as offices keep it: title, merged categories, section row, notes ..."""
    wb = openpyxl.Workbook()
    cover = wb.active
    cover.title = "封面"
    cover["B3"] = "XX县创建国家食品安全示范城市评价细则"
    cover["B5"] = "编制单位：XX县食安办"
    ws = wb.create_sheet("评价细则")
    ws.append(["XX县创建国家食品安全示范城市任务分解清单"])
    ws.merge_cells("A1:F1")
    ws.append([])
    ws.append(HEADER)
    ws.append([1, "组织领导", "成立创建工作领导小组", "３０", "2022年6月30日", "县市场监管局、县卫健委"])
    ws.append([2, None, "第一行\r\n第二行", 5.0, "2022.6.30", "县公安局\n县教育局"])
    ws.append([3, None, "制定实施方案", "abc", "2022-02-30", "县农业农村局"])
    ws.merge_cells("B4:B6")
    ws.append([])
    ws.append(["二、日常监管"])
    ws.merge_cells("A8:F8")
    ws.append([4, "日常监管", "　全覆盖检查　", "10分", 44742, None])
    ws.append(HEADER)  # WPS repeats the header after a page break
    ws.append(["５", None, "抽检", 2.5, dt.datetime(2022, 7, 1, 0, 0), "县市场监管局"])
    ws.append([None, None, None, None, None, None])
    ws.append(["备注：分值合计100分。"])
    ws.append(["填表人：张三", None, "审核人：李四"])
    return _save(wb)


def test_xlsx_full_layout():
    result = read_workbook(build_xlsx(), COLUMNS)
    assert [s.sheet for s in result.sheets] == ["评价细则"]  # the cover sheet has no header
    sheet = result.sheets[0]
    assert sheet.header_row == 3
    assert sheet.columns_found == {
        "seq": "序号",
        "category": "项目\n类别",
        "content": "评价内容",
        "score": "分值（分）",
        "deadline": "完成时限",
        "units": "责任单位",
    }
    assert [r["_row"] for r in sheet.records] == [4, 5, 9, 11]
    r4, r5, r9, r11 = sheet.records
    assert r4 == {
        "seq": 1,
        "category": "组织领导",
        "content": "成立创建工作领导小组",
        "score": Decimal("30"),
        "deadline": dt.date(2022, 6, 30),
        "units": ["县市场监管局", "县卫健委"],
        "_row": 4,
        "_sheet": "评价细则",
        "_section": None,
    }
    assert r5["category"] == "组织领导"  # merged B4:B6
    assert r5["content"] == "第一行\n第二行"
    assert r5["score"] == Decimal("5")
    assert r5["units"] == ["县公安局", "县教育局"]
    assert r9["_section"] == "二、日常监管"
    assert r9["content"] == "全覆盖检查"
    assert r9["score"] == Decimal("10")
    assert r9["deadline"] == dt.date(2022, 6, 30)
    assert r9["units"] is None
    assert r11["seq"] == 5
    assert r11["category"] == "日常监管"  # fill_down
    assert r11["deadline"] == dt.date(2022, 7, 1)
    assert [format_error(e) for e in result.errors] == [
        "工作表“评价细则”第6行D列（分值）：“abc”不是有效的数字",
        "工作表“评价细则”第6行E列（完成时限）：“2022-02-30”日期无效",
    ]
    e = result.errors[0]
    assert (e.sheet, e.row_number, e.column_letter, e.column_label, e.value) == (
        "评价细则",
        6,
        "D",
        "分值",
        "abc",
    )
    assert len(result.records) == 4


def test_fill_merged_false_relies_on_fill_down():
    result = read_workbook(build_xlsx(), COLUMNS, fill_merged=False)
    recs = result.records
    assert [r["category"] for r in recs] == ["组织领导", "组织领导", "日常监管", "日常监管"]
    # without merge information the section title is just a row missing its content
    assert [format_error(e) for e in result.errors][-1] == "工作表“评价细则”第8行C列（评价内容）：不能为空"


def test_openpyxl_fallback_for_merged_ranges(monkeypatch):
    monkeypatch.setattr(ss, "_calamine_merges", lambda sh: None)
    recs = read_sheet(build_xlsx(), COLUMNS, "评价细则").records
    assert recs[1]["category"] == "组织领导"
    assert recs[2]["_section"] == "二、日常监管"


def test_named_sheet_path_and_filelike(tmp_path):
    path = tmp_path / "细则.xlsx"
    path.write_bytes(build_xlsx())
    assert len(read_sheet(path, COLUMNS, "评价细则").records) == 4
    assert len(read_sheet(str(path), COLUMNS).records) == 4
    with open(path, "rb") as fh:
        assert len(read_workbook(fh, COLUMNS, sheets=["评价细则"]).records) == 4
    result = read_workbook(path, COLUMNS, sheets=["封面", "不存在"])
    assert [format_error(e) for e in result.errors] == [
        "工作表“不存在”不存在（文件中的工作表：封面、评价细则）",
        "工作表“封面”未找到表头（前15行中没有包含这些列名的行：序号、类别、评价内容、分值、完成时限、责任单位）",
    ]


def test_hidden_sheets_skipped_unless_named():
    wb = openpyxl.load_workbook(io.BytesIO(build_xlsx()))
    old = wb.copy_worksheet(wb["评价细则"])
    old.title = "旧版"
    old.sheet_state = "hidden"
    data = _save(wb)
    assert [s.sheet for s in read_workbook(data, COLUMNS).sheets] == ["评价细则"]
    assert [s.sheet for s in read_workbook(data, COLUMNS, sheets=["旧版"]).sheets] == ["旧版"]


def test_missing_required_column():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "评价细则"
    ws.append(["序号", "类别", "评价内容", "完成时限"])
    ws.append([1, "a", "b", "2022-1-1"])
    result = read_workbook(_save(wb), COLUMNS)
    assert [format_error(e) for e in result.errors] == [
        "工作表“评价细则”缺少必需的列“分值”（可用列名：分值、标准分）",
    ]
    assert result.records == []
    assert result.sheets[0].header_row == 1


def test_no_sheet_with_header():
    wb = openpyxl.Workbook()
    wb.active["A1"] = "封面"
    result = read_workbook(_save(wb), COLUMNS)
    assert [format_error(e) for e in result.errors] == [
        "文件中没有找到包含表头的工作表（应包含列：序号、类别、评价内容、分值、完成时限、责任单位）"
    ]


def test_header_normalisation_and_synonyms():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["填报单位：XX县", None, "填报日期：2022年"])
    ws.append(["编 号", "项目", "*工作任务", "标准分\n（分）：", "ＮＯＴＥ"])
    ws.append(["１", "甲", "任务", "1.5", "x"])
    cols = [*COLUMNS, Column("note", "Note", required=False)]
    res = read_sheet(_save(wb), cols)
    assert res.header_row == 2
    assert res.columns_found["score"] == "标准分\n（分）："
    assert res.records[0]["seq"] == 1
    assert res.records[0]["score"] == Decimal("1.5")
    assert res.records[0]["note"] == "x"
    assert res.records[0]["deadline"] is None  # optional and absent


def _two_row_header(merge: bool):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "清单"
    ws.append(["任务分解清单"])
    ws.append(["序号", "评价内容", "分值", "考核方式", None, "备注"])
    ws.append([None, None, None, "方法", "部门", None])
    ws.append([1, "内容", 3, "查阅资料", "县市场监管局", "无"])
    if merge:
        for rng in ("A2:A3", "B2:B3", "C2:C3", "D2:E2", "F2:F3"):
            ws.merge_cells(rng)
    return _save(wb)


@pytest.mark.parametrize("merge", [True, False])
def test_two_row_header(merge):
    cols = [
        Column("content", "评价内容"),
        Column("score", "分值", parser=parse_int),
        Column("method", "方法"),
        Column("dept", "部门"),
        Column("note", "备注", required=False),
    ]
    res = read_sheet(_two_row_header(merge), cols)
    assert res.errors == []
    assert res.header_row == 2
    assert res.columns_found["dept"] == "部门"
    assert [{k: v for k, v in r.items() if not k.startswith("_")} for r in res.records] == [
        {"content": "内容", "score": 3, "method": "查阅资料", "dept": "县市场监管局", "note": "无"}
    ]
    assert res.records[0]["_row"] == 4


def test_xls_merged_and_fill_down():
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("台账")
    ws.write_merge(0, 0, 0, 5, "XX县督查台账")
    for c, h in enumerate(HEADER):
        ws.write(1, c, h)
    rows = [
        [1, "组织领导", "任务一", 30, dt.date(2022, 6, 30), "甲、乙"],
        [2, None, "任务二", "５", "2022/06/30", "丙"],
        [3, "日常监管", "任务三", 1.5, "20220630", "丁"],
        [4, None, "任务四", "x", 44742, None],
    ]
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for r, row in enumerate(rows, start=2):
        for c, v in enumerate(row):
            if v is not None:
                ws.write(r, c, v, date_style if isinstance(v, dt.date) else xlwt.Style.default_style)
    ws.write_merge(6, 7, 1, 1, "抽检")  # category merged over rows 7-8
    ws.write(6, 2, "任务五")
    ws.write(6, 3, 2)
    ws.write(7, 2, "任务六")
    ws.write(7, 3, 3)
    buf = io.BytesIO()
    wb.save(buf)
    res = read_sheet(buf.getvalue(), COLUMNS)
    assert res.sheet == "台账"
    assert res.header_row == 2
    assert [(r["_row"], r["category"], r["score"]) for r in res.records] == [
        (3, "组织领导", Decimal("30")),
        (4, "组织领导", Decimal("5")),
        (5, "日常监管", Decimal("1.5")),
        (7, "抽检", Decimal("2")),
        (8, "抽检", Decimal("3")),
    ]
    assert [r["deadline"] for r in res.records[:3]] == [dt.date(2022, 6, 30)] * 3
    assert [format_error(e) for e in res.errors] == ["工作表“台账”第6行D列（分值）：“x”不是有效的数字"]


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig", "utf-8", "gb18030"])
def test_csv_encodings(encoding):
    text = io.StringIO()
    w = csv.writer(text)
    w.writerow(["食品安全问题台账"])
    w.writerow(HEADER)
    w.writerow(["1", "组织领导", "多行\n内容", "３", "2022年6月", "甲；乙"])
    w.writerow(["", "", "任务二", "4.5分", "2022-6-30", ""])
    w.writerow(["备注：无"])
    data = text.getvalue().encode(encoding)
    res = read_sheet(data, COLUMNS)
    assert res.header_row == 2
    assert res.sheet == "Sheet1"
    assert [
        (r["_row"], r["seq"], r["category"], r["content"], r["score"], r["deadline"], r["units"])
        for r in res.records
    ] == [
        (3, 1, "组织领导", "多行\n内容", Decimal("3"), dt.date(2022, 6, 1), ["甲", "乙"]),
        (4, None, "组织领导", "任务二", Decimal("4.5"), dt.date(2022, 6, 30), None),
    ]


def test_csv_named_upload_and_tab_utf16():
    class Upload(io.BytesIO):
        name = "uploads/问题台账.csv"

    res = read_sheet(Upload("类别,评价内容,分值\n甲,乙,1\n".encode("gbk")), COLUMNS)
    assert res.sheet == "问题台账"
    assert res.records[0]["score"] == Decimal("1")
    res = read_sheet("类别\t评价内容\t分值\n甲\t乙\t2\n".encode("utf-16"), COLUMNS)
    assert res.records[0]["score"] == Decimal("2")


def test_html_disguised_as_xls_is_refused():
    with pytest.raises(SpreadsheetError, match="网页"):
        read_sheet(b"<html><table><tr><td>1</td></tr></table></html>", COLUMNS)


def test_streaming_20000_rows(tmp_path):
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("督查台账")
    ws.append(["2022年度督查问题台账"])
    ws.append(["序号", "问题类别", "问题描述", "整改时限", "是否整改"])
    for i in range(1, 20001):
        ws.append(
            [
                i,
                f"类别{i % 7}",
                f"问题{i}",
                "2022-02-30" if i % 5000 == 0 else f"2022-{i % 12 + 1}-1",
                "是" if i % 2 else "否",
            ]
        )
    path = tmp_path / "big.xlsx"
    wb.save(path)
    cols = [
        Column("seq", "序号", parser=parse_int),
        Column("category", "问题类别"),
        Column("text", "问题描述"),
        Column("due", "整改时限", parser=parse_date),
        Column("done", "是否整改", parser=parse_bool),
    ]
    start = time.perf_counter()
    stream = iter_rows(path, cols, fill_merged=False)
    assert stream.header_row == 2
    assert stream.errors == []
    count = 0
    first = last = None
    for rec in stream:
        count += 1
        first = first or rec
        last = rec
    elapsed = time.perf_counter() - start
    assert count == 19996
    assert first == {
        "seq": 1,
        "category": "类别1",
        "text": "问题1",
        "due": dt.date(2022, 2, 1),
        "done": True,
        "_row": 3,
        "_sheet": "督查台账",
        "_section": None,
    }
    assert last["seq"] == 19999 and last["_row"] == 20001
    assert [(e.row_number, e.column_letter, e.message) for e in stream.errors] == [
        (5002, "D", "日期无效"),
        (10002, "D", "日期无效"),
        (15002, "D", "日期无效"),
        (20002, "D", "日期无效"),
    ]
    assert elapsed < 20, elapsed  # ~1 s on the CI machine; generous against slow runners


def test_iter_rows_picks_first_sheet_with_header_and_reports_none():
    stream = iter_rows(build_xlsx(), COLUMNS)
    assert stream.sheet == "评价细则"
    assert len(list(stream)) == 4
    stream = iter_rows(build_xlsx(), COLUMNS, sheet="封面")
    assert list(stream) == []
    assert stream.errors[0].message.startswith("未找到表头")


# ------------------------------------------------------------------------------------ parsers


@pytest.mark.parametrize(
    "raw",
    [
        "2022年6月30日",
        "2022年06月30日",
        "2022年6月30号",
        "2022.6.30",
        "2022/06/30",
        "2022-6-30",
        "2022-06-30 00:00:00",
        "2022-06-30T08:30",
        "20220630",
        20220630,
        44742,
        44742.0,
        "44742",
        dt.date(2022, 6, 30),
        dt.datetime(2022, 6, 30, 12, 0),
    ],
)
def test_parse_date_forms(raw):
    assert parse_date(raw) == dt.date(2022, 6, 30)


def test_parse_date_month_and_errors():
    assert parse_date("2022年6月") == dt.date(2022, 6, 1)
    assert parse_date("2022.6") == dt.date(2022, 6, 1)
    assert parse_date("2022年6月底前") == dt.date(2022, 6, 30)
    assert parse_date("2024年2月底") == dt.date(2024, 2, 29)
    assert parse_date("2022年6月30日以前") == dt.date(2022, 6, 30)
    assert parse_date("2022年底前") == dt.date(2022, 12, 31)
    for bad in ("2022-02-30", "2022年13月", "20221301"):
        with pytest.raises(CellError, match="^日期无效$"):
            parse_date(bad)
    for bad in ("明年", "长期坚持", "2022年", "2022-6-30号左右", True, -1, "22.6.30", None):
        with pytest.raises(CellError, match="^不是有效的日期$"):
            parse_date(bad)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("3", Decimal("3")),
        ("3.5", Decimal("3.5")),
        ("3．5", Decimal("3.5")),
        ("3分", Decimal("3")),
        ("0.5分/项", Decimal("0.5")),
        ("-2", Decimal("-2")),
        ("1,200", Decimal("1200")),
        (".5", Decimal("0.5")),
        (3, Decimal("3")),
        (3.0, Decimal("3")),
        (0.1, Decimal("0.1")),
    ],
)
def test_parse_decimal(raw, expected):
    assert parse_decimal(raw) == expected


@pytest.mark.parametrize("raw", ["abc", "分值3", "3.5.6", "", True, dt.date(2022, 1, 1)])
def test_parse_decimal_rejects(raw):
    with pytest.raises(CellError, match="^不是有效的数字$"):
        parse_decimal(raw)


def test_parse_int():
    assert parse_int("3分") == 3
    assert parse_int(4.0) == 4
    assert parse_int("5.0") == 5
    for bad in ("3.5", "x", 2.5):
        with pytest.raises(CellError, match="^不是有效的整数$"):
            parse_int(bad)


def test_parse_bool():
    for yes in ("是", "√", "Y", "y", "1", 1, 1.0, True):
        assert parse_bool(yes) is True
    for no in ("否", "×", "N", "0", 0, False):
        assert parse_bool(no) is False
    with pytest.raises(CellError, match="是/否"):
        parse_bool("也许")


def test_parse_choice_and_list_and_text():
    level = parse_choice({"A级": 1, "B级": 2})
    assert level("Ａ级 ") == 1
    assert level("b级") == 2
    with pytest.raises(CellError, match="^不是可选的值（可选：A级、B级）$"):
        level("C级")
    assert parse_choice(["达标", "不达标"])("达标") == "达标"
    assert parse_list("市场监管局、卫健委，公安局,教育局；农业局;林业局\n商务局\n\n") == [
        "市场监管局",
        "卫健委",
        "公安局",
        "教育局",
        "农业局",
        "林业局",
        "商务局",
    ]
    assert parse_text(3.0) == "3"
    assert parse_text(3.25) == "3.25"
    assert parse_text(dt.datetime(2022, 6, 30)) == "2022-06-30"
    assert parse_text(True) == "是"


def test_cell_normalisation():
    assert ss._clean("  ＡＢＣ１２３　") == "ABC123"
    assert ss._clean(" 第一行 \r\n 第二行\r第三行 ") == "第一行\n第二行\n第三行"
    assert ss._clean("（括号）保留") == "（括号）保留"
    assert ss._clean("\u3000 ") is None
    assert ss._clean("") is None
    assert ss._clean(3.0) == 3.0


def test_custom_parser_value_error_is_collected():
    def strict(v):
        raise ValueError("boom")

    wb = openpyxl.Workbook()
    wb.active.append(["类别", "评价内容", "分值"])
    wb.active.append(["甲", "乙", 1])
    cols = [Column("category", "类别", parser=strict), *COLUMNS[2:4]]
    res = read_sheet(_save(wb), cols)
    assert [format_error(e) for e in res.errors] == ["工作表“Sheet”第2行A列（类别）：“甲”格式不正确"]


# ------------------------------------------------------------------------------------- errors


def test_format_error_shapes():
    assert (
        format_error(RowError("Sheet1", 12, "C", "分值", "abc", "不是有效的数字"))
        == "工作表“Sheet1”第12行C列（分值）：“abc”不是有效的数字"
    )
    assert (
        format_error(RowError("Sheet1", 3, "B", "内容", None, "不能为空"))
        == "工作表“Sheet1”第3行B列（内容）：不能为空"
    )
    assert str(RowError("S", 2, None, None, None, "重复")) == "工作表“S”第2行：重复"
    assert format_error(RowError("S", 2, "A", "x", 3.0, "太大")) == "工作表“S”第2行A列（x）：“3”太大"


def test_errors_to_xlsx_roundtrip(tmp_path):
    errors = [
        RowError("评价细则", 6, "D", "分值", "abc", "不是有效的数字"),
        RowError("评价细则", None, None, "分值", None, "缺少必需的列“分值”"),
        RowError("台账", 9, "A", "内容", "=1+1", "不能为空"),
    ]
    buf = io.BytesIO()
    errors_to_xlsx(errors, buf)
    ws = openpyxl.load_workbook(io.BytesIO(buf.getvalue())).active
    assert ws.title == "错误报告"
    assert [list(r) for r in ws.iter_rows(values_only=True)] == [
        ["工作表", "行", "列", "列名", "值", "原因"],
        ["评价细则", 6, "D", "分值", "abc", "不是有效的数字"],
        ["评价细则", None, None, "分值", None, "缺少必需的列“分值”"],
        ["台账", 9, "A", "内容", "=1+1", "不能为空"],
    ]
    path = tmp_path / "errors.xlsx"
    errors_to_xlsx(errors[:1], path)
    assert openpyxl.load_workbook(path).active["E2"].value == "abc"


def test_duplicate_keys_rejected():
    with pytest.raises(ValueError):
        read_sheet(b"a,b\n1,2\n", [Column("a", "a"), Column("a", "b")])
