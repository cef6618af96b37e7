import pytest

from shian.workplan.choices import TaskStatus
from shian.workplan.models import Task

pytestmark = pytest.mark.django_db


def test_list_is_scoped_and_filterable(cast, api):
    data = api(cast.office_user).get("/api/tasks/").json()
    assert sorted(t["title"] for t in data["results"]) == [
        "制定学校食堂食品安全管理责任清单",
        "完成年度抽检任务",
    ]
    data = api(cast.office_user).get("/api/tasks/", {"status": "overdue"}).json()
    assert [(t["id"], t["status"], t["status_label"], t["is_overdue"]) for t in data["results"]] == [
        (cast.market_task.pk, "pending", "逾期", True)
    ]
    data = api(cast.edu_liaison).get("/api/tasks/").json()
    assert [t["id"] for t in data["results"]] == [cast.edu_task.pk]


def test_update_needs_version(cast, api):
    client = api(cast.office_user)
    url = f"/api/tasks/{cast.edu_task.pk}/"
    resp = client.patch(url, {"title": "无版本"}, format="json")
    assert resp.status_code == 400 and "version" in resp.json()
    resp = client.patch(url, {"title": "新标题", "version": 1}, format="json")
    assert resp.status_code == 200 and resp.json()["version"] == 2
    resp = client.patch(url, {"title": "旧版本", "version": 1}, format="json")
    assert resp.status_code == 409
    assert Task.objects.get(pk=cast.edu_task.pk).title == "新标题"


def test_claim_progress_complete_flow(cast, api):
    unit = api(cast.edu_liaison)
    base = f"/api/tasks/{cast.edu_task.pk}"
    resp = unit.post(f"{base}/claim/")
    assert resp.status_code == 200 and resp.json()["status"] == "in_progress"
    assert unit.post(f"{base}/claim/").status_code == 400
    resp = unit.post(f"{base}/progress/", {"progress": 100, "status": "submitted"}, format="json")
    assert resp.status_code == 400 and "version" in resp.json()  # no version, no change
    v = resp_version = unit.get(f"{base}/").json()["version"]
    resp = unit.post(
        f"{base}/progress/",
        {"progress": 100, "note": "已完成", "status": "submitted", "version": v},
        format="json",
    )
    assert resp.status_code == 200 and resp.json()["status"] == "submitted"
    v = resp.json()["version"]
    assert (
        unit.post(f"{base}/progress/", {"progress": 90, "version": v - 1}, format="json").status_code == 409
    )
    resp = unit.post(f"{base}/progress/", {"progress": 100, "status": "done", "version": v}, format="json")
    assert resp.status_code == 400 and resp.json() == {"status": ["只有创建办可以将任务标记为已完成"]}
    assert unit.post(f"{base}/complete/", {"version": v}, format="json").status_code == 403
    office = api(cast.office_user)
    resp = office.post(f"{base}/send-back/", {"note": "补充材料", "version": v}, format="json")
    assert resp.status_code == 200 and resp.json()["status"] == "in_progress"
    assert resp_version < resp.json()["version"]
    resp = office.post(f"{base}/complete/", {"version": resp.json()["version"]}, format="json")
    assert resp.status_code == 200 and resp.json()["status"] == "done" and resp.json()["progress"] == 100
    log = unit.get(f"{base}/updates/").json()
    assert [u["status_after"] for u in log] == ["done", "in_progress", "submitted", "in_progress"]


def test_reassign_and_split(cast, api):
    office = api(cast.office_user)
    base = f"/api/tasks/{cast.edu_task.pk}"
    v = cast.edu_task.version
    resp = office.post(f"{base}/reassign/", {"unit": cast.town_unit.pk, "version": v}, format="json")
    assert resp.status_code == 200 and resp.json()["unit"] == cast.town_unit.pk
    resp = office.post(
        f"{base}/reassign/", {"unit": cast.other_edu.pk, "version": resp.json()["version"]}, format="json"
    )
    assert resp.status_code == 403
    resp = office.post(
        f"{base}/split/",
        {"parts": [{"title": "甲", "unit": cast.edu.pk}, {"title": "乙", "unit": cast.market.pk}]},
        format="json",
    )
    assert resp.status_code == 201
    assert [(p["title"], p["parent"]) for p in resp.json()] == [
        ("甲", cast.edu_task.pk),
        ("乙", cast.edu_task.pk),
    ]


def test_create_by_office_only(cast, api):
    body = {"campaign": cast.campaign.pk, "title": "接口新建", "unit": cast.edu.pk}
    assert api(cast.edu_liaison).post("/api/tasks/", body, format="json").status_code == 403
    # Another county's office cannot even name our campaign: it is not among its choices.
    resp = api(cast.other_office_user).post("/api/tasks/", body, format="json")
    assert resp.status_code == 400 and "campaign" in resp.json()
    resp = api(cast.office_user).post("/api/tasks/", body, format="json")
    assert resp.status_code == 201 and resp.json()["status"] == TaskStatus.PENDING_CLAIM
