"""Scope of regions, units and users: each user sees only their unit or region subtree."""

import pytest

from shian.organisation.models import Unit, User


def test_liaison_sees_only_own_unit(cast):
    assert list(Unit.objects.restrict(cast.edu_liaison)) == [cast.edu]


def test_office_sees_units_of_its_county_subtree_only(cast):
    visible = set(Unit.objects.restrict(cast.office_user))
    assert {cast.office, cast.edu, cast.market, cast.town_unit} == visible


def test_leader_reads_subtree_but_changes_nothing(cast):
    assert cast.town_unit in Unit.objects.restrict(cast.leader)
    assert not Unit.objects.restrict(cast.leader, "change").exists()


@pytest.mark.parametrize("url", ["/organisation/units/{pk}/", "/organisation/units/{pk}/edit/"])
def test_other_county_unit_pages_are_404(cast, login, url):
    client = login(cast.office_user)
    assert client.get(url.format(pk=cast.other_edu.pk)).status_code == 404


def test_liaison_cannot_open_unit_edit(cast, login):
    client = login(cast.edu_liaison)
    assert client.get(f"/organisation/units/{cast.edu.pk}/edit/").status_code in (403, 404)


def test_api_units_are_scoped(cast, api):
    names = {u["name"] for u in api(cast.office_user).get("/api/units/").json()["results"]}
    assert "三台县教育局" in names and "盐亭县教育局" not in names
    assert api(cast.office_user).get(f"/api/units/{cast.other_edu.pk}/").status_code == 404
    assert api(cast.edu_liaison).get(f"/api/units/{cast.market.pk}/").status_code == 404


def test_api_office_cannot_create_unit_in_other_county(cast, api):
    response = api(cast.office_user).post(
        "/api/units/", {"name": "越权单位", "kind": "member", "region": cast.other_county.pk}
    )
    assert response.status_code == 403
    assert not Unit.objects.filter(name="越权单位").exists()


def test_api_update_requires_current_version(cast, api):
    client = api(cast.office_user)
    stale = cast.edu.version
    ok = client.patch(f"/api/units/{cast.edu.pk}/", {"contact_person": "甲", "version": stale}, format="json")
    assert ok.status_code == 200, ok.content
    conflict = client.patch(
        f"/api/units/{cast.edu.pk}/", {"contact_person": "乙", "version": stale}, format="json"
    )
    assert conflict.status_code == 409
    assert Unit.objects.get(pk=cast.edu.pk).contact_person == "甲"


def test_users_api_scoped(cast, api):
    usernames = {
        u["username"] for u in api(cast.office_user).get("/api/users/?page_size=100").json()["results"]
    }
    assert "edu" in usernames and "other_edu" not in usernames
    assert {u["username"] for u in api(cast.edu_liaison).get("/api/users/").json()["results"]} == {"edu"}


def test_office_cannot_edit_user_of_other_county(cast, login):
    client = login(cast.office_user)
    other = User.objects.get(username="other_edu")
    assert client.get(f"/organisation/users/{other.pk}/edit/").status_code == 404
