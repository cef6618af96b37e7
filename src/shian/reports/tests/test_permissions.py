"""The other county's documents and files are unreachable by page, download and API (404)."""

import pytest

from shian.reports import services


@pytest.fixture
def theirs(cast, other_round):
    doc = services.create_document(
        cast.other_campaign, "circular", actor=cast.other_office_user, round=other_round
    )
    f = services.generate_document(doc, actor=cast.other_office_user, pdf=False)
    return doc, f


@pytest.mark.parametrize("who", ["office_user", "leader", "edu_liaison", "expert"])
def test_other_countys_document_is_404(cast, login, api, theirs, who):
    doc, f = theirs
    user = getattr(cast, who)
    client = login(user)
    for url in (f"/reports/{doc.pk}/", f"/reports/{doc.pk}/draft.docx", f"/reports/files/{f.pk}.docx"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/reports/{doc.pk}/generate/").status_code == 404
    c = api(user)
    assert c.get(f"/api/documents/{doc.pk}/").status_code == 404
    assert c.get(f"/api/documents/{doc.pk}/render/").status_code == 404
    assert c.get(f"/api/document-files/{f.pk}/download/").status_code == 404
    assert (
        c.get("/api/documents/").json()["results"] == []
        if "results" in c.get("/api/documents/").json()
        else c.get("/api/documents/").json() == []
    )


def test_units_see_no_documents(cast, login, dispatch_round):
    services.create_document(cast.campaign, "circular", actor=cast.office_user, round=dispatch_round)
    r = login(cast.edu_liaison).get("/reports/")
    assert r.status_code == 200 and "关于2026年5月" not in r.content.decode()


def test_api_cannot_draft_for_another_county(cast, api, other_round):
    r = api(cast.office_user).post(
        "/api/documents/",
        {"campaign": cast.other_campaign.pk, "kind": "circular", "round": other_round.pk},
        format="json",
    )
    assert r.status_code in (400, 403)
    from shian.reports.models import Document

    assert not Document.objects.exists()


def test_api_does_not_reveal_another_countys_round(cast, api, other_round):
    r = api(cast.office_user).post(
        "/api/documents/",
        {"campaign": cast.campaign.pk, "kind": "circular", "round": other_round.pk},
        format="json",
    )
    assert r.status_code == 400 and list(r.json()) == ["round"] and "对象不存在" in r.json()["round"][0]
