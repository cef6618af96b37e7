"""Pages and API of the register, as the office uses them."""

import datetime as dt

from shian.incidents.models import Incident
from shian.incidents.testing import make_incident


def test_the_office_registers_follows_and_closes_an_incident(cast, login):
    client = login(cast.office_user)
    r = client.post(
        "/incidents/add/",
        {
            "region": cast.town.pk,
            "title": "学校食堂中毒",
            "occurred_on": "2026-03-02",
            "level": "iii",
            "kind": "school",
            "affected": 12,
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    incident = Incident.objects.get(title="学校食堂中毒")
    page = client.get(f"/incidents/{incident.pk}/").content.decode()
    assert "计入否决项" in page and "较大（Ⅲ级）食品安全事故" in page
    assert (
        client.post(f"/incidents/{incident.pk}/events/", {"kind": "report", "note": "报县政府"}).status_code
        == 302
    )
    r = client.post(
        f"/incidents/{incident.pk}/close/",
        {"edit_version": incident.version, "closed_on": "2026-03-01", "summary": "结"},
    )
    assert r.status_code == 400 and "结案日期不能早于发生日期" in r.content.decode()
    r = client.post(
        f"/incidents/{incident.pk}/close/",
        {"edit_version": incident.version, "closed_on": "2026-03-12", "summary": "已处置完毕"},
    )
    assert r.status_code == 302
    incident.refresh_from_db()
    assert incident.status == "closed" and incident.events.count() == 2


def test_an_override_without_reason_is_refused_naming_the_field(cast, login):
    incident = make_incident(cast.town, level="ii")
    client = login(cast.office_user)
    r = client.post(
        f"/incidents/{incident.pk}/edit/",
        {
            "region": cast.town.pk,
            "title": incident.title,
            "occurred_on": "2026-06-01",
            "level": "ii",
            "kind": "poisoning",
            "affected": 0,
            "veto_override": "false",
            "edit_version": incident.version,
        },
    )
    assert r.status_code == 400 and "人工认定否决情形时必须写明理由" in r.content.decode()


def test_the_list_filters_vetoes_and_exports(cast, login, django_assert_max_num_queries):
    make_incident(cast.town, "重大", level="ii")
    make_incident(cast.town, "一般", level="iv")
    client = login(cast.office_user)
    with django_assert_max_num_queries(15):
        page = client.get("/incidents/?veto=true").content.decode()
    assert "重大" in page and ">一般<" not in page
    assert "登记有 1 起构成否决情形的事件" in page
    assert client.get("/incidents/?export=xlsx").status_code == 200


def test_the_api_registers_adds_events_and_closes(cast, api):
    a = api(cast.office_user)
    r = a.post(
        "/api/incidents/",
        {
            "region": cast.town.pk,
            "title": "API事件",
            "occurred_on": "2026-01-05",
            "kind": "other",
            "concealed": True,
        },
        format="json",
    )
    assert r.status_code == 201, r.json()
    body = r.json()
    assert body["triggers_veto"] is True and body["veto_reasons"] == ["瞒报、谎报"]
    pk = body["id"]
    r = a.post(f"/api/incidents/{pk}/events/", {"kind": "response", "note": "现场处置"}, format="json")
    assert r.status_code == 200 and len(r.json()["events"]) == 1
    version = r.json()["version"]
    r = a.post(
        f"/api/incidents/{pk}/close/",
        {"version": version, "closed_on": "2026-01-20", "summary": "结"},
        format="json",
    )
    assert r.status_code == 200 and r.json()["status"] == "closed"
    assert a.delete(f"/api/incidents/{pk}/").status_code == 403
    assert api(cast.leader).post(
        f"/api/incidents/{pk}/events/", {"kind": "note", "note": "x"}, format="json"
    ).status_code in (403, 404)
    assert dt.date.fromisoformat(r.json()["closed_on"]) == dt.date(2026, 1, 20)
