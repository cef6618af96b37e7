import io
import zipfile

import pytest
from django.urls import reverse

from shian.evidence import services
from shian.evidence.models import Material
from shian.evidence.tasks import extract_material
from shian.evidence.tests.factories import CHOUJIAN, KAOHE, SHITANG, docx_bytes, pdf_bytes, upload


def file_one(ev, actor, name, content, requirement=None):
    (m,) = services.upload_materials(
        ev.campaign, [upload(name, content)], actor=actor, requirement=requirement
    )
    extract_material(m.pk)
    return Material.objects.get(pk=m.pk)


def test_the_list_shows_the_users_materials_in_bounded_queries(ev, login, django_assert_max_num_queries):
    for n in range(8):
        file_one(ev, ev.edu_liaison, f"清单{n}.docx", docx_bytes(f"学校食堂{n}"), ev.req_shitang)
    file_one(ev, ev.market_liaison, "抽检.docx", docx_bytes(*CHOUJIAN), ev.req_choujian)
    client = login(ev.office_user)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("evidence:material_list"))
    assert response.status_code == 200
    assert response.context["total_count"] == 9
    client = login(ev.edu_liaison)
    response = client.get(reverse("evidence:material_list"))
    assert response.context["total_count"] == 8
    assert "抽检" not in response.content.decode()
    response = client.get(reverse("evidence:material_list") + "?export=xlsx")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")


