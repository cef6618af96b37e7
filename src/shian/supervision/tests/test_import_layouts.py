"""The export layouts offices get from the national systems, recognised out of the box: the national
sampling system (region by name split over 省份/地市/县（区）) and the 12315 platform."""

import datetime
import io

import xlsxwriter

from shian.supervision.importer import import_ledger
from shian.supervision.models import ComplaintRecord, SamplingRecord


def xlsx(rows, sheet="Sheet1", name="export.xlsx"):
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_numbers": False})
    ws = book.add_worksheet(sheet)
    for r, row in enumerate(rows):
        ws.write_row(r, 0, row)
    book.close()
    buf.seek(0)
    buf.name = name
    return buf


# As the national sampling system (国家食品安全抽样检验信息系统) exports its 数据查询 list.
SAMPLING_HEAD = [
    "序号",
    "抽样单编号",
    "任务来源",
    "报送分类A",
    "食品大类",
    "食品亚类",
    "样品名称",
    "被抽样单位名称",
    "被抽样单位所在省份",
    "被抽样单位所在地市",
    "被抽样单位所在县（区）",
    "抽样环节",
    "抽样日期",
    "检验结论",
    "不合格项目",
]


def sampling_row(n, county="三台县", city="绵阳市", result="合格"):
    return [
        n,
        f"DC2611{n:06d}",
        "省级市场监管部门",
        "监督抽检",
        "粮食加工品",
        "大米",
        "大米",
        "某粮油店",
        "四川省",
        city,
        county,
        "流通",
        "2026-03-05",
        result,
        "" if result == "合格" else "镉（以Cd计）",
    ]


def test_the_national_sampling_systems_export_is_recognised(cast):
    rows = [
        SAMPLING_HEAD,
        sampling_row(1),
        sampling_row(2, result="不合格"),
        sampling_row(3, county="盐亭县"),
    ]
    result = import_ledger("sampling", xlsx(rows))
    assert result.ok, [str(e) for e in result.errors]
    assert result.created == 3
    by_number = {r.number: r for r in SamplingRecord.objects.select_related("region")}
    assert by_number["DC2611000001"].region == cast.county
    assert by_number["DC2611000003"].region == cast.other_county
    assert by_number["DC2611000002"].result == "不合格" and by_number["DC2611000002"].task_type == "监督抽检"
    assert by_number["DC2611000001"].sampled_on == datetime.date(2026, 3, 5)


def test_a_region_name_out_of_scope_is_a_clear_row_error_and_nothing_is_written(cast):
    rows = [SAMPLING_HEAD, sampling_row(1), sampling_row(2, county="不存在县")]
    result = import_ledger("sampling", xlsx(rows), scope_path=cast.county.path)
    assert not result.ok and SamplingRecord.objects.count() == 0
    (error,) = [str(e) for e in result.errors]
    assert "第3行" in error and "不存在县" in error and "不存在或不在您的管辖范围内" in error


def test_a_region_code_column_still_works(cast):
    head = ["抽样单编号", "抽样日期", "区划代码", "任务类别", "检验结论"]
    result = import_ledger(
        "sampling", xlsx([head, ["C1", "2026-03-05", cast.county.code, "监督抽检", "合格"]])
    )
    assert result.ok, [str(e) for e in result.errors]
    assert SamplingRecord.objects.get().region == cast.county


# As the 12315 platform (全国12315平台) exports a 投诉举报 work-order list.
COMPLAINT_HEAD = [
    "登记编号",
    "登记时间",
    "信息来源",
    "业务类型",
    "被投诉方名称",
    "被投诉方所在省份",
    "被投诉方所在地市",
    "被投诉方所在县（区）",
    "办理期限",
    "办结时间",
    "处理结果",
]


def test_the_12315_platforms_export_is_recognised(cast):
    rows = [
        COMPLAINT_HEAD,
        [
            "1510722000000001",
            "2026-04-01 09:12:00",
            "12315热线",
            "投诉",
            "某餐馆",
            "四川省",
            "绵阳市",
            "三台县",
            "2026-04-08",
            "2026-04-05 16:00:00",
            "调解成功",
        ],
        [
            "1510722000000002",
            "2026-04-02 10:00:00",
            "全国12315平台",
            "举报",
            "某超市",
            "四川省",
            "绵阳市",
            "三台县",
            "2026-04-09",
            "",
            "",
        ],
    ]
    result = import_ledger("complaints", xlsx(rows))
    assert result.ok, [str(e) for e in result.errors]
    first = ComplaintRecord.objects.get(number="1510722000000001")
    assert first.region == cast.county and first.channel == "12315热线" and first.subject == "某餐馆"
    assert (first.received_on, first.deadline, first.closed_on) == (
        datetime.date(2026, 4, 1),
        datetime.date(2026, 4, 8),
        datetime.date(2026, 4, 5),
    )
    assert ComplaintRecord.objects.get(number="1510722000000002").closed_on is None
