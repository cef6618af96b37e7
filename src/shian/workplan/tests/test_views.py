import datetime
import io

import openpyxl
import pytest
from django.urls import reverse

from shian.workplan.choices import TaskStatus
from shian.workplan.models import Task
from shian.workplan.tests.factories import make_tasks

pytestmark = pytest.mark.django_db
LIST = reverse("workplan:task_list")


def test_liaison_sees_my_tasks(cast, login):
    resp = login(cast.edu_liaison).get(LIST)
    assert resp.status_code == 200
    text = resp.content.decode()
    assert "我的任务 · 教育局" in text
    assert "制定学校食堂食品安全管理责任清单" in text
    assert "完成年度抽检任务" not in text and "盐亭" not in text


def test_office_sees_every_task_of_its_county(cast, login):
    text = login(cast.office_user).get(LIST).content.decode()
    assert "制定学校食堂食品安全管理责任清单" in text and "完成年度抽检任务" in text
    assert "盐亭学校食堂责任清单" not in text
    assert "由细则生成" in text


def test_status_filter_overdue_and_counts(cast, login):
    client = login(cast.office_user)
    resp = client.get(LIST, {"status": "overdue"})
    assert [t.pk for t in resp.context["table"].data] == [cast.market_task.pk]
    counts = {label: n for _, label, n, _ in resp.context["status_counts"]}
    assert counts == {"全部": 2, "待认领": 2, "进行中": 0, "已提交": 0, "已完成": 0, "逾期": 1}
    resp = client.get(LIST, {"status": "pending", "unit": cast.edu.pk})
    assert [t.pk for t in resp.context["table"].data] == [cast.edu_task.pk]


def test_search_and_deadline_range(cast, login):
    client = login(cast.office_user)
    resp = client.get(LIST, {"q": "抽检"})
    assert [t.pk for t in resp.context["table"].data] == [cast.market_task.pk]
    resp = client.get(LIST, {"deadline_after": cast.edu_task.deadline.isoformat()})
    assert [t.pk for t in resp.context["table"].data] == [cast.edu_task.pk]


def test_export_has_exactly_the_filtered_rows(cast, login):
    resp = login(cast.office_user).get(LIST, {"status": "overdue", "export": "xlsx"})
    assert resp.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(resp.streaming_content))).active
    rows = list(sheet.values)
    assert rows[0][:3] == ("编号", "任务名称", "责任单位")
    assert len(rows) == 2
    assert rows[1][1] == "完成年度抽检任务" and rows[1][2] == "三台县市场监督管理局" and "逾期" in rows[1]


@pytest.mark.parametrize("n", [10, 50])
def test_list_queries_are_bounded(cast, login, django_assert_max_num_queries, n):
    make_tasks(cast, n)
    client = login(cast.office_user)
    with django_assert_max_num_queries(15):
        resp = client.get(LIST, {"per_page": 100})
    assert resp.status_code == 200


@pytest.mark.parametrize("n", [10, 50])
def test_liaison_list_queries_are_bounded(cast, login, django_assert_max_num_queries, n):
    make_tasks(cast, n)
    client = login(cast.edu_liaison)
    with django_assert_max_num_queries(14):
        assert client.get(LIST).status_code == 200


def test_detail_shows_claim_button_to_own_unit_only(cast, login, client):
    url = cast.edu_task.get_absolute_url()
    assert "认领任务" in login(cast.edu_liaison).get(url).content.decode()
    client.force_login(cast.office_user)
    text = client.get(url).content.decode()
    assert "认领任务" not in text and "确认完成" in text and "改派" in text
    client.force_login(cast.leader)
    text = client.get(url).content.decode()
    assert "认领任务" not in text and "确认完成" not in text and "填报进展" not in text


def test_claim_by_htmx_returns_the_panel(cast, login):
    client = login(cast.edu_liaison)
    resp = client.post(reverse("workplan:task_claim", args=[cast.edu_task.pk]), HTTP_HX_REQUEST="true")
    assert resp.status_code == 200
    text = resp.content.decode()
    assert "<html" not in text and "进行中" in text and "填报进展" in text
    assert Task.objects.get(pk=cast.edu_task.pk).claimed_by == cast.edu_liaison


def test_claim_twice_shows_the_reason(cast, login):
    client = login(cast.edu_liaison)
    url = reverse("workplan:task_claim", args=[cast.edu_task.pk])
    client.post(url)
    resp = client.post(url, HTTP_HX_REQUEST="true")
    assert "不能再认领" in resp.content.decode()


def test_progress_form(cast, login):
    client = login(cast.edu_liaison)
    url = reverse("workplan:task_progress", args=[cast.edu_task.pk])
    resp = client.post(url, {"progress": 60, "note": "已完成初稿", "status": "", "edit_version": 1})
    assert resp.status_code == 302
    task = Task.objects.get(pk=cast.edu_task.pk)
    assert (task.status, task.progress, task.latest_note) == (TaskStatus.IN_PROGRESS, 60, "已完成初稿")
    # A stale form is refused, the error is shown in the panel.
    resp = client.post(url, {"progress": 70, "note": "旧页面", "edit_version": 1}, HTTP_HX_REQUEST="true")
    assert "已被他人修改" in resp.content.decode()
    # A unit cannot mark done: the error names the field.
    resp = client.post(url, {"progress": 100, "status": "done", "edit_version": 2}, HTTP_HX_REQUEST="true")
    assert resp.status_code == 200
    assert Task.objects.get(pk=cast.edu_task.pk).status == TaskStatus.IN_PROGRESS


