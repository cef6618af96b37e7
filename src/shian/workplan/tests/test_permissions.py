"""Other units, the other county and read-only roles: nothing reachable by URL or API."""

import pytest
from django.urls import reverse

from shian.workplan.choices import TaskStatus
from shian.workplan.models import Task

pytestmark = pytest.mark.django_db

PAGES = ["workplan:task_detail", "workplan:task_edit", "workplan:task_reassign", "workplan:task_split"]
POSTS = ["workplan:task_claim", "workplan:task_progress", "workplan:task_complete", "workplan:task_send_back"]


@pytest.mark.parametrize("name", PAGES + POSTS)
def test_other_county_task_is_404_by_url(cast, login, name):
    client = login(cast.office_user)
    url = reverse(name, args=[cast.other_task.pk])
    resp = client.post(url, {"progress": 10}) if name in POSTS else client.get(url)
    assert resp.status_code == 404


@pytest.mark.parametrize("name", PAGES + POSTS)
def test_other_unit_task_is_404_for_a_liaison(cast, login, name):
    client = login(cast.edu_liaison)
    url = reverse(name, args=[cast.market_task.pk])
    resp = client.post(url, {"progress": 10}) if name in POSTS else client.get(url)
    assert resp.status_code == 404
    assert Task.objects.get(pk=cast.market_task.pk).status == TaskStatus.PENDING_CLAIM


@pytest.mark.parametrize("name", ["workplan:task_edit", "workplan:task_reassign", "workplan:task_split"])
def test_liaison_cannot_use_office_pages_on_own_task(cast, login, name):
    assert login(cast.edu_liaison).get(reverse(name, args=[cast.edu_task.pk])).status_code == 403


def test_liaison_cannot_complete_own_task(cast, login):
    resp = login(cast.edu_liaison).post(reverse("workplan:task_complete", args=[cast.edu_task.pk]))
    assert resp.status_code == 403
    assert Task.objects.get(pk=cast.edu_task.pk).status == TaskStatus.PENDING_CLAIM


def test_leader_reads_but_cannot_change(cast, login):
    client = login(cast.leader)
    assert client.get(cast.edu_task.get_absolute_url()).status_code == 200
    assert client.get(reverse("workplan:task_list")).status_code == 200
    for name in POSTS:
        resp = client.post(reverse(name, args=[cast.edu_task.pk]), {"progress": 10, "note": "x"})
        assert resp.status_code in (403, 404)
    assert client.get(reverse("workplan:task_edit", args=[cast.edu_task.pk])).status_code in (403, 404)
    assert client.get(reverse("workplan:task_generate")).status_code == 403
    task = Task.objects.get(pk=cast.edu_task.pk)
    assert (task.status, task.progress, task.version) == (TaskStatus.PENDING_CLAIM, 0, 1)


def test_export_is_scoped(cast, login):
    import io

    import openpyxl

    resp = login(cast.edu_liaison).get(reverse("workplan:task_list"), {"export": "xlsx"})
    rows = list(openpyxl.load_workbook(io.BytesIO(b"".join(resp.streaming_content))).active.values)
    assert [r[1] for r in rows[1:]] == ["制定学校食堂食品安全管理责任清单"]


@pytest.mark.parametrize("action", ["claim", "progress", "complete", "send-back", "reassign", "split"])
def test_api_other_unit_and_county_are_404(cast, api, action):
    body = {"progress": 10, "unit": cast.edu.pk, "parts": [{"title": "x", "unit": cast.edu.pk}]}
    assert (
        api(cast.edu_liaison)
        .post(f"/api/tasks/{cast.market_task.pk}/{action}/", body, format="json")
        .status_code
        == 404
    )
    assert (
        api(cast.office_user)
        .post(f"/api/tasks/{cast.other_task.pk}/{action}/", body, format="json")
        .status_code
        == 404
    )


def test_api_retrieve_scoped(cast, api):
    assert api(cast.edu_liaison).get(f"/api/tasks/{cast.market_task.pk}/").status_code == 404
    assert api(cast.other_liaison).get(f"/api/tasks/{cast.edu_task.pk}/").status_code == 404
    assert api(cast.expert).get("/api/tasks/").json()["count"] == 0


def test_api_leader_read_only(cast, api):
    client = api(cast.leader)
    assert client.get(f"/api/tasks/{cast.edu_task.pk}/").status_code == 200
    assert client.post(f"/api/tasks/{cast.edu_task.pk}/claim/").status_code == 403
    assert (
        client.patch(
            f"/api/tasks/{cast.edu_task.pk}/", {"title": "x", "version": 1}, format="json"
        ).status_code
        == 403
    )
