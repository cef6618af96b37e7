import datetime

from django.utils import timezone

from shian.rectification.tests.test_services import make_problem


def test_problem_life_cycle_by_api(cast, api):
    office = api(cast.office_user)
    r = office.post(
        "/api/problems/",
        {
            "campaign": cast.campaign.pk,
            "description": "学校食堂明厨亮灶未全覆盖",
            "unit": cast.edu.pk,
            "severity": "red",
            "items": [cast.items[1].pk],
            "deadline": "2026-12-31",
        },
        format="json",
    )
    assert r.status_code == 201, r.content
    pid, version = r.json()["id"], r.json()["version"]
    unit = api(cast.edu_liaison)
    r = unit.post(f"/api/problems/{pid}/submit/", {"text": "已完成安装", "version": version}, format="json")
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "submitted"
    stale = office.post(
        f"/api/problems/{pid}/verify/",
        {"method": "onsite", "note": "属实", "version": version},
        format="json",
    )
    assert stale.status_code == 409
    r = office.post(
        f"/api/problems/{pid}/verify/",
        {"method": "onsite", "note": "属实", "version": r.json()["version"]},
        format="json",
    )
    assert r.status_code == 200 and r.json()["status"] == "verified"
    assert [n["kind"] for n in r.json()["notes"]] == ["verify", "submit"]


def test_unit_cannot_verify_by_api(cast, api):
    p = make_problem(cast)
    r = api(cast.edu_liaison).post(
        f"/api/problems/{p.pk}/verify/",
        {"method": "onsite", "note": "x", "version": p.version},
        format="json",
    )
    assert r.status_code == 403


def test_stats_and_escalate_by_api(cast, api):
    make_problem(cast, deadline=timezone.localdate() - datetime.timedelta(days=8))
    office = api(cast.office_user)
    assert office.post("/api/problems/escalate/").json() == {"reminder": 1, "warning": 1, "interview": 0}
    assert office.post("/api/problems/escalate/").json() == {"reminder": 0, "warning": 0, "interview": 0}
    stats = office.get("/api/problems/stats/").json()
    assert stats[0]["unit_name"] == "三台县教育局" and stats[0]["overdue"] == 1
    assert api(cast.edu_liaison).post("/api/problems/escalate/").status_code == 403


def test_import_and_ledger_export_by_api(cast, api):
    from shian.rectification.tests.test_ledger import GOOD, _ledger

    office = api(cast.office_user)
    r = office.post(
        "/api/problems/import/", {"campaign": cast.campaign.pk, "file": _ledger(GOOD)}, format="multipart"
    )
    assert r.status_code == 201, r.content
    assert len(r.json()["created"]) == 2
    bad = office.post(
        "/api/problems/import/",
        {"campaign": cast.other_campaign.pk, "file": _ledger(GOOD)},
        format="multipart",
    )
    assert bad.status_code == 400
    xlsx = office.get("/api/problems/ledger/")
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxml")
