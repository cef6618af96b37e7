"""Ledger import: formats, synonyms, Chinese dates, idempotency, corrections, all-or-nothing."""

import datetime
import io
from decimal import Decimal

import xlsxwriter

from shian.core.models import AuditLog
from shian.supervision.importer import import_ledger
from shian.supervision.models import CaseRecord, ImportMapping, LedgerField, SamplingRecord

HEAD = [
    "抽样单编号",
    "抽样日期",
    "所属乡镇",
    "被抽样单位",
    "抽样环节",
    "食品大类",
    "样品名称",
    "任务类别",
    "检验结论",
    "核查处置状态",
]


def xlsx(rows, title=None):
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_numbers": False})
    sheet = book.add_worksheet("抽检数据")
    r = 0
    if title:
        sheet.write(0, 0, title)
        r = 1
    for row in rows:
        sheet.write_row(r, 0, row)
        r += 1
    book.close()
    buf.seek(0)
    buf.name = "抽检.xlsx"
    return buf


def csv_bytes(rows, encoding):
    text = "\n".join(",".join(str(v) for v in row) for row in rows)
    buf = io.BytesIO(text.encode(encoding))
    buf.name = "抽检.csv"
    return buf


def row(n, date="2023-06-30", town="潼川镇", result="合格", task="监督抽检", disposal=""):
    return [n, date, town, "某超市", "流通环节", "粮食加工品", "大米", task, result, disposal]


def test_it_imports_xlsx_below_a_title_row_with_chinese_dates(cast):
    rows = [
        HEAD,
        row("S1", "2022年6月30日"),
        row("S2", "2022.6.30"),
        row("S3", "2022/06/30"),
        row("S4", "20220630"),
    ]
    result = import_ledger("sampling", xlsx(rows, title="2022年食品安全监督抽检台账"))
    assert result.ok, [str(e) for e in result.errors]
    assert (result.rows_read, result.created, result.updated) == (4, 4, 0)
    assert set(SamplingRecord.objects.values_list("sampled_on", flat=True)) == {datetime.date(2022, 6, 30)}
    rec = SamplingRecord.objects.get(number="S1")
    assert (rec.region, rec.region_path, rec.year, rec.ym, rec.stage) == (
        cast.town,
        cast.town.path,
        2022,
        202206,
        "流通",
    )
    assert AuditLog.objects.filter(event="ledger_imported").count() == 1


def test_excel_serial_dates(cast):
    result = import_ledger("sampling", xlsx([HEAD, [*row("S1")[:1], 44742, *row("S1")[2:]]]))
    assert result.ok
    assert SamplingRecord.objects.get().sampled_on == datetime.date(2022, 6, 30)


def test_it_reads_gbk_and_utf8_csv(cast):
    rows = [HEAD, row("G1", "2023年1月5日", town="芦溪镇")]
    assert import_ledger("sampling", csv_bytes(rows, "gbk")).ok
    assert SamplingRecord.objects.get(number="G1").region == cast.town2
    assert import_ledger("sampling", csv_bytes([HEAD, row("U1")], "utf-8-sig")).ok
    assert SamplingRecord.objects.count() == 2


def test_reimporting_the_same_file_does_not_double_count(cast):
    rows = [HEAD, row("S1"), row("S2")]
    first = import_ledger("sampling", xlsx(rows))
    again = import_ledger("sampling", xlsx(rows))
    assert (first.created, first.updated) == (2, 0)
    assert (again.created, again.updated) == (0, 2)
    assert SamplingRecord.objects.count() == 2
    assert set(SamplingRecord.objects.values_list("version", flat=True)) == {1}  # unchanged rows untouched


def test_a_correction_file_updates_records_in_place(cast):
    import_ledger("sampling", xlsx([HEAD, row("S1", result="不合格", disposal="处置中"), row("S2")]))
    before = SamplingRecord.objects.get(number="S1")
    correction = [["抽样单编号", "核查处置状态", "处置完成日期"], ["S1", "已完成", "2023年8月1日"]]
    result = import_ledger("sampling", xlsx(correction))
    assert result.ok and (result.created, result.updated) == (0, 1)
    after = SamplingRecord.objects.get(number="S1")
    assert (after.pk, after.disposal_status, after.disposed_on) == (
        before.pk,
        "已处置",
        datetime.date(2023, 8, 1),
    )
    assert (after.result, after.region, after.version) == ("不合格", cast.town, before.version + 1)


