import pytest

from shian.dispatch.choices import RoundStatus
from shian.dispatch.models import DispatchRound
from shian.dispatch.tests.factories import open_test_round
from shian.workplan.models import Task

pytestmark = pytest.mark.django_db


def test_office_creates_and_closes_a_round(cast, api):
    client = api(cast.office_user)
    resp = client.post(
        "/api/rounds/",
        {
            "campaign": cast.campaign.pk,
            "kind": "quarterly",
            "title": "二季度调度",
            "period_label": "2024年第二季度",
            "deadline": "2099-06-30T17:00:00+08:00",
        },
        format="json",
    )
    assert resp.status_code == 201, resp.json()
    rnd = DispatchRound.objects.get(pk=resp.json()["id"])
    assert rnd.reports.count() == 2
    summary = client.get(f"/api/rounds/{rnd.pk}/summary/").json()
    assert (len(summary["on_time"]), len(summary["late"]), len(summary["missing"])) == (0, 0, 2)
    resp = client.post(f"/api/rounds/{rnd.pk}/close/")
    assert resp.status_code == 200 and resp.json()["status"] == RoundStatus.CLOSED


def test_liaison_cannot_create_a_round(cast, api):
    resp = api(cast.edu_liaison).post(
        "/api/rounds/",
        {
            "campaign": cast.campaign.pk,
            "kind": "monthly",
            "title": "x",
            "deadline": "2099-01-01T10:00:00+08:00",
        },
        format="json",
    )
    assert resp.status_code == 403


def test_unit_saves_and_submits_its_report(cast, api):
    rnd = open_test_round(cast)
    report = rnd.reports.get(unit=cast.edu)
    client = api(cast.edu_liaison)
    url = f"/api/reports/{report.pk}/"
    body = {
        "narrative": "草稿",
        "lines": [{"task": cast.edu_task.pk, "status": "in_progress", "progress": 30}],
        "version": 1,
    }
    resp = client.put(url, body, format="json")
    assert resp.status_code == 200 and resp.json()["status"] == "draft" and resp.json()["version"] == 2
    assert client.put(url, body, format="json").status_code == 409
    bad = {**body, "version": 2, "lines": [{"task": cast.market_task.pk, "progress": 30}]}
    resp = client.post(f"{url}submit/", bad, format="json")
    assert resp.status_code == 400 and "第1行" in resp.json()["lines"][0]
    resp = client.post(f"{url}submit/", {**body, "narrative": "本月进展", "version": 2}, format="json")
    assert resp.status_code == 200
    data = resp.json()
    assert (data["status"], data["timeliness"]) == ("submitted", "on_time")
    assert data["lines"] == [
        {
            "task": cast.edu_task.pk,
            "task_title": "制定学校食堂食品安全管理责任清单",
            "status": "in_progress",
            "progress": 30,
            "note": "",
        }
    ]
    assert Task.objects.get(pk=cast.edu_task.pk).progress == 30
    rows = api(cast.office_user).get("/api/rounds/timeliness/", {"campaign": cast.campaign.pk}).json()
    assert [(r["unit"], r["on_time"]) for r in rows] == [("三台县教育局", 1)]


def test_office_cannot_file_a_units_report(cast, api):
    rnd = open_test_round(cast)
    report = rnd.reports.get(unit=cast.edu)
    resp = api(cast.office_user).put(
        f"/api/reports/{report.pk}/", {"narrative": "代填", "version": 1}, format="json"
    )
    assert resp.status_code == 403
