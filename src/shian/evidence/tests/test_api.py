from shian.evidence import services
from shian.evidence.models import Material
from shian.evidence.tasks import extract_material
from shian.evidence.tests.factories import SHITANG, docx_bytes, upload

URL = "/api/evidence/materials/"


def file_one(campaign, actor, requirement=None, name="清单.docx"):
    (m,) = services.upload_materials(
        campaign, [upload(name, docx_bytes(*SHITANG))], actor=actor, requirement=requirement
    )
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
    response = api(ev.edu_liaison).post(
        URL,
        {
            "campaign": ev.campaign.pk,
            "requirement": ev.req_shitang.pk,
            "files": [upload("a.docx", docx_bytes("a")), upload("b.docx", docx_bytes("b"))],
        },
        format="multipart",
    )
    assert response.status_code == 201, response.content
    assert [r["title"] for r in response.json()] == ["a", "b"]
    bad = api(ev.edu_liaison).post(
        URL,
        {"campaign": ev.other_campaign.pk, "files": [upload("a.docx", docx_bytes("a"))]},
        format="multipart",
    )
    assert bad.status_code == 404
    assert (
        api(ev.leader)
        .post(
            URL,
            {"campaign": ev.campaign.pk, "files": [upload("a.docx", docx_bytes("a"))]},
            format="multipart",
        )
        .status_code
        == 403
    )


def test_review_through_the_api_refuses_stale_versions(ev, api):
    m = file_one(ev.campaign, ev.edu_liaison, ev.req_shitang)
    client = api(ev.office_user)
    response = client.post(f"{URL}{m.pk}/return/", {"version": m.version, "reason": "缺少附件"})
    assert response.status_code == 200 and response.json()["status"] == "returned"
    assert client.post(f"{URL}{m.pk}/approve/", {"version": m.version}).status_code == 409
    assert client.post(f"{URL}{m.pk}/approve/", {"version": m.version + 1}).status_code == 400  # not pending
    assert api(ev.edu_liaison).post(f"{URL}{m.pk}/approve/", {"version": m.version + 1}).status_code == 403
    assert (
        api(ev.other_office_user).post(f"{URL}{m.pk}/approve/", {"version": m.version + 1}).status_code == 404
    )


def test_search_through_the_api(ev, api):
    file_one(ev.campaign, ev.edu_liaison, ev.req_shitang)
    hits = api(ev.office_user).get(f"{URL}search/", {"q": "陪餐"}).json()
    assert len(hits) == 1 and "<mark>陪餐</mark>" in hits[0]["passage"]
    assert api(ev.other_office_user).get(f"{URL}search/", {"q": "陪餐"}).json() == []


def test_review_accepts_json(ev, api):
    m = file_one(ev.campaign, ev.edu_liaison, ev.req_shitang)
    response = api(ev.office_user).post(f"{URL}{m.pk}/approve/", {"version": m.version}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "approved"


def test_the_unit_fixes_a_returned_material_through_the_api(ev, api):
    m = file_one(ev.campaign, ev.edu_liaison, ev.req_shitang)
    returned = (
        api(ev.office_user).post(f"{URL}{m.pk}/return/", {"version": m.version, "reason": "缺少盖章"}).json()
    )
    unit = api(ev.edu_liaison)
    assert (
        unit.patch(
            f"{URL}{m.pk}/", {"version": m.version, "doc_number": "安教〔2025〕9号"}, format="json"
        ).status_code
        == 409
    )
    edited = unit.patch(
        f"{URL}{m.pk}/", {"version": returned["version"], "doc_number": "安教〔2025〕9号"}, format="json"
    )
    assert edited.status_code == 200, edited.content
    assert (edited.json()["status"], edited.json()["doc_number"]) == ("pending", "安教〔2025〕9号")
    response = unit.post(
        f"{URL}{m.pk}/versions/",
        {
            "version": edited.json()["version"],
            "file": upload("盖章版.docx", docx_bytes(*SHITANG, "（盖章）")),
        },
        format="multipart",
    )
    assert response.status_code == 201, response.content
    assert response.json()["current"]["number"] == 2 and Material.objects.get(pk=m.pk).files.count() == 2
    blank = unit.patch(f"{URL}{m.pk}/", {"version": response.json()["version"], "title": " "}, format="json")
    assert blank.status_code == 400 and blank.json() == {"title": ["该字段不能为空。"]}


def test_another_unit_or_county_cannot_fix_the_material(ev, api):
    m = file_one(ev.campaign, ev.edu_liaison, ev.req_shitang)
    for user, expected in ((ev.market_liaison, 404), (ev.other_office_user, 404), (ev.leader, 403)):
        client = api(user)
        assert (
            client.patch(f"{URL}{m.pk}/", {"version": m.version, "title": "改"}, format="json").status_code
            == expected
        )
        assert (
            client.post(
                f"{URL}{m.pk}/versions/",
                {"version": m.version, "file": upload("x.docx", docx_bytes("x"))},
                format="multipart",
            ).status_code
            == expected
        )
        assert (
            client.post(
                f"{URL}{m.pk}/assign/", {"version": m.version, "requirement": ev.req_kaohe.pk}
            ).status_code
            == expected
        )
    assert Material.objects.get(pk=m.pk).title == "清单"


def test_the_unit_confirms_a_suggested_requirement_through_the_api(ev, api):
    m = file_one(ev.campaign, ev.edu_liaison)
    assert m.suggestions[0]["requirement"] == ev.req_shitang.pk
    response = api(ev.edu_liaison).post(
        f"{URL}{m.pk}/assign/", {"version": m.version, "requirement": m.suggestions[0]["requirement"]}
    )
    assert response.status_code == 200, response.content
    assert (response.json()["requirement"], response.json()["item"]) == (ev.req_shitang.pk, ev.items[1].pk)
    other_framework = api(ev.edu_liaison).post(
        f"{URL}{m.pk}/assign/",
        {
            "version": response.json()["version"],
            "requirement": ev.other_campaign.framework.categories.first()
            .indicators.first()
            .items.first()
            .materials.first()
            .pk,
        },
    )
    assert other_framework.status_code == 400 and "requirement" in other_framework.json()


def test_the_matrix_through_the_api(ev, api):
    m = file_one(ev.campaign, ev.edu_liaison, ev.req_shitang)
    services.approve_material(m, actor=ev.office_user, expected_version=m.version)
    body = api(ev.office_user).get(f"{URL}matrix/", {"campaign": ev.campaign.pk}).json()
    assert body["totals"] == {"missing": 2, "uploaded": 0, "approved": 1, "returned": 0, "out_of_period": 0}
    assert [(c["name"], c["status"], c["materials"]) for c in body["cells"]] == [
        ("党政领导干部考核办法", "missing", []),
        ("学校食堂食品安全责任清单", "approved", [m.pk]),
        ("食品抽检计划及抽检结果通报", "missing", []),
    ]
    mine = api(ev.edu_liaison).get(f"{URL}matrix/", {"campaign": ev.campaign.pk}).json()
    assert mine["complete"] is True and [c["status"] for c in mine["cells"]] == ["approved"]
    assert api(ev.other_office_user).get(f"{URL}matrix/", {"campaign": ev.campaign.pk}).status_code == 404
    assert api(ev.office_user).get(f"{URL}matrix/", {"campaign": "x"}).status_code == 400
