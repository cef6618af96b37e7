import io
import zipfile

import docx
import pytest
from django.http import Http404
from python_calamine import CalamineWorkbook

from shian.core.jobs import run_job
from shian.core.models import Job
from shian.evidence import services
from shian.evidence.archive import archive_plan, iter_archive
from shian.evidence.models import Material
from shian.evidence.tests.factories import CHOUJIAN, KAOHE, SHITANG, docx_bytes, pdf_bytes, upload


@pytest.fixture
def filed(ev):
    (kaohe,) = services.upload_materials(
        ev.campaign,
        [upload("考核办法.pdf", pdf_bytes("k"))],
        actor=ev.office_user,
        requirement=ev.req_kaohe,
        doc_number="安委办〔2025〕1号",
    )
    (shitang,) = services.upload_materials(
        ev.campaign,
        [upload("食堂/清单.docx", docx_bytes(*SHITANG))],
        actor=ev.edu_liaison,
        requirement=ev.req_shitang,
    )
    (loose,) = services.upload_materials(
        ev.campaign, [upload("其他.docx", docx_bytes(*CHOUJIAN))], actor=ev.market_liaison
    )
    services.approve_material(
        Material.objects.get(pk=kaohe.pk), actor=ev.office_user, expected_version=kaohe.version
    )
    services.upload_materials(
        ev.other_campaign, [upload("盐亭.docx", docx_bytes(*KAOHE))], actor=ev.other_liaison
    )
    return {"kaohe": kaohe, "shitang": shitang, "loose": loose}


def unzip(chunks):
    return zipfile.ZipFile(io.BytesIO(b"".join(chunks)))


def test_the_archive_has_a_folder_per_category_and_indicator_and_numbered_files(ev, filed):
    zf = unzip(iter_archive(archive_plan(ev.campaign.pk, ev.office_user)))
    assert zf.testzip() is None
    assert zf.namelist() == [
        "01-基础工作/1 党政同责/001-考核办法.pdf",
        "01-基础工作/1 党政同责/002-清单.docx",
        "99-未归类材料/003-其他.docx",
        "目录.xlsx",
        "目录.docx",
    ]
    assert zf.read("01-基础工作/1 党政同责/001-考核办法.pdf") == pdf_bytes("k")
    assert zf.read("01-基础工作/1 党政同责/002-清单.docx") == docx_bytes(*SHITANG)


def test_the_index_lists_every_material_with_its_status_and_the_gaps(ev, filed):
    zf = unzip(iter_archive(archive_plan(ev.campaign.pk, ev.office_user)))
    book = CalamineWorkbook.from_filelike(io.BytesIO(zf.read("目录.xlsx")))
    rows = book.get_sheet_by_name("目录").to_python()
    assert rows[0][:6] == ["序号", "类别", "指标", "评分项", "材料要求", "材料标题"]

    def text(v):
        return str(int(v)) if isinstance(v, float) else str(v)

    body = [[text(v) for v in (r[0], r[4], r[5], r[6], r[7], r[9], r[11])] for r in rows[1:]]
    assert body == [
        [
            "1",
            "党政领导干部考核办法",
            "考核办法",
            "创建办",
            "安委办〔2025〕1号",
            "已通过",
            "01-基础工作/1 党政同责/001-考核办法.pdf",
        ],
        [
            "2",
            "学校食堂食品安全责任清单",
            "清单",
            "教育局",
            "",
            "待审核",
            "01-基础工作/1 党政同责/002-清单.docx",
        ],
        ["", "食品抽检计划及抽检结果通报", "", "市场监管局", "", "缺失", ""],
        ["3", "", "其他", "市场监管局", "", "待审核", "99-未归类材料/003-其他.docx"],
    ]
    document = docx.Document(io.BytesIO(zf.read("目录.docx")))
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells] == [
        "序号",
        "指标",
        "材料要求",
        "材料标题",
        "提供单位",
        "成文日期",
        "审核状态",
    ]
    assert [c.text for c in table.rows[1].cells][3:] == ["考核办法", "创建办", "", "已通过"]
    assert len(table.rows) == 5


def test_only_approved_materials_when_asked(ev, filed):
    plan = archive_plan(ev.campaign.pk, ev.office_user, only_approved=True)
    assert [e.arcname for e in plan.entries] == ["01-基础工作/1 党政同责/001-考核办法.pdf"]


def test_an_approved_only_index_does_not_call_unapproved_materials_missing(ev, filed):
    shitang = Material.objects.get(pk=filed["shitang"].pk)
    services.return_material(shitang, "缺少盖章", actor=ev.office_user, expected_version=shitang.version)
    plan = archive_plan(ev.campaign.pk, ev.office_user, only_approved=True)
    assert [[r[0], r[4], r[9], r[11]] for r in plan.rows] == [
        [1, "党政领导干部考核办法", "已通过", "01-基础工作/1 党政同责/001-考核办法.pdf"],
        [None, "学校食堂食品安全责任清单", "已退回", "未审核通过，未收入资料包"],
        [None, "食品抽检计划及抽检结果通报", "缺失", ""],
    ]
    unit_plan = archive_plan(ev.campaign.pk, ev.edu_liaison, only_approved=True)
    assert unit_plan.entries == [] and [r[9] for r in unit_plan.rows] == ["已退回"]


def test_a_unit_exports_only_its_own_materials(ev, filed):
    plan = archive_plan(ev.campaign.pk, ev.edu_liaison)
    assert [e.arcname for e in plan.entries] == ["01-基础工作/1 党政同责/001-清单.docx"]
    assert [r[4] for r in plan.rows] == ["学校食堂食品安全责任清单"]


def test_another_countys_campaign_cannot_be_exported(ev, filed):
    with pytest.raises(Http404):
        archive_plan(ev.other_campaign.pk, ev.office_user)
    with pytest.raises(Http404):
        archive_plan(ev.campaign.pk, ev.other_liaison)


def test_the_background_job_stores_the_archive(ev, filed, django_capture_on_commit_callbacks):
    from shian.core.jobs import enqueue

    with django_capture_on_commit_callbacks(execute=False):
        record = enqueue(
            "evidence.archive", "资料包", {"campaign": ev.campaign.pk, "unit": None}, ev.office_user
        )
    run_job(record.pk)
    record = Job.objects.get(pk=record.pk)
    assert record.status == "succeeded", record.message
    assert record.result["count"] == 3 and record.result["filename"].endswith(".zip")
    with record.result_file.open("rb") as fh:
        names = zipfile.ZipFile(io.BytesIO(fh.read())).namelist()
    assert len(names) == 5 and names[-2:] == ["目录.xlsx", "目录.docx"]
