"""Pages, the .docx portfolio and the API of 示范引领."""

import io

import docx

from shian.showcase.models import Project
from shian.showcase.testing import make_project


def test_the_office_creates_a_project_and_the_unit_works_it_through_the_pages(cast, login):
    office = login(cast.office_user)
    r = office.post(
        "/showcase/add/",
        {
            "campaign": cast.campaign.pk,
            "title": "校园食安守护",
            "direction": "highlight",
            "lead_unit": cast.edu.pk,
        },
    )
    assert r.status_code == 302, r.content.decode()[:3000]
    p = Project.objects.get(title="校园食安守护")
    unit = login(cast.edu_liaison)
    r = unit.post(f"/showcase/{p.pk}/submit/", {"edit_version": p.version})
    assert r.status_code == 400 and "尚未填写" in r.content.decode()
    assert (
        unit.post(f"/showcase/{p.pk}/milestone/", {"title": "方案印发", "due_on": "2026-02-01"}).status_code
        == 302
    )
    m = p.milestones.get()
    assert (
        unit.post(f"/showcase/{p.pk}/complete/", {"milestone": m.pk, "done_on": "2026-02-03"}).status_code
        == 302
    )
    page = unit.get(f"/showcase/{p.pk}/").content.decode()
    assert "已完成 2026-02-03" in page and "提交审核" in page
    progress = office.get(f"/showcase/progress/?campaign={cast.campaign.pk}").content.decode()
    assert "校园食安守护" in progress and "1/1" in progress


def test_the_portfolio_docx_holds_every_project_with_its_texts(cast, login):
    make_project(cast.campaign, cast.edu, "智慧食安", complete=True)
    make_project(cast.other_campaign, cast.other_edu, "盐亭项目", complete=True)
    r = login(cast.office_user).get(f"/showcase/portfolio.docx?campaign={cast.campaign.pk}")
    assert r.status_code == 200
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(r.content)).paragraphs)
    assert "智慧食安" in text and "主要做法" in text and "盐亭项目" not in text
    assert (
        login(cast.office_user).get(f"/showcase/portfolio.docx?campaign={cast.other_campaign.pk}").status_code
        == 404
    )


def test_the_list_page_is_bounded_in_queries(cast, login, django_assert_max_num_queries):
    for i in range(5):
        make_project(cast.campaign, cast.edu, f"项目{i}")
    client = login(cast.office_user)
    with django_assert_max_num_queries(15):
        page = client.get("/showcase/").content.decode()
    assert "项目4" in page


def test_the_api_submits_and_reviews(cast, api):
    p = make_project(cast.campaign, cast.edu, complete=True)
    r = api(cast.edu_liaison).post(
        f"/api/showcase-projects/{p.pk}/submit/", {"version": p.version}, format="json"
    )
    assert r.status_code == 200 and r.json()["status"] == "submitted"
    r = api(cast.edu_liaison).post(
        f"/api/showcase-projects/{p.pk}/review/",
        {"version": r.json()["version"], "approve": True},
        format="json",
    )
    assert r.status_code == 403
    p.refresh_from_db()
    r = api(cast.office_user).post(
        f"/api/showcase-projects/{p.pk}/review/",
        {"version": p.version, "approve": False, "comment": "补充成效数据"},
        format="json",
    )
    assert r.status_code == 200 and r.json()["status"] == "returned"
