"""Who sees and changes 示范引领 projects: office its county, leader reads, the lead unit its own,
other units and the other county nothing — pages, files, docx and API."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from shian.showcase import services
from shian.showcase.models import Project
from shian.showcase.testing import make_project


@pytest.fixture
def rows(cast):
    mine = make_project(cast.campaign, cast.edu, "教育局项目")
    services.add_file(
        mine, actor=cast.office_user, upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4 x"), kind="evidence"
    )
    return {
        "mine": mine,
        "market": make_project(cast.campaign, cast.market, "市场局项目"),
        "other": make_project(cast.other_campaign, cast.other_edu, "盐亭项目"),
    }


def names(user, action="view"):
    return set(Project.objects.restrict(user, action).values_list("title", flat=True))


def test_office_leader_and_units(cast, rows):
    assert names(cast.office_user) == names(cast.leader) == {"教育局项目", "市场局项目"}
    assert names(cast.leader, "change") == set()
    assert names(cast.edu_liaison) == names(cast.edu_liaison, "change") == {"教育局项目"}
    assert names(cast.town_liaison) == names(cast.expert) == set()
    assert names(cast.other_office_user) == {"盐亭项目"}


def test_the_other_county_and_other_units_cannot_reach_ours(cast, rows, login, api):
    mine = rows["mine"]
    f = mine.files.get()
    for user in (cast.other_office_user, cast.market_liaison):
        client = login(user)
        for url in (
            f"/showcase/{mine.pk}/",
            f"/showcase/{mine.pk}/edit/",
            f"/showcase/files/{f.pk}/",
            f"/core/audit/showcase/project/{mine.pk}/",
        ):
            assert client.get(url).status_code == 404, (user, url)
        assert (
            client.post(f"/showcase/{mine.pk}/milestone/", {"title": "x", "due_on": "2026-01-01"}).status_code
            == 404
        )
        assert api(user).get(f"/api/showcase-projects/{mine.pk}/").status_code == 404
        assert (
            api(user)
            .post(f"/api/showcase-projects/{mine.pk}/submit/", {"version": 1}, format="json")
            .status_code
            == 404
        )
    assert login(cast.edu_liaison).get(f"/showcase/files/{f.pk}/").status_code == 200
    r = login(cast.other_office_user).get(f"/showcase/portfolio.docx?campaign={cast.campaign.pk}")
    assert r.status_code == 404
    r = api(cast.other_office_user).post(
        "/api/showcase-projects/",
        {"campaign": cast.campaign.pk, "title": "x", "direction": "highlight", "lead_unit": cast.edu.pk},
        format="json",
    )
    assert r.status_code in (400, 403) and not Project.objects.filter(title="x").exists()


def test_units_cannot_create_projects(cast, login):
    assert login(cast.edu_liaison).get("/showcase/add/").status_code == 403
