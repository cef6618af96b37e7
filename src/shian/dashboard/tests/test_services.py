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


def test_field_tiles_count_what_the_frequency_list_counts(cast):
    from shian.inspections.credit import frequency
    from shian.inspections.testing import complete, drawn_plan_with_visits
    from shian.registry.models import Business

    plan, visits = drawn_plan_with_visits(cast)
    complete(visits[0], cast.expert)
    tiles = {t["label"]: t for t in services.field_tiles(cast.campaign, cast.leader)}
    behind, summary = frequency(Business.objects.restrict(cast.leader))
    graded = sum(r["total"] for r in summary)
    freq = tiles["检查频次达标"]
    assert graded and f"{graded} 家分级主体，{len(behind)} 家未达频次" in freq["note"]
    assert freq["value"] == round(100 * (graded - len(behind)) / graded, 1)
    assert tiles["明查暗访点位"]["value"] == 1 and tiles["明查暗访点位"]["unit"] == f"/{len(visits)}"
    # the other county's leader sees none of these businesses or visits
    other = {t["label"]: t for t in services.field_tiles(cast.other_campaign, cast.other_office_user)}
    assert other["明查暗访点位"]["value"] == 0


def test_field_tiles_gather_every_field_app_and_keep_the_campaign_in_their_links(cast, login):
    from urllib.parse import parse_qs, urlsplit

    tiles = services.field_tiles(cast.campaign, cast.leader)
    labels = {t["label"] for t in tiles}
    assert {"检查频次达标", "明查暗访点位"} <= labels and len(tiles) > 4
    client = login(cast.leader)
    fragment = client.get(f"/dashboard/tiles/?campaign={cast.campaign.pk}").content.decode()
    assert all(t["label"] in fragment for t in tiles)
    assert (
        'hx-get="/dashboard/tiles/?campaign='
        in client.get(f"/dashboard/?campaign={cast.campaign.pk}").content.decode()
    )
    assert (
        login(cast.other_office_user).get(f"/dashboard/tiles/?campaign={cast.campaign.pk}").status_code == 404
    )
    assert login(cast.edu_liaison).get(f"/dashboard/tiles/?campaign={cast.campaign.pk}").status_code == 403
    client = login(cast.leader)
    for tile in tiles:
        url = urlsplit(tile["url"])
        assert parse_qs(url.query)["campaign"] == [str(cast.campaign.pk)], tile["url"]
        assert client.get(tile["url"]).status_code == 200, tile["url"]


def test_field_tiles_fragment_queries_are_bounded_and_cached(cast, login, django_assert_max_num_queries):
    client = login(cast.leader)
    url = f"/dashboard/tiles/?campaign={cast.campaign.pk}"
    with django_assert_max_num_queries(45):  # a few per field app, whatever the data size
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(12):  # then from the cache until the data changes
        assert client.get(url).status_code == 200
