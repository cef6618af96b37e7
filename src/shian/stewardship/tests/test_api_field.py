"""包保 API for a phone client: the round, a 五步法 visit with photos, findings into problems, the signed
commitment and its documents, the rule checks and the quarter's summary — scoped as the pages."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from shian.inspections.tests.test_browser import png
from shian.organisation.choices import Role
from shian.rectification.models import Problem
from shian.registry.testing import make_business
from shian.stewardship.models import Binding, Cadre, Commitment, StewardVisit
from shian.testing import make_user

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def w(cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    user = make_user("cun", cast.town_unit, Role.LIAISON, "李村干")
    mine = Cadre.objects.create(
        name="李村干", level="village", region=cast.town, unit=cast.town_unit, phone="13800000061", user=user
    )
    other = Cadre.objects.create(name="邻村干", level="village", region=cast.town, phone="13800000062")
    b_mine = make_business(cast.town, 1, baobao_level="village", name="我的面馆")
    b_other = make_business(cast.town, 2, baobao_level="village", name="邻村超市")
    Binding.objects.create(cadre=mine, business=b_mine)
    Binding.objects.create(cadre=other, business=b_other)
    return {"cast": cast, "user": user, "mine": mine, "other": other, "b_mine": b_mine, "b_other": b_other}


def _visit(api, w, **extra):
    body = {
        "cadre": w["mine"].pk,
        "business": w["b_mine"].pk,
        "look": "fail",
        "look_note": "许可证未公示",
        "problems": "后厨地面积水",
        "feedback": "限三日内整改",
        "latitude": "31.094800",
        "longitude": "105.093500",
        "photos1": SimpleUploadedFile("licence.png", png(), content_type="image/png"),
        **extra,
    }
    return api(w["user"]).post("/api/stewardship/visits/", body, format="multipart")


def test_the_cadre_records_a_visit_with_photos_and_the_office_turns_findings_into_problems(api, w):
    r = _visit(api, w)
    assert r.status_code == 201, r.json()
    data = r.json()
    assert data["licences_shown"] is False and data["visited_on"] == timezone.localdate().isoformat()
    assert [f["text"] for f in data["findings"]] == ["证照公示不符合：许可证未公示", "后厨地面积水"]
    assert Problem.objects.count() == 0  # a township liaison's cadre: the office converts them
    photo_url = data["photos"][0]["url"]
    got = api(w["user"]).get(photo_url)
    assert got.status_code == 200 and b"".join(got.streaming_content).startswith(b"\x89PNG")
    cast = w["cast"]
    assert api(cast.other_office_user).get(photo_url).status_code == 404
    assert api(cast.other_office_user).get(f"/api/stewardship/visits/{data['id']}/").status_code == 404

    url = f"/api/stewardship/visits/{data['id']}/problems/"
    assert api(w["user"]).post(url).status_code == 403
    r = api(cast.office_user).post(url)
    assert r.status_code == 201 and all(f["problem"] for f in r.json())
    assert Problem.objects.count() == 2


def test_a_visit_is_refused_outside_the_cadres_businesses_and_names_the_field(api, w):
    cast = w["cast"]
    r = _visit(api, w, business=w["b_other"].pk)
    assert r.status_code == 400 and "business" in r.json()
    r = _visit(api, w, look_note="")
    assert r.status_code == 400 and "请写明情况" in str(r.json())
    r = _visit(api, w, visited_on=(timezone.localdate() + datetime.timedelta(days=1)).isoformat())
    assert r.status_code == 400 and "visited_on" in r.json()
    r = api(w["user"]).post(
        "/api/stewardship/visits/", {"cadre": w["other"].pk, "business": w["b_other"].pk}, format="json"
    )
    assert r.status_code == 400 and "cadre" in r.json()  # not this account's cadre
    r = api(cast.other_office_user).post(
        "/api/stewardship/visits/", {"cadre": w["mine"].pk, "business": w["b_mine"].pk}, format="json"
    )
    assert r.status_code == 400 and "cadre" in r.json()
    assert api(cast.leader).post("/api/stewardship/visits/", {}, format="json").status_code == 403
    assert not StewardVisit.objects.exists()


def test_a_follow_up_through_json_closes_the_earlier_finding(api, w):
    first = _visit(api, w).json()
    earlier = first["findings"][1]["id"]
    r = api(w["user"]).post(
        "/api/stewardship/visits/",
        {"cadre": w["mine"].pk, "business": w["b_mine"].pk, "follow_ups": {str(earlier): "fixed"}},
        format="json",
    )
    assert r.status_code == 201, r.json()
    detail = api(w["user"]).get(f"/api/stewardship/visits/{first['id']}/").json()
    assert {f["id"]: f["status"] for f in detail["findings"]}[earlier] == "fixed"


def test_the_round_by_what_is_due(api, w):
    StewardVisit.objects.create(
        cadre=w["mine"], business=w["b_mine"], visited_on=timezone.localdate() - datetime.timedelta(days=60)
    )
    url = f"/api/stewardship/cadres/{w['mine'].pk}/due/"
    rows = api(w["user"]).get(url).json()
    assert [r["business_name"] for r in rows] == ["我的面馆"] and rows[0]["overdue"] is True
    assert api(w["cast"].other_office_user).get(url).status_code == 404


def test_the_commitment_is_printed_signed_and_uploaded(api, w):
    cast = w["cast"]
    docx = api(w["user"]).get(f"/api/stewardship/cadres/{w['mine'].pk}/lists/?year=2026")
    assert docx.status_code == 200 and docx["Content-Type"].startswith("application/vnd.openxmlformats")
    r = api(w["user"]).post(
        "/api/stewardship/commitments/",
        {
            "cadre": w["mine"].pk,
            "year": 2026,
            "signed_scan": SimpleUploadedFile("签字.pdf", PDF, content_type="application/pdf"),
        },
        format="multipart",
    )
    assert r.status_code == 201, r.json()
    assert r.json()["businesses"] == 1 and Commitment.objects.get().signed_scan
    scan = api(cast.office_user).get(r.json()["scan_url"])
    assert scan.status_code == 200 and b"".join(scan.streaming_content) == PDF
    assert api(cast.other_office_user).get(r.json()["scan_url"]).status_code == 404
    bad = api(w["user"]).post(
        "/api/stewardship/commitments/",
        {"cadre": w["mine"].pk, "year": 2026, "signed_scan": SimpleUploadedFile("a.txt", b"hello")},
        format="multipart",
    )
    assert bad.status_code == 400


def test_checks_suggest_and_the_quarter(api, w):
    cast = w["cast"]
    make_business(cast.town, 3, baobao_level="village", name="无人包保的店")
    checks = api(cast.office_user).get("/api/stewardship/bindings/checks/").json()
    assert checks["unbound"] >= 1 and checks["over_load"] == [] and checks["breaking"] == []
    assert api(cast.leader).post("/api/stewardship/bindings/suggest/").status_code == 403
    r = api(cast.office_user).post("/api/stewardship/bindings/suggest/")
    assert r.status_code == 201 and r.json()["created"] >= 1
    assert Binding.objects.filter(business__name="无人包保的店", is_active=True).exists()

    today = timezone.localdate()
    quarter = (today.month - 1) // 3 + 1
    rows = api(cast.office_user).get(f"/api/stewardship/summary/?year={today.year}&quarter={quarter}").json()
    town = next(r for r in rows if r["region"] == cast.town.pk)
    assert town["bindings"] == Binding.objects.filter(is_active=True, business__region=cast.town).count()
    other = api(cast.other_office_user).get("/api/stewardship/summary/").json()
    assert cast.town.pk not in [r["region"] for r in other]


def test_cadres_are_imported_all_or_nothing_and_given_a_link(api, w):
    from shian.stewardship.tests.test_import import GOOD, HEADER, xlsx

    cast = w["cast"]
    url = "/api/stewardship/cadres/import/"
    bad = [
        HEADER,
        [1, "张县干", "副县长", "县级", "三台县", "13800000031"],
        [2, "无区划", "干事", "村级", "火星镇", ""],
    ]
    r = api(cast.office_user).post(url, {"file": SimpleUploadedFile("c.xlsx", xlsx(bad))}, format="multipart")
    assert r.status_code == 400 and not r.json()["ok"]
    assert r.json()["errors"] == ["工作表“Sheet”第4行E列（所属区划）：“火星镇”区划不存在或不在您的管辖范围内"]
    assert not Cadre.objects.filter(name="张县干").exists()  # nothing of a file with an error
    r = api(cast.office_user).post(
        url, {"file": SimpleUploadedFile("c.xlsx", xlsx(GOOD))}, format="multipart"
    )
    assert r.status_code == 200 and r.json()["created"] == 3
    assert api(cast.leader).post(url, {"file": SimpleUploadedFile("c.xlsx", xlsx(GOOD))}).status_code == 403

    cadre = Cadre.objects.get(name="王村干")
    r = api(cast.office_user).post(f"/api/stewardship/cadres/{cadre.pk}/link/")
    assert r.status_code == 200 and "/baobao/" in r.json()["url"] and r.json()["url"] in r.json()["message"]
    assert api(cast.other_office_user).post(f"/api/stewardship/cadres/{cadre.pk}/link/").status_code == 404


def test_coverage_points_and_the_township_report(api, w):
    cast = w["cast"]
    _visit(api, w)
    year = timezone.localdate().year
    data = api(cast.office_user).get(f"/api/stewardship/summary/coverage/?year={year}").json()
    town = next(r for r in data["visits"] if r["region"] == cast.town.pk)
    assert town["done"] == 1
    signed = next(r for r in data["commitments"] if r["region"] == cast.town.pk)
    assert (signed["cadres"], signed["signed"]) == (2, 0)
    points = api(cast.office_user).get(f"/api/stewardship/summary/points/?year={year}").json()
    mine = next(r for r in points["cadres"] if r["id"] == w["mine"].pk)
    assert mine["points"] > 0 and mine["events"]
    assert [b["name"] for b in points["businesses"]] == ["我的面馆"]
    assert (
        api(cast.other_office_user).get(f"/api/stewardship/summary/points/?year={year}").json()["cadres"]
        == []
    )

    url = f"/api/stewardship/summary/report/{cast.town.pk}/?year={year}"
    r = api(cast.office_user).get(url)
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    refused = api(cast.other_office_user).get(url)
    assert refused.status_code == 404 and "detail" in refused.content.decode()


def test_the_documents_come_as_pdf_too(api, w):
    import shutil

    if not shutil.which("soffice"):
        pytest.skip("LibreOffice 未安装")
    cast = w["cast"]
    r = api(w["user"]).get(f"/api/stewardship/cadres/{w['mine'].pk}/lists/?format=pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf" and r.content.startswith(b"%PDF")
    r = api(cast.office_user).get(f"/api/stewardship/summary/report/{cast.town.pk}/?format=pdf")
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