def test_office_complete_and_send_back(cast, login):
    task = cast.edu_task
    Task.objects.filter(pk=task.pk).update(status=TaskStatus.SUBMITTED)
    client = login(cast.office_user)
    resp = client.post(reverse("workplan:task_send_back", args=[task.pk]), {"note": "材料不全"})
    assert (
        resp.status_code == 302 and Task.objects.get(pk=task.pk).status == TaskStatus.SUBMITTED
    )  # no version
    resp = client.post(reverse("workplan:task_send_back", args=[task.pk]), {"note": "材料不全", "version": 1})
    assert resp.status_code == 302
    assert Task.objects.get(pk=task.pk).status == TaskStatus.IN_PROGRESS
    client.post(reverse("workplan:task_complete", args=[task.pk]), {"version": 1})  # stale
    assert Task.objects.get(pk=task.pk).status == TaskStatus.IN_PROGRESS
    client.post(reverse("workplan:task_complete", args=[task.pk]), {"version": 2})
    assert Task.objects.get(pk=task.pk).status == TaskStatus.DONE


def test_edit_reassign_split_pages(cast, login):
    client = login(cast.office_user)
    task = cast.edu_task
    assert client.get(reverse("workplan:task_edit", args=[task.pk])).status_code == 200
    resp = client.post(
        reverse("workplan:task_edit", args=[task.pk]),
        {
            "title": "改过的标题",
            "unit": cast.edu.pk,
            "role": "lead",
            "deadline": "2031-01-01",
            "item": "",
            "description": "",
            "edit_version": 1,
        },
    )
    assert resp.status_code == 302
    assert Task.objects.get(pk=task.pk).title == "改过的标题"
    resp = client.post(
        reverse("workplan:task_reassign", args=[task.pk]),
        {"unit": cast.town_unit.pk, "note": "", "edit_version": 2},
    )
    assert resp.status_code == 302
    assert Task.objects.get(pk=task.pk).unit == cast.town_unit
    data = {
        "form-TOTAL_FORMS": 3,
        "form-INITIAL_FORMS": 0,
        "form-0-title": "甲",
        "form-0-unit": cast.edu.pk,
        "form-1-title": "乙",
        "form-1-unit": cast.market.pk,
        "form-2-title": "",
    }
    resp = client.post(reverse("workplan:task_split", args=[task.pk]), data)
    assert resp.status_code == 302
    assert sorted(Task.objects.filter(parent=task).values_list("title", flat=True)) == ["乙", "甲"]


def test_generate_page(cast, login):
    client = login(cast.office_user)
    assert client.get(reverse("workplan:task_generate")).status_code == 200
    resp = client.post(reverse("workplan:task_generate"), {"campaign": cast.campaign.pk})
    assert resp.status_code == 302
    assert Task.objects.filter(campaign=cast.campaign).count() == 5


def test_create_task_page(cast, login):
    client = login(cast.office_user)
    assert client.get(reverse("workplan:task_add")).status_code == 200
    resp = client.post(
        reverse("workplan:task_add"),
        {
            "campaign": cast.campaign.pk,
            "title": "新任务",
            "unit": cast.town_unit.pk,
            "role": "lead",
            "deadline": "",
            "item": "",
            "description": "",
        },
    )
    assert resp.status_code == 302
    assert Task.objects.get(title="新任务").unit == cast.town_unit


@pytest.mark.parametrize("n", [2, 30])
def test_detail_queries_do_not_grow_with_the_log(cast, login, django_assert_max_num_queries, n):
    from shian.workplan import services

    services.claim_task(cast.edu_task, actor=cast.edu_liaison)
    for i in range(n):
        services.report_progress(
            cast.edu_task, i % 100, f"第{i}次", actor=cast.edu_liaison, expected_version=cast.edu_task.version
        )
    client = login(cast.office_user)
    with django_assert_max_num_queries(14):
        resp = client.get(cast.edu_task.get_absolute_url())
    assert resp.content.decode().count('class="list-group-item"') >= n


def test_bulk_bar_edits_the_ticked_tasks_and_ignores_the_other_countys(cast, login):
    from shian.workplan.models import Task

    other = Task.objects.filter(campaign=cast.other_campaign).first()
    c = login(cast.office_user)
    page = c.get("/tasks/").content.decode()
    assert 'id="task-bulk"' in page and 'form="task-bulk"' in page
    r = c.post(
        "/tasks/bulk/",
        {
            "pick": [cast.edu_task.pk, cast.market_task.pk, other.pk],
            "deadline": "2030-03-31",
            "action": "edit",
            "next": "/tasks/",
        },
    )
    assert r.status_code == 302
    assert set(
        Task.objects.filter(pk__in=[cast.edu_task.pk, cast.market_task.pk]).values_list("deadline", flat=True)
    ) == {datetime.date(2030, 3, 31)}
    other.refresh_from_db()
    assert other.deadline != datetime.date(2030, 3, 31)


def test_units_get_no_bulk_bar(cast, login):
    page = login(cast.edu_liaison).get("/tasks/").content.decode()
    assert 'id="task-bulk"' not in page and 'form="task-bulk"' not in page


def test_task_page_shows_required_and_uploaded_materials(cast, login):
    from shian.framework.models import MaterialRequirement

    MaterialRequirement.objects.create(
        item=cast.edu_task.item, name="学校食堂食品安全管理责任清单文件", seq=1
    )
    page = login(cast.edu_liaison).get(f"/tasks/{cast.edu_task.pk}/").content.decode()
    block = page[page.index('id="task-materials"') :]
    assert "学校食堂食品安全管理责任清单文件" in block and "未上传" in block