def test_a_correction_cannot_create_records_without_required_columns(cast):
    result = import_ledger("sampling", xlsx([["抽样单编号", "核查处置状态"], ["NEW1", "已处置"]]))
    assert not result.ok and SamplingRecord.objects.count() == 0
    assert "只能更正已有记录" in str(result.errors[0])


def test_every_bad_row_is_reported_with_sheet_row_column_and_reason(cast):
    rows = [
        HEAD,
        row("S1"),
        row("S2", date="2023-02-30"),
        row("S3", town="火星镇"),
        row("S4", result="还行"),
        row("S1"),
        row("", task=""),
    ]
    result = import_ledger("sampling", xlsx(rows))
    assert not result.ok
    text = [str(e) for e in result.errors]
    assert any("第3行B列（抽样日期）" in t and "日期无效" in t for t in text)
    assert any("第4行C列" in t and "火星镇" in t and "不存在" in t for t in text)
    assert any("第5行I列（检验结论）" in t for t in text)
    assert any("第6行" in t and "与第2行重复" in t for t in text)
    assert any("第7行A列" in t and "不能为空" in t for t in text)
    assert result.rejected == 5
    assert SamplingRecord.objects.count() == 0


def test_one_bad_row_in_the_middle_of_a_large_file_leaves_the_database_unchanged(cast):
    import_ledger("sampling", xlsx([HEAD, row("KEEP", result="不合格")]))
    rows = [HEAD] + [row(f"L{i:05d}") for i in range(12_000)] + [row("KEEP", result="合格")]
    rows[6001] = row("L06000", date="不是日期")
    result = import_ledger("sampling", xlsx(rows))
    assert not result.ok and result.rejected == 1 and result.rows_read == 12_001
    assert "第6002行B列" in str(result.errors[0])
    assert list(SamplingRecord.objects.values_list("number", "result")) == [("KEEP", "不合格")]


def test_regions_outside_the_importers_scope_are_rejected(cast):
    rows = [HEAD, row("S1", town="盐亭县")]
    assert import_ledger("sampling", xlsx(rows), scope_path="").ok is True
    assert (
        import_ledger("sampling", xlsx([HEAD, row("S2", town="盐亭县")]), scope_path=cast.county.path).ok
        is False
    )


def test_saved_mapping_and_deployment_fields_go_to_extra(cast):
    ImportMapping.objects.create(
        ledger="sampling", name="省抽检系统", columns={"抽样单号码": "number", "检测机构名称": "lab"}
    )
    LedgerField.objects.create(ledger="sampling", key="lab", label="检验机构", synonyms="承检机构")
    rows = [["抽样单号码", *HEAD[1:], "检测机构名称"], [*row("M1")[:10], "市食品检验所"]]
    assert not import_ledger("sampling", xlsx(rows)).ok  # without the mapping the number column is unknown
    result = import_ledger("sampling", xlsx(rows), mapping="省抽检系统")
    assert result.ok, [str(e) for e in result.errors]
    assert SamplingRecord.objects.get(number="M1").extra == {"lab": "市食品检验所"}
    assert SamplingRecord.objects.filter(extra__lab="市食品检验所").count() == 1


def test_cases_with_amounts_and_booleans(cast):
    rows = [
        ["立案号", "立案日期", "属地", "案件类型", "罚款金额（元）", "是否移送公安"],
        ["K1", "2023年3月1日", "潼川镇", "生产经营不符合食品安全标准食品", "50,000", "是"],
        ["K2", "2023.3.2", "510722101", "无证经营", "", "否"],
    ]
    result = import_ledger("cases", xlsx(rows))
    assert result.ok, [str(e) for e in result.errors]
    k1, k2 = CaseRecord.objects.order_by("number")
    assert (k1.fine_amount, k1.transferred_police) == (Decimal("50000.00"), True)
    assert (k2.fine_amount, k2.region, k2.transferred_police) == (Decimal("0"), cast.town2, False)
