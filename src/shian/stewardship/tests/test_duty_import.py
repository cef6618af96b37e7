"""日管控/周排查/月调度 import: one business's own file (sheets by kind) or the office's by credit code;
all-or-nothing with sheet/row/column errors in Chinese, idempotent on business + kind + period."""

import datetime
import io

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from shian.registry.testing import make_business
from shian.stewardship import enterprise
from shian.stewardship.duty_import import import_duty
from shian.stewardship.models import DutyRecord

d = datetime.date
PASSWORD = "Qiye#2026start"


def workbook(sheets: dict) -> io.BytesIO:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    return buf


OWN = {
    "日管控": [
        ["日期", "检查人", "检查内容", "发现问题", "整改措施"],
        ["2026年11月2日", "周安全员", "冷库温度、留样", "", ""],
        ["2026-11-03", "周安全员", "冷库温度", "温度偏高", "调低温度"],
    ],
    "周排查": [["排查日期", "排查人", "排查内容"], ["2026/11/4", "王总监", "全面排查"]],
    "月调度": [["调度日期", "负责人", "调度内容"], [d(2026, 11, 20), "王总监", "听取总监汇报"]],
}


@pytest.fixture
def biz(cast):
    mine = make_business(cast.town, 1, safety_director="王总监")
    other = make_business(cast.town, 2, safety_director="李总监")
    far = make_business(cast.other_county, 3, safety_director="赵总监")
    user = enterprise.open_business_account(
        mine, actor=cast.office_user, username="biz01", password=PASSWORD
    ).user
    return mine, other, far, user


def test_a_business_imports_its_own_sheets_by_kind_idempotently(cast, biz):
    mine, _other, _far, user = biz
    r = import_duty(workbook(OWN), actor=user, business=mine)
    assert r.ok, r.errors
    assert (r.rows_read, r.created, r.updated) == (4, 4, 0)
    assert set(DutyRecord.objects.values_list("kind", "period")) == {
        ("daily", d(2026, 11, 2)),
        ("daily", d(2026, 11, 3)),
        ("weekly", d(2026, 11, 2)),  # the Monday of the week
        ("monthly", d(2026, 11, 1)),
    }
    hot = DutyRecord.objects.get(kind="daily", period=d(2026, 11, 3))
    assert (hot.done_by, hot.problems, hot.measures, hot.recorded_by) == (
        "周安全员",
        "温度偏高",
        "调低温度",
        user,
    )
    again = import_duty(workbook(OWN), actor=user, business=mine)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
    changed = {**OWN, "周排查": [["排查日期", "排查人", "排查内容"], ["2026/11/6", "王总监", "复查冷库"]]}
    third = import_duty(workbook(changed), actor=user, business=mine)
    assert (third.created, third.updated) == (0, 1)
    assert DutyRecord.objects.count() == 4
    assert DutyRecord.objects.get(kind="weekly").checked == "复查冷库"


def test_errors_name_sheet_row_and_column_and_nothing_is_written(cast, biz):
    mine, *_rest, user = biz
    bad = {
        "日管控": [
            ["日期", "检查人", "检查内容"],
            ["2026-11-02", "周安全员", "正常"],
            ["不是日期", "周安全员", "正常"],
            ["2099-01-01", "周安全员", "未来"],
        ],
        "周排查": [["排查日期", "排查人"], ["2026-11-02", "王总监"], ["2026-11-05", "王总监"]],
        "记录": [["日期", "类别", "填报人"], ["2026-11-07", "年检", "王"], ["2026-11-07", "", "王"]],
    }
    r = import_duty(workbook(bad), actor=user, business=mine)
    assert not r.ok and DutyRecord.objects.count() == 0
    text = "\n".join(r.errors)
    assert r.errors[0].startswith("工作表“日管控”第3行") and r.errors[1].startswith("工作表“日管控”第4行")
    assert "工作表“日管控”第3行A列（日期）：“不是日期”不是有效的日期" in text
    assert "工作表“日管控”第4行A列（日期）" in text and "不能填报未来的日期" in text
    assert "工作表“周排查”第3行A列（日期）" in text and "与工作表“周排查”第2行是同一主体" in text
    assert "工作表“记录”第2行B列（类别）" in text
    assert "工作表“记录”第3行B列（类别）" in text and "请填写类别" in text


def test_the_office_imports_many_businesses_by_credit_code(cast, biz, login):
    mine, other, far, user = biz
    rows = [
        ["统一社会信用代码", "主体名称", "类别", "日期", "填报人"],
        [mine.credit_code, mine.name, "日管控", "2026-11-02", "王总监"],
        [other.credit_code, other.name, "周排查", "2026-11-03", ""],
    ]
    r = import_duty(workbook({"汇总": rows}), actor=cast.office_user)
    assert r.ok, r.errors
    assert DutyRecord.objects.get(business=other).done_by == "李总监"  # blank: the registry's 总监
    with_far = rows + [[far.credit_code, far.name, "月调度", "2026-11-03", "赵"]]
    r = import_duty(workbook({"汇总": with_far}), actor=cast.office_user)
    assert not r.ok
    assert "工作表“汇总”第4行A列（统一社会信用代码）" in r.errors[0] and "不在您的管辖范围内" in r.errors[0]
    with pytest.raises(PermissionDenied):
        import_duty(workbook({"汇总": rows}), actor=user)  # a business account imports only for itself
    with pytest.raises(PermissionDenied):
        import_duty(workbook(OWN), actor=user, business=other)
    client = login(cast.office_user)
    upload = SimpleUploadedFile("汇总.xlsx", workbook({"汇总": rows}).getvalue())
    page = client.post("/stewardship/duty/import/", {"file": upload})
    assert page.status_code == 200 and "未变 2 条" in page.content.decode()


def test_the_account_imports_through_its_page(cast, biz, client):
    from shian.organisation.models import User

    mine, other, _far, user = biz
    User.objects.filter(pk=user.pk).update(must_change_password=False)
    client.force_login(user)
    upload = SimpleUploadedFile("台账.xlsx", workbook(OWN).getvalue())
    r = client.post(f"/stewardship/business/{mine.pk}/import/", {"file": upload})
    assert r.status_code == 200 and "新增 4 条" in r.content.decode()
    upload = SimpleUploadedFile("台账.xlsx", workbook(OWN).getvalue())
    assert client.post(f"/stewardship/business/{other.pk}/import/", {"file": upload}).status_code == 404
    assert client.get("/stewardship/duty/import/").status_code == 404
    assert DutyRecord.objects.filter(business=other).count() == 0
