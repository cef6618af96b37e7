"""答辩材料包: the GB/T 9704 申报材料, the slide outline and the evidence files in one zip, behind the
project's scope."""

import io
import zipfile

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from shian.showcase import services
from shian.showcase.testing import make_project


@pytest.fixture
def project(cast):
    p = make_project(
        cast.campaign,
        cast.edu,
        "校园食安智慧监管",
        complete=True,
        item=cast.items[3],
        practice="建成明厨亮灶平台。接入全县学校食堂。",
        results="问题发现率提升一倍。",
    )
    services.add_file(
        p, actor=cast.office_user, upload=SimpleUploadedFile("方案.pdf", b"%PDF-1.4 plan"), kind="evidence"
    )
    services.add_file(
        p, actor=cast.office_user, upload=SimpleUploadedFile("报道.pdf", b"%PDF-1.4 news"), kind="media"
    )
    p.status, p.score_targeted, p.score_innovative, p.score_exemplary, p.score_replicable = (
        "approved",
        9,
        8,
        7,
        8,
    )
    p.save()
    return p


def texts(data):
    return "\n".join(par.text for par in docx.Document(io.BytesIO(data)).paragraphs)


def test_the_pack_holds_the_application_the_outline_and_the_evidence(cast, project, login):
    response = login(cast.edu_liaison).get(f"/showcase/{project.pk}/pack.zip")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    zf = zipfile.ZipFile(io.BytesIO(response.content))
    names = set(zf.namelist())
    assert {"01申报材料.docx", "02答辩提纲.docx", "03佐证材料/清单.txt"} <= names
    assert zf.read("03佐证材料/方案.pdf") == b"%PDF-1.4 plan"
    assert zf.read("03佐证材料/报道.pdf") == b"%PDF-1.4 news"
    application = texts(zf.read("01申报材料.docx"))
    assert "示范引领项目申报材料" in application and "建成明厨亮灶平台" in application
    outline = texts(zf.read("02答辩提纲.docx"))
    assert "“校园食安智慧监管”答辩提纲" in outline
    for slide in (
        "项目概况",
        "主要做法",
        "取得成效",
        "创新性",
        "可复制可推广性",
        "实施节点",
        "佐证与媒体报道",
    ):
        assert slide in outline
    assert "· 接入全县学校食堂" in outline
    assert "可得示范引领加分8分" in outline  # 10 × 32/40
    assert "媒体报道：报道.pdf" in outline


def test_the_pack_is_behind_the_projects_scope(cast, project, login):
    for user in (cast.other_office_user, cast.market_liaison, cast.town_liaison):
        assert login(user).get(f"/showcase/{project.pk}/pack.zip").status_code == 404
    assert login(cast.leader).get(f"/showcase/{project.pk}/pack.zip").status_code == 200


def test_the_project_page_shows_its_bonus_and_the_pack(cast, project, login):
    html = login(cast.office_user).get(project.get_absolute_url()).content.decode()
    assert f"/showcase/{project.pk}/pack.zip" in html
    assert "按评审得分折算 8 分" in html
