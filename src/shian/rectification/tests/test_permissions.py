import io

import openpyxl

from shian.rectification import services
from shian.rectification.models import Problem
from shian.rectification.tests.test_services import make_problem


def _other_problem(cast):
    return services.create_problem(
        cast.other_campaign, actor=cast.other_office_user, description="盐亭问题", unit=cast.other_edu
    )


def test_other_county_problem_is_unreachable(cast, login, api):
    other = _other_problem(cast)
    client = login(cast.office_user)
    for url in (f"/rectification/{other.pk}/", f"/rectification/{other.pk}/edit/"):
        assert client.get(url).status_code == 404
    assert (
        client.post(f"/rectification/{other.pk}/verify/", {"method": "onsite", "note": "x"}).status_code
        == 404
    )
    assert "盐亭问题" not in client.get("/rectification/").content.decode()
    make_problem(cast, description="三台问题")
    for export in ("xlsx", "ledger"):
        response = client.get(f"/rectification/?export={export}")
        data = b"".join(response.streaming_content) if response.streaming else response.content
        cells = {c.value for row in openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows() for c in row}
        assert "三台问题" in cells and "盐亭问题" not in cells
    a = api(cast.office_user)
    assert a.get(f"/api/problems/{other.pk}/").status_code == 404
    assert a.post(f"/api/problems/{other.pk}/verify/", {"method": "onsite", "note": "x"}).status_code == 404
    # The other county's campaign and unit are not among the office's choices.
    resp = a.post(
        "/api/problems/",
        {"campaign": cast.other_campaign.pk, "description": "越权", "unit": cast.other_edu.pk},
        format="json",
    )
    assert resp.status_code == 400 and {"campaign", "unit"} <= set(resp.json())


def test_units_see_only_their_own_problems(cast, login, api):
    mine = make_problem(cast)
    theirs = make_problem(cast, unit=cast.market, description="市场监管局的问题")
    client = login(cast.edu_liaison)
    assert client.get(f"/rectification/{mine.pk}/").status_code == 200
    assert client.get(f"/rectification/{theirs.pk}/").status_code == 404
    assert client.post(f"/rectification/{theirs.pk}/progress/", {"text": "x"}).status_code == 404
    assert "市场监管局的问题" not in client.get("/rectification/").content.decode()
    ids = {p["id"] for p in api(cast.edu_liaison).get("/api/problems/").json()["results"]}
    assert ids == {mine.pk}
    assert client.get(f"/rectification/{mine.pk}/edit/").status_code == 403


def test_leader_reads_but_cannot_act(cast, login, api):
    p = make_problem(cast)
    assert login(cast.leader).get(f"/rectification/{p.pk}/").status_code == 200
    assert login(cast.leader).post(f"/rectification/{p.pk}/progress/", {"text": "x"}).status_code == 404
    assert api(cast.leader).post(f"/api/problems/{p.pk}/progress/", {"text": "x"}).status_code == 404
    assert (
        api(cast.leader).patch(f"/api/problems/{p.pk}/", {"person": "x", "version": p.version}).status_code
        == 403
    )


def test_expert_sees_no_problems(cast, api):
    make_problem(cast)
    assert api(cast.expert).get("/api/problems/").json()["results"] == []
    assert Problem.objects.restrict(cast.expert).count() == 0


def test_problem_cannot_cite_the_other_countys_scoring_items(cast, api):
    client = api(cast.office_user)
    response = client.post(
        "/api/problems/",
        {
            "campaign": cast.campaign.pk,
            "description": "越权评分项",
            "unit": cast.edu.pk,
            "items": [cast.other_framework.test_items[0].pk],
        },
        format="json",
    )
    assert response.status_code == 400
    assert "对象不存在" in response.json()["items"][0]  # not even among the choices
    assert not Problem.objects.filter(description="越权评分项").exists()
    p = make_problem(cast)
    response = client.patch(
        f"/api/problems/{p.pk}/",
        {"items": [cast.other_framework.test_items[0].pk], "version": p.version},
        format="json",
    )
    assert response.status_code == 400
    assert list(p.items.all()) == []
