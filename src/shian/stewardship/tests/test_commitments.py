"""三张清单一承诺书: the document's lists read back with python-docx, the signed scan behind scope, and
coverage by township."""

import io
import shutil

import docx
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from shian.registry.testing import make_business
from shian.stewardship import docs, figures, services
from shian.stewardship.models import Binding, Cadre, Commitment

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def township_cadre(cast):
    services.ensure_defaults()
    cadre = Cadre.objects.create(
        name="周乡干",
        post="副镇长",
        level="township",
        region=cast.town,
        phone="13800000021",
        unit=cast.town_unit,
    )
    for n in (1, 2):
        Binding.objects.create(cadre=cadre, business=make_business(cast.town, n, baobao_level="township"))
    return cadre


def text_of(data: bytes) -> tuple[str, list]:
    d = docx.Document(io.BytesIO(data))
    return "\n".join(p.text for p in d.paragraphs), d.tables


def test_document_holds_the_three_lists_and_the_pledge(cast, township_cadre):
    rule = services.rules()["township"]
    rule.visits_per_year = 8
    rule.note = "川食安委〔2023〕5号"
    rule.save()
    body, tables = text_of(docs.commitment_docx(township_cadre, 2026))
    assert "2026年度食品安全包保干部" in body and "周乡干" in body and "副镇长" in body
    for heading in ("包保主体清单", "责任清单", "任务清单"):
        assert heading in body
    assert "食品安全包保干部承诺书" in body and "承诺人（签字）" in body and "日期：" in body
    subjects, tasks = tables
    assert [c.text for c in subjects.rows[0].cells] == [
        "序号",
        "主体名称",
        "业态",
        "地址",
        "包保层级",
        "风险等级",
    ]
    assert [r.cells[1].text for r in subjects.rows[1:]] == ["潼川镇第1号小吃店", "潼川镇第2号小吃店"]
    task_text = "\n".join(c.text for r in tasks.rows for c in r.cells)
    assert (
        "每年督导不少于8次" in task_text
        and "约每45天一次" in task_text
        and "川食安委〔2023〕5号" in task_text
    )
    assert "对包保主体清单所列2家主体每年督导不少于8次" in body


def test_signed_scan_upload_coverage_and_download_behind_scope(
    cast, township_cadre, login, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    other = Cadre.objects.create(name="吴乡干", level="township", region=cast.town2, phone="13800000022")
    Binding.objects.create(cadre=other, business=make_business(cast.town2, 3, baobao_level="township"))
    with pytest.raises(ValidationError):
        services.upload_signed(
            township_cadre, 2026, SimpleUploadedFile("x.xlsx", b"not a spreadsheet"), actor=cast.office_user
        )
    c = services.upload_signed(
        township_cadre, 2026, SimpleUploadedFile("签字.pdf", PDF), actor=cast.office_user
    )
    assert c.is_signed and c.businesses == 2 and c.uploaded_by == cast.office_user
    rows = {r["region"]: r for r in figures.commitment_coverage(cast.county, 2026)}
    assert (rows[cast.town]["cadres"], rows[cast.town]["signed"], rows[cast.town]["rate"]) == (1, 1, 1.0)
    assert (rows[cast.town2]["signed"], rows[cast.town2]["rate"]) == (0, 0.0)
    assert figures.commitment_coverage(cast.county, 2027)[0]["signed"] == 0

    client = login(cast.office_user)
    r = client.get(f"/stewardship/{township_cadre.pk}/commitment.docx?year=2026")
    assert r.status_code == 200 and r.content[:2] == b"PK"
    page = client.get("/stewardship/coverage/?year=2026").content.decode()
    assert "潼川镇" in page and "100%" in page
    assert client.get(f"/stewardship/commitments/{c.pk}/scan/").status_code == 200
    other_county = login(cast.other_office_user)
    assert other_county.get(f"/stewardship/commitments/{c.pk}/scan/").status_code == 404
    assert other_county.get(f"/stewardship/{township_cadre.pk}/commitment.docx").status_code == 404
    r = other_county.post(
        f"/stewardship/{township_cadre.pk}/commitment/",
        {"year": 2026, "signed_scan": SimpleUploadedFile("b.pdf", PDF)},
    )
    assert r.status_code == 404


def test_upload_page_refuses_a_non_scan(cast, township_cadre, login, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = login(cast.office_user)
    r = client.post(
        f"/stewardship/{township_cadre.pk}/commitment/",
        # the unsigned Word file itself is not a signed scan
        {
            "year": 2026,
            "signed_scan": SimpleUploadedFile("a.docx", docs.commitment_docx(township_cadre, 2026)),
        },
        follow=True,
    )
    assert "请上传签字后的 PDF 或照片" in r.content.decode()
    assert not Commitment.objects.exists()
    # the leader reads but does not upload
    r = login(cast.leader).post(
        f"/stewardship/{township_cadre.pk}/commitment/",
        {"year": 2026, "signed_scan": SimpleUploadedFile("b.pdf", PDF)},
    )
    assert r.status_code == 404 and not Commitment.objects.exists()


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice 未安装")
def test_pdf_version(cast, township_cadre, login):
    r = login(cast.office_user).get(f"/stewardship/{township_cadre.pk}/commitment.docx?year=2026&format=pdf")
    assert r.status_code == 200 and r.content.startswith(b"%PDF") and r["Content-Type"] == "application/pdf"
