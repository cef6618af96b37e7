import datetime

from django.utils import timezone

from shian.dashboard import services
from shian.dispatch.models import DispatchReport, DispatchRound
from shian.workplan.models import Task


def test_progress_by_category_counts_done_tasks(cast):
    Task.objects.filter(pk=cast.edu_task.pk).update(status="done")
    rows = {r["category"]: r for r in services.progress_by_category(cast.campaign, cast.office_user)}
    assert rows["基础工作"] == {"category": "基础工作", "total": 1, "done": 1, "rate": 100.0}
    assert rows["能力建设"]["done"] == 0 and rows["能力建设"]["total"] == 1


def test_progress_by_unit_counts_overdue(cast):
    rows = {r["name"]: r for r in services.progress_by_unit(cast.campaign, cast.office_user)}
    assert rows["三台县市场监督管理局"]["overdue"] == 1
    assert rows["三台县教育局"]["overdue"] == 0


def test_late_units_ranks_missing_then_late(cast):
    now = timezone.now()
    rnd = DispatchRound.objects.create(
        campaign=cast.campaign, title="5月调度", deadline=now - datetime.timedelta(days=1)
    )
    DispatchReport.objects.create(round=rnd, unit=cast.edu, status="submitted", submitted_at=now)
    DispatchReport.objects.create(round=rnd, unit=cast.market, status="missing")
    DispatchReport.objects.create(
        round=rnd, unit=cast.office, status="submitted", submitted_at=now - datetime.timedelta(days=2)
    )
    rows = services.late_units(cast.campaign, cast.office_user)
    assert [(r["name"], r["late"], r["missing"]) for r in rows] == [
        ("三台县市场监督管理局", 0, 1),
        ("三台县教育局", 1, 0),
    ]


def test_leader_dashboard_scope(cast, login):
    assert login(cast.edu_liaison).get("/dashboard/").status_code == 403
    assert login(cast.leader).get(f"/dashboard/?campaign={cast.other_campaign.pk}").status_code == 404
    chart = login(cast.leader).get(f"/dashboard/charts/category.json?campaign={cast.campaign.pk}").json()
    assert chart["xAxis"]["data"] == ["基础工作", "能力建设"]
