"""Who sees what of 包保: a village cadre only their businesses (link and login), a township its township,
the other township nothing of ours, the other county nothing at all — pages, API and files."""

import datetime

import pytest
from django.core.files.base import ContentFile

from shian.organisation.choices import Role, UnitKind
from shian.organisation.models import Unit
from shian.registry.testing import make_business
from shian.stewardship import services
from shian.stewardship.models import Binding, Cadre, Commitment, StewardVisit, StewardVisitPhoto
from shian.testing import make_user

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def w(cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    town2_unit = Unit.objects.create(
        name="芦溪镇人民政府", short_name="芦溪镇", kind=UnitKind.TOWNSHIP, region=cast.town2
    )
    cadre_user = make_user("cun", cast.town_unit, Role.LIAISON, "李村干")
    mine = Cadre.objects.create(
        name="李村干",
        level="village",
        region=cast.town,
        unit=cast.town_unit,
        phone="13800000061",
        user=cadre_user,
    )
    neighbour = Cadre.objects.create(name="邻村干", level="village", region=cast.town, phone="13800000062")
    far = Cadre.objects.create(
        name="芦溪干", level="village", region=cast.town2, unit=town2_unit, phone="13800000063"
    )
    b_mine = make_business(cast.town, 1, baobao_level="village", name="我的面馆")
    b_neighbour = make_business(cast.town, 2, baobao_level="village", name="邻村超市")
    b_far = make_business(cast.town2, 3, baobao_level="village", name="芦溪饭店")
    for c, b in ((mine, b_mine), (neighbour, b_neighbour), (far, b_far)):
        Binding.objects.create(cadre=c, business=b)
    visits = {}
    for c, b in ((mine, b_mine), (far, b_far)):
        v = StewardVisit.objects.create(cadre=c, business=b, visited_on=datetime.date(2026, 5, 1))
        StewardVisitPhoto.objects.create(visit=v, file=ContentFile(b"\x89PNG", name="p.png"))
        Commitment.objects.create(cadre=c, year=2026, signed_scan=ContentFile(PDF, name="s.pdf"))
        visits[c.pk] = v
    town2_user = make_user("luxi", town2_unit, Role.LIAISON, "芦溪联络员")
    return dict(
        cast=cast,
        mine=mine,
        neighbour=neighbour,
        far=far,
        b_mine=b_mine,
        b_neighbour=b_neighbour,
        b_far=b_far,
        visits=visits,
        cadre_user=cadre_user,
        town2_user=town2_user,
    )


def test_village_cadre_link_and_login_reach_only_their_businesses(w, client, login):
    token = services.cadre_link_token(w["mine"])
    body = client.get(f"/baobao/{token}/").content.decode()
    assert "我的面馆" in body and "邻村超市" not in body and "芦溪饭店" not in body
    for other in (w["b_neighbour"], w["b_far"]):
        assert client.get(f"/baobao/{token}/{other.pk}/").status_code == 404
    # the link opens nothing of the signed-in system
    for url in ("/stewardship/", f"/stewardship/{w['mine'].pk}/", "/api/stewardship/cadres/"):
        assert client.get(url).status_code in (302, 401, 403), url
    c = login(w["cadre_user"])
    body = c.get("/stewardship/my/", follow=True).content.decode()
    assert "我的面馆" in body and "邻村超市" not in body
    assert c.get(f"/stewardship/{w['mine'].pk}/round/{w['b_neighbour'].pk}/").status_code == 404
    assert c.get(f"/stewardship/{w['mine'].pk}/commitment.docx").status_code == 200


def test_township_sees_its_township(w, login, api):
    cast = w["cast"]
    town = login(cast.town_liaison)
    body = town.get("/stewardship/").content.decode()
    assert "李村干" in body and "邻村干" in body and "芦溪干" not in body
    assert town.get(f"/stewardship/{w['far'].pk}/").status_code == 404
    assert town.get(f"/stewardship/visits/{w['visits'][w['far'].pk].pk}/").status_code == 404
    names = {c["name"] for c in api(cast.town_liaison).get("/api/stewardship/cadres/").json()["results"]}
    assert names == {"李村干", "邻村干"}
    # the other township: nothing of ours, pages, API, files
    luxi = login(w["town2_user"])
    assert "李村干" not in luxi.get("/stewardship/").content.decode()
    assert luxi.get(f"/stewardship/{w['mine'].pk}/").status_code == 404
    photo = w["visits"][w["mine"].pk].photos.get()
    assert luxi.get(f"/stewardship/photos/{photo.pk}/").status_code == 404
    scan = w["mine"].commitments.get()
    assert luxi.get(f"/stewardship/commitments/{scan.pk}/scan/").status_code == 404
    assert luxi.get(f"/stewardship/{w['mine'].pk}/round/").status_code == 404
    town = login(cast.town_liaison)  # the same test client, signed in again
    assert town.get(f"/stewardship/photos/{photo.pk}/").status_code == 200


def test_other_county_sees_nothing(w, login, api):
    cast = w["cast"]
    other = login(cast.other_office_user)
    v = w["visits"][w["mine"].pk]
    for url in (
        f"/stewardship/{w['mine'].pk}/",
        f"/stewardship/{w['mine'].pk}/round/",
        f"/stewardship/{w['mine'].pk}/round/{w['b_mine'].pk}/",
        f"/stewardship/{w['mine'].pk}/commitment.docx",
        f"/stewardship/visits/{v.pk}/",
        f"/stewardship/photos/{v.photos.get().pk}/",
        f"/stewardship/commitments/{w['mine'].commitments.get().pk}/scan/",
    ):
        assert other.get(url).status_code == 404, url
    for url in ("/stewardship/", "/stewardship/visits/", "/stewardship/bindings/", "/stewardship/checks/"):
        body = other.get(url).content.decode()
        assert "李村干" not in body and "我的面馆" not in body, url
    assert "潼川镇" not in other.get("/stewardship/coverage/").content.decode()
    client = api(cast.other_office_user)
    for url in ("/api/stewardship/cadres/", "/api/stewardship/bindings/"):
        assert client.get(url).json()["count"] == 0
    assert client.get(f"/api/stewardship/cadres/{w['mine'].pk}/").status_code == 404
    r = client.post("/api/stewardship/bindings/", {"cadre": w["mine"].pk, "business": w["b_neighbour"].pk})
    assert r.status_code in (400, 403, 404)
    assert not Binding.objects.filter(cadre=w["mine"], business=w["b_neighbour"]).exists()
