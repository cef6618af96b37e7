"""Who sees and changes incidents: the office its county, leaders read, townships read their own,
the other county nothing — through pages, API and export."""

import pytest

from shian.incidents.models import Incident
from shian.incidents.testing import make_incident


@pytest.fixture
def rows(cast):
    return {
        "town": make_incident(cast.town, "潼川镇事件"),
        "county": make_incident(cast.county, "县城事件", lead_unit=cast.market),
        "other": make_incident(cast.other_county, "盐亭事件"),
    }


def names(user, action="view"):
    return set(Incident.objects.restrict(user, action).values_list("title", flat=True))


def test_office_and_leader_see_their_county_only(cast, rows):
    assert names(cast.office_user) == names(cast.leader) == {"潼川镇事件", "县城事件"}
    assert names(cast.office_user, "change") == {"潼川镇事件", "县城事件"}
    assert names(cast.leader, "change") == set()


def test_units_read_their_region_and_change_nothing(cast, rows):
    assert names(cast.town_liaison) == {"潼川镇事件"}
    assert names(cast.market_liaison) == {"潼川镇事件", "县城事件"}
    assert names(cast.market_liaison, "change") == names(cast.town_liaison, "change") == set()
    assert names(cast.expert) == set()


def test_the_other_county_cannot_open_change_or_export_ours(cast, rows, login, api):
    client = login(cast.other_office_user)
    mine = rows["town"]
    for url in (
        f"/incidents/{mine.pk}/",
        f"/incidents/{mine.pk}/edit/",
        f"/core/audit/incidents/incident/{mine.pk}/",
    ):
        assert client.get(url).status_code == 404, url
    for url in (f"/incidents/{mine.pk}/events/", f"/incidents/{mine.pk}/close/"):
        assert client.post(url, {"kind": "note", "note": "x"}).status_code == 404, url
    export = client.get("/incidents/?export=xlsx")
    content = b"".join(export.streaming_content) if export.streaming else export.content
    import io

    import openpyxl

    cells = {c.value for row in openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows() for c in row}
    assert "盐亭事件" in cells and "潼川镇事件" not in cells
    a = api(cast.other_office_user)
    assert a.get(f"/api/incidents/{mine.pk}/").status_code == 404
    assert (
        a.post(f"/api/incidents/{mine.pk}/events/", {"kind": "note", "note": "x"}, format="json").status_code
        == 404
    )
    r = a.post(
        "/api/incidents/",
        {"region": cast.town.pk, "title": "x", "occurred_on": "2026-01-01", "kind": "other"},
        format="json",
    )
    assert r.status_code in (400, 403)
    assert not Incident.objects.filter(title="x").exists()


def test_a_township_cannot_register_or_post_events(cast, rows, login):
    client = login(cast.town_liaison)
    assert client.get("/incidents/add/").status_code == 403
    assert (
        client.post(f"/incidents/{rows['town'].pk}/events/", {"kind": "note", "note": "x"}).status_code == 404
    )
