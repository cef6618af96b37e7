import pytest

from shian.reports import services
from shian.reports.models import Document


@pytest.fixture
def circular(cast, dispatch_round):
    return services.create_document(cast.campaign, "circular", actor=cast.office_user, round=dispatch_round)


def test_list_page_queries_are_bounded(cast, login, dispatch_round, django_assert_max_num_queries):
    for _ in range(6):
        doc = services.create_document(
            cast.campaign, "circular", actor=cast.office_user, round=dispatch_round
        )
        services.generate_document(doc, actor=cast.office_user, pdf=False)
    client = login(cast.office_user)
    with django_assert_max_num_queries(15):
        r = client.get("/reports/")
    assert r.status_code == 200 and r.content.decode().count("关于2026年5月创建工作调度情况的通报") == 6


def test_list_exports_xlsx(cast, login, circular):
    r = login(cast.office_user).get("/reports/?export=xlsx")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxml")


def test_office_drafts_through_the_form(cast, login, dispatch_round):
    r = login(cast.office_user).post(
        "/reports/add/", {"campaign": cast.campaign.pk, "kind": "circular", "round": dispatch_round.pk}
    )
    doc = Document.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/reports/{doc.pk}/"
    assert doc.created_by == cast.office_user and doc.issue_no == 1


def test_form_names_the_missing_round(cast, login):
    r = login(cast.office_user).post("/reports/add/", {"campaign": cast.campaign.pk, "kind": "circular"})
    assert r.status_code == 400 and "调度通报须选择调度轮次" in r.content.decode()


def test_detail_previews_and_saves_words(cast, login, circular):
    client = login(cast.office_user)
    page = client.get(f"/reports/{circular.pk}/").content.decode()
    assert "本轮调度应报送单位3个，按时报送1个" in page and 'data-section="requirements"' in page
    r = client.post(
        f"/reports/{circular.pk}/",
        {
            "edit_version": circular.version,
            "title": "关于5月调度的通报",
            "issued_on": "2026-06-01",
            "s_intro": "开头",
            "s_requirements": "一是补报。",
        },
    )
    assert r.status_code == 302
    circular.refresh_from_db()
    assert circular.title == "关于5月调度的通报" and circular.narrative["requirements"] == "一是补报。"
    stale = client.post(
        f"/reports/{circular.pk}/",
        {"edit_version": circular.version - 1, "title": "x", "issued_on": "2026-06-01"},
    )
    assert stale.status_code == 409 and "已被他人修改" in stale.content.decode()


def test_generate_and_download(cast, login, circular):
    client = login(cast.office_user)
    assert client.post(f"/reports/{circular.pk}/generate/").status_code == 302
    f = circular.files.get()
    r = client.get(f"/reports/files/{f.pk}.docx")
    assert r.status_code == 200 and r["X-Content-Type-Options"] == "nosniff"
    assert b"".join(r.streaming_content)[:2] == b"PK"
    assert client.get(f"/reports/files/{f.pk}.pdf").status_code == 404  # generated without PDF
    draft = client.get(f"/reports/{circular.pk}/draft.docx")
    assert draft.status_code == 200 and draft.content[:2] == b"PK"


def test_leader_reads_but_cannot_edit(cast, login, circular):
    client = login(cast.leader)
    page = client.get(f"/reports/{circular.pk}/")
    assert page.status_code == 200 and "保存文字并刷新预览" not in page.content.decode()
    assert client.post(f"/reports/{circular.pk}/generate/").status_code == 403
    assert client.post(f"/reports/{circular.pk}/", {"title": "x"}).status_code == 403
    assert client.get("/reports/add/").status_code == 403


def test_detail_page_queries_are_bounded(cast, login, circular, django_assert_max_num_queries):
    for _ in range(3):
        services.generate_document(circular, actor=cast.office_user, pdf=False)
    client = login(cast.office_user)
    with django_assert_max_num_queries(30):
        r = client.get(f"/reports/{circular.pk}/")
    assert r.status_code == 200 and r.content.decode().count("reports/files/") == 3


def test_list_shows_dates_the_chinese_way(cast, login, circular):
    page = login(cast.office_user).get("/reports/").content.decode()
    assert circular.issued_on.strftime("%Y-%m-%d") in page
    assert circular.issued_on.strftime("%m/%d/%Y") not in page