def test_upload_page_files_many_files_and_answers_json(ev, login):
    client = login(ev.edu_liaison)
    assert client.get(reverse("evidence:upload") + f"?requirement={ev.req_shitang.pk}").status_code == 200
    response = client.post(
        reverse("evidence:upload") + f"?campaign={ev.campaign.pk}",
        {
            "campaign": ev.campaign.pk,
            "requirement": ev.req_shitang.pk,
            "files": [upload("一.docx", docx_bytes(*SHITANG)), upload("二.pdf", pdf_bytes())],
        },
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 200, response.content
    assert len(response.json()["materials"]) == 2
    assert Material.objects.filter(unit=ev.edu).count() == 2


def test_a_bad_upload_answers_with_the_files_name(ev, login):
    client = login(ev.edu_liaison)
    response = client.post(
        reverse("evidence:upload"),
        {
            "campaign": ev.campaign.pk,
            "files": [upload("好.docx", docx_bytes("a")), upload("坏.pdf", b"<svg/>")],
        },
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 400
    assert response.json()["errors"][0].startswith("文件“坏.pdf”的类型不受支持")
    assert Material.objects.count() == 0


def test_detail_review_and_resubmit_through_the_page(ev, login):
    m = file_one(ev, ev.edu_liaison, "清单.docx", docx_bytes(*SHITANG), ev.req_shitang)
    office = login(ev.office_user)
    page = office.get(m.get_absolute_url())
    assert page.status_code == 200 and "审核" in page.content.decode()
    response = office.post(
        m.get_absolute_url(),
        {"action": "review", "decision": "return", "reason": "缺少盖章", "edit_version": m.version},
    )
    assert response.status_code == 302
    stale = office.post(
        m.get_absolute_url(), {"action": "review", "decision": "approve", "edit_version": m.version}
    )
    assert stale.status_code == 409
    unit = login(ev.edu_liaison)
    page = unit.get(m.get_absolute_url()).content.decode()
    assert "缺少盖章" in page and "审核结论" not in page
    m.refresh_from_db()
    response = unit.post(
        m.get_absolute_url(),
        {"action": "version", "edit_version": m.version, "file": upload("清单-盖章.pdf", pdf_bytes("v2"))},
    )
    assert response.status_code == 302
    m.refresh_from_db()
    assert m.status == "pending" and m.files.count() == 2


def test_files_download_only_inside_scope(ev, login, client):
    m = file_one(ev, ev.edu_liaison, "清单.docx", docx_bytes(*SHITANG), ev.req_shitang)
    url = reverse("evidence:file_download", args=[m.current_id])
    response = login(ev.edu_liaison).get(url)
    assert response.status_code == 200
    assert (
        response["Content-Disposition"].startswith("attachment;")
        and "nosniff" == response["X-Content-Type-Options"]
    )
    assert b"".join(response.streaming_content) == docx_bytes(*SHITANG)
    for outsider in (ev.market_liaison, ev.other_liaison, ev.other_office_user, ev.expert):
        assert login(outsider).get(url).status_code == 404, outsider
    assert login(ev.leader).get(url).status_code == 200


def test_pdf_preview_is_inline_but_sandboxed(ev, login):
    m = file_one(ev, ev.edu_liaison, "扫描件.pdf", pdf_bytes(), ev.req_shitang)
    response = login(ev.office_user).get(reverse("evidence:file_download", args=[m.current_id]) + "?inline=1")
    assert response["Content-Disposition"].startswith("inline;")
    assert "sandbox" in response["Content-Security-Policy"]


def test_pages_of_other_county_materials_are_404(ev, login):
    (other,) = services.upload_materials(
        ev.other_campaign, [upload("a.docx", docx_bytes("a"))], actor=ev.other_liaison
    )
    client = login(ev.office_user)
    assert client.get(other.get_absolute_url()).status_code == 404
    assert (
        client.post(
            other.get_absolute_url(), {"action": "review", "decision": "approve", "edit_version": 1}
        ).status_code
        == 404
    )
    assert client.get(reverse("evidence:matrix") + f"?campaign={ev.other_campaign.pk}").status_code == 404


def test_the_queue_shows_pending_materials_oldest_first(ev, login):
    first = file_one(ev, ev.edu_liaison, "先.docx", docx_bytes("先"), ev.req_shitang)
    second = file_one(ev, ev.office_user, "后.docx", docx_bytes("后"), ev.req_kaohe)
    done = file_one(ev, ev.office_user, "已审.docx", docx_bytes("已审"), ev.req_kaohe)
    services.approve_material(done, actor=ev.office_user, expected_version=done.version)
    response = login(ev.office_user).get(reverse("evidence:queue"))
    assert [r.record.pk for r in response.context["table"].rows] == [first.pk, second.pk]
    assert login(ev.edu_liaison).get(reverse("evidence:queue")).status_code == 403
    queue_link = f'href="{reverse("evidence:queue")}"'
    assert queue_link in login(ev.office_user).get(reverse("evidence:material_list")).content.decode()
    for user in (ev.edu_liaison, ev.leader):
        assert queue_link not in login(user).get(reverse("evidence:material_list")).content.decode()


def test_matrix_page_shows_statuses_and_points_in_bounded_queries(ev, login, django_assert_max_num_queries):
    file_one(ev, ev.office_user, "考核办法.docx", docx_bytes(*KAOHE), ev.req_kaohe)
    client = login(ev.office_user)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("evidence:matrix"))
    assert response.status_code == 200
    cells = {c.requirement.name: (c.status, c.points) for c in response.context["matrix"]["cells"]}
    assert {k: v[0] for k, v in cells.items()} == {
        "党政领导干部考核办法": "uploaded",
        "学校食堂食品安全责任清单": "missing",
        "食品抽检计划及抽检结果通报": "missing",
    }
    assert str(response.context["matrix"]["points_at_stake"]) == "11.00"
    assert client.get(reverse("evidence:matrix") + "?view=unit").status_code == 200
    assert client.get(reverse("evidence:requirement_list")).status_code == 200


def test_search_page_highlights_the_passage(ev, login):
    file_one(ev, ev.edu_liaison, "清单.docx", docx_bytes(*SHITANG), ev.req_shitang)
    page = login(ev.office_user).get(reverse("evidence:search") + "?q=陪餐").content.decode()
    assert "落实校长<mark>陪餐</mark>制度" in page
    assert (
        "<mark>"
        not in login(ev.other_office_user).get(reverse("evidence:search") + "?q=陪餐").content.decode()
    )


def test_the_archive_streams_a_zip_with_the_index(ev, login):
    m = file_one(ev, ev.edu_liaison, "清单.docx", docx_bytes(*SHITANG), ev.req_shitang)
    services.approve_material(m, actor=ev.office_user, expected_version=m.version)
    client = login(ev.office_user)
    assert client.get(reverse("evidence:archive")).status_code == 200
    response = client.post(reverse("evidence:archive"), {"campaign": ev.campaign.pk, "only_approved": "on"})
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    zf = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert zf.namelist() == ["01-基础工作/1 党政同责/001-清单.docx", "目录.xlsx", "目录.docx"]
    response = client.post(reverse("evidence:archive"), {"campaign": ev.campaign.pk, "background": "1"})
    assert response.status_code == 302 and "/core/jobs/" in response["Location"]


@pytest.mark.parametrize("user", ["other_office_user", "other_liaison"])
def test_the_archive_of_another_county_is_refused(ev, login, user):
    response = login(getattr(ev, user)).post(reverse("evidence:archive"), {"campaign": ev.campaign.pk})
    assert response.status_code == 400  # the campaign is not among the user's choices


def test_the_user_confirms_a_suggested_requirement_on_the_page(ev, login):
    m = file_one(ev, ev.edu_liaison, "2025年工作.docx", docx_bytes(*SHITANG))
    assert m.suggestions[0]["requirement"] == ev.req_shitang.pk
    client = login(ev.edu_liaison)
    assert "系统推荐的材料要求" in client.get(m.get_absolute_url()).content.decode()
    response = client.post(
        m.get_absolute_url(),
        {"action": "assign", "requirement": ev.req_shitang.pk, "edit_version": m.version},
    )
    assert response.status_code == 302
    m.refresh_from_db()
    assert (m.requirement, m.item) == (ev.req_shitang, ev.items[1])
    assert client.post(m.get_absolute_url(), {"action": "assign", "requirement": "x"}).status_code == 404


def test_the_unit_sees_the_return_reason_in_its_list_and_export(ev, login):
    from python_calamine import CalamineWorkbook

    m = file_one(ev, ev.edu_liaison, "清单.docx", docx_bytes(*SHITANG), ev.req_shitang)
    services.return_material(m, "缺少校长签字页<请补>", actor=ev.office_user, expected_version=m.version)
    client = login(ev.edu_liaison)
    page = client.get(reverse("evidence:material_list")).content.decode()
    assert 'return-reason" title="缺少校长签字页&lt;请补&gt;">缺少校长签字页&lt;请补&gt;</div>' in page
    response = client.get(reverse("evidence:material_list") + "?export=xlsx")
    data = b"".join(response.streaming_content)
    rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    status_col = rows[0].index("审核状态")
    assert [r[status_col] for r in rows[1:]] == ["已退回：缺少校长签字页<请补>"]
