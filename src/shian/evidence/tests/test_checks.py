import datetime

from django.utils import timezone

from shian.evidence import services
from shian.evidence.checks import check_better_match, check_period, period_bounds
from shian.evidence.choices import TextStatus
from shian.evidence.models import Material
from shian.evidence.tasks import extract_material
from shian.evidence.tests.factories import CHOUJIAN, SHITANG, docx_bytes, pdf_bytes, upload
from shian.framework.choices import MaterialPeriod


def codes(material):
    return [f["code"] for f in Material.objects.get(pk=material.pk).flags]


def file_one(ev, name, content, requirement=None, actor=None, **meta):
    (m,) = services.upload_materials(
        ev.campaign, [upload(name, content)], actor=actor or ev.edu_liaison, requirement=requirement, **meta
    )
    extract_material(m.pk)
    return Material.objects.get(pk=m.pk)


def test_period_bounds_follow_the_requirement(ev):
    today = datetime.date(2026, 6, 30)
    req = ev.req_shitang
    req.period = MaterialPeriod.CURRENT_YEAR
    assert period_bounds(req, ev.campaign, today) == (datetime.date(2026, 1, 1), today)
    req.period, req.period_years = MaterialPeriod.LAST_YEARS, 3
    assert period_bounds(req, ev.campaign, today) == (datetime.date(2023, 1, 1), today)
    req.period = MaterialPeriod.SINCE_CAMPAIGN
    assert period_bounds(req, ev.campaign, today) == (ev.campaign.started_on, today)
    req.period = MaterialPeriod.ANY
    assert period_bounds(req, ev.campaign, today) is None


def test_it_flags_a_document_dated_outside_the_required_period(ev):
    ev.req_shitang.period = MaterialPeriod.CURRENT_YEAR
    ev.req_shitang.save()
    this_year = timezone.localdate().year
    old = file_one(
        ev,
        "旧清单.docx",
        docx_bytes("学校食堂责任清单"),
        ev.req_shitang,
        doc_date=datetime.date(this_year - 1, 12, 31),
    )
    assert codes(old) == ["out_of_period"]
    assert (
        f"成文日期 {this_year - 1}-12-31 不在要求的时间范围（当年：{this_year}-01-01 至"
        in old.flags[0]["message"]
    )
    new = file_one(
        ev,
        "新清单.docx",
        docx_bytes("学校食堂责任清单 新版"),
        ev.req_shitang,
        doc_date=datetime.date(this_year, 1, 1),
    )
    assert codes(new) == []


def test_it_checks_the_period_against_a_date_read_from_the_text(ev):
    ev.req_shitang.period, ev.req_shitang.period_years = MaterialPeriod.LAST_YEARS, 2
    ev.req_shitang.save()
    m = file_one(
        ev,
        "清单.docx",
        docx_bytes("学校食堂食品安全管理责任清单", "县教育局", "二〇一九年五月八日"),
        ev.req_shitang,
    )
    assert m.doc_date == datetime.date(2019, 5, 8) and m.doc_date_detected
    assert codes(m) == ["out_of_period"] and "（自动识别）" in m.flags[0]["message"]
    assert check_period(m, today=datetime.date(2020, 1, 1)) is None


def test_it_flags_the_same_file_filed_twice(ev):
    content = docx_bytes(*SHITANG)
    first = file_one(ev, "清单.docx", content, ev.req_shitang)
    second = file_one(ev, "清单（再传）.docx", content, ev.req_kaohe, actor=ev.office_user)
    assert codes(first) == []
    assert codes(second) == ["duplicate"]
    assert f"“清单”（教育局，编号{first.pk}）" in second.flags[0]["message"]


def test_it_flags_an_empty_file(ev):
    m = file_one(ev, "空白.pdf", b"", ev.req_shitang)
    assert codes(m) == ["empty"] and m.flags[0]["message"] == "文件大小为0字节，是空文件"
    blank = file_one(ev, "空白文档.docx", docx_bytes(""), ev.req_shitang)
    assert blank.text_status == TextStatus.EMPTY
    assert codes(blank) == ["empty"]


def test_it_flags_an_unreadable_file(ev):
    m = file_one(ev, "损坏.pdf", b"%PDF-1.7\n\x00\x01 this is not really a pdf", ev.req_shitang)
    assert m.text_status == TextStatus.FAILED
    assert codes(m) == ["unreadable"]
    assert m.flags[0]["message"].startswith("文件无法打开或已损坏")


def test_it_flags_text_that_matches_another_indicator_better(ev):
    m = file_one(ev, "抽检计划.docx", docx_bytes(*CHOUJIAN), ev.req_kaohe, actor=ev.office_user)
    assert codes(m) == ["better_match"]
    flag = m.flags[0]
    assert flag["requirement"] == ev.req_choujian.pk
    assert "内容与指标“2 食品抽检”的材料要求“食品抽检计划及抽检结果通报”更匹配" in flag["message"]
    assert "抽检" in flag["message"]


def test_text_filed_under_its_own_indicator_is_not_flagged(ev):
    m = file_one(ev, "抽检计划.docx", docx_bytes(*CHOUJIAN), ev.req_choujian, actor=ev.market_liaison)
    assert codes(m) == []
    assert check_better_match(m, "很短") is None


def test_a_pdf_without_text_is_not_called_unreadable(ev):
    m = file_one(ev, "图片版.pdf", pdf_bytes(), ev.req_shitang)
    assert m.text_status == TextStatus.EMPTY and codes(m) == ["empty"]
