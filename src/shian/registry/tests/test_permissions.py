"""Who sees and changes which businesses: office/leader the subtree, townships their township,
member units read their region and change what they supervise, the other county nothing."""

import io

import openpyxl
import pytest

from shian.registry.models import Business
from shian.registry.testing import make_business


@pytest.fixture
def sites(cast):
    return {
        "town": make_business(cast.town, 1, name="潼川镇小吃店"),
        "town2": make_business(cast.town2, 2, name="芦溪镇小吃店", supervising_unit=cast.market),
        "other": make_business(cast.other_county, 3, name="盐亭小吃店"),
    }


def names(user):
    return set(Business.objects.restrict(user).values_list("name", flat=True))


def test_office_and_leader_see_their_county_only(cast, sites):
    assert names(cast.office_user) == names(cast.leader) == {"潼川镇小吃店", "芦溪镇小吃店"}
    assert not Business.objects.restrict(cast.leader, "change").exists()


def test_a_township_liaison_sees_and_changes_only_their_township(cast, sites):
    assert names(cast.town_liaison) == {"潼川镇小吃店"}
    assert set(Business.objects.restrict(cast.town_liaison, "change")) == {sites["town"]}


def test_a_member_unit_reads_its_region_and_changes_what_it_supervises(cast, sites):
    assert names(cast.market_liaison) == {"潼川镇小吃店", "芦溪镇小吃店"}
    assert set(Business.objects.restrict(cast.market_liaison, "change")) == {sites["town2"]}
    assert not Business.objects.restrict(cast.edu_liaison, "change").exists()


def test_experts_and_the_other_county_see_none_of_ours(cast, sites):
    assert names(cast.expert) == set()
    assert names(cast.other_office_user) == {"盐亭小吃店"}


def test_the_other_county_cannot_open_edit_or_export_our_businesses(cast, sites, login, api):
    client = login(cast.other_office_user)
    mine = sites["town"]
    for url in (
        f"/registry/{mine.pk}/",
        f"/registry/{mine.pk}/edit/",
        f"/core/audit/registry/business/{mine.pk}/",
    ):
        assert client.get(url).status_code == 404, url
    data = client.get("/registry/?export=xlsx")
    content = b"".join(data.streaming_content) if data.streaming else data.content
    cells = {c.value for row in openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows() for c in row}
    assert "盐亭小吃店" in cells and "潼川镇小吃店" not in cells
    a = api(cast.other_office_user)
    assert a.get(f"/api/businesses/{mine.pk}/").status_code == 404
    assert (
        a.patch(f"/api/businesses/{mine.pk}/", {"name": "x", "version": 1}, format="json").status_code == 404
    )
    listed = a.get("/api/businesses/").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert [r["name"] for r in rows] == ["盐亭小吃店"]


def test_a_township_liaison_cannot_move_a_business_out_of_their_township(cast, sites, api):
    a = api(cast.town_liaison)
    b = sites["town"]
    r = a.patch(
        f"/api/businesses/{b.pk}/", {"region": cast.other_county.pk, "version": b.version}, format="json"
    )
    assert r.status_code == 400 and "不在您的管辖范围内" in r.content.decode()
    b.refresh_from_db()
    assert b.region == cast.town


def test_a_member_unit_cannot_create_businesses(cast, api):
    from shian.registry.models import SiteCategory

    a = api(cast.edu_liaison)
    category = SiteCategory.objects.first().pk  # not 1: a flushed-and-restored list has other ids
    r = a.post(
        "/api/businesses/",
        {"name": "新店", "credit_code": "91350100M000100Y43", "category": category, "region": cast.town.pk},
        format="json",
    )
    assert r.status_code == 403
