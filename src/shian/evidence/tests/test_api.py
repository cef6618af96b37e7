from shian.evidence import services
from shian.evidence.models import Material
from shian.evidence.tasks import extract_material
from shian.evidence.tests.factories import SHITANG, docx_bytes, upload

URL = "/api/evidence/materials/"


def file_one(campaign, actor, requirement=None, name="清单.docx"):
    (m,) = services.upload_materials(campaign, [upload(name, docx_bytes(*SHITANG))], actor=actor,
                                     requirement=requirement)
    extract_material(m.pk)
    return Material.objects.get(pk=m.pk)


def test_the_list_is_scoped(ev, api):
    mine = file_one(ev.campaign, ev.edu_liaison, ev.req_shitang)
    file_one(ev.other_campaign, ev.other_liaison)
    assert [r["id"] for r in api(ev.edu_liaison).get(URL).json()["results"]] == [mine.pk]
    assert [r["id"] for r in api(ev.office_user).get(URL).json()["results"]] == [mine.pk]
    assert api(ev.market_liaison).get(URL).json()["results"] == []
    assert api(ev.other_office_user).get(f"{URL}{mine.pk}/").status_code == 404


def test_upload_through_the_api(ev, api):
    response = api(ev.edu_liaison).post(URL, {"campaign": ev.campaign.pk, "requirement": ev.req_shitang.pk,
                                              "files": [upload("a.docx", docx_bytes("a")), upload("b.docx",
                                                                                                  docx_bytes("b"))]},
                                        format="multipart")
    assert response.status_code == 201, response.content
    assert [r["title"] for r in response.json()] == ["a", "b"]
    bad = api(ev.edu_liaison).post(URL, {"campaign": ev.other_campaign.pk, "files": [upload("a.docx", docx_bytes("a"))]},
                                   format="multipart")
    assert bad.status_code == 404
    assert api(ev.leader).post(URL, {"campaign": ev.campaign.pk, "files": [upload("a.docx", docx_bytes("a"))]},
                               format="multipart").status_code == 403


def test_review_through_the_api_refuses_stale_versions(ev, api):
    m = file_one(ev.campaign, ev.edu_liaison, ev.req_shitang)
    client = api(ev.office_user)
    response = client.post(f"{URL}{m.pk}/return/", {"version": m.version, "reason": "缺少附件"})
    assert response.status_code == 200 and response.json()["status"] == "returned"
    assert client.post(f"{URL}{m.pk}/approve/", {"version": m.version}).status_code == 409
    assert client.post(f"{URL}{m.pk}/approve/", {"version": m.version + 1}).status_code == 400  # not pending
    assert api(ev.edu_liaison).post(f"{URL}{m.pk}/approve/", {"version": m.version + 1}).status_code == 403
    assert api(ev.other_office_user).post(f"{URL}{m.pk}/approve/", {"version": m.version + 1}).status_code == 404


def test_search_through_the_api(ev, api):
    file_one(ev.campaign, ev.edu_liaison, ev.req_shitang)
    hits = api(ev.office_user).get(f"{URL}search/", {"q": "陪餐"}).json()
    assert len(hits) == 1 and "<mark>陪餐</mark>" in hits[0]["passage"]
    assert api(ev.other_office_user).get(f"{URL}search/", {"q": "陪餐"}).json() == []


def test_review_accepts_json(ev, api):
    m = file_one(ev.campaign, ev.edu_liaison, ev.req_shitang)
    response = api(ev.office_user).post(f"{URL}{m.pk}/approve/", {"version": m.version}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "approved"
