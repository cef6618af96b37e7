import datetime
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from shian.dispatch import services
from shian.dispatch.choices import ReportStatus, RoundStatus
from shian.dispatch.models import DispatchRound
from shian.dispatch.tests.factories import open_test_round
from shian.workplan.choices import TaskStatus
from shian.workplan.models import Task

pytestmark = pytest.mark.django_db


def test_office_opens_a_round(cast, login):
    client = login(cast.office_user)
    assert client.get(reverse("dispatch:round_add")).status_code == 200
    deadline = (timezone.localtime() + datetime.timedelta(days=5)).strftime("%Y-%m-%dT%H:%M")
    resp = client.post(
        reverse("dispatch:round_add"),
        {
            "campaign": cast.campaign.pk,
            "kind": "monthly",
            "title": "六月调度",
            "period_label": "2024年6月",
            "deadline": deadline,
            "instructions": "",
        },
    )
    rnd = DispatchRound.objects.get(title="六月调度")
    assert resp.status_code == 302 and resp["Location"] == rnd.get_absolute_url()
    assert rnd.reports.count() == 2


def test_round_form_names_the_bad_field(cast, login):
    resp = login(cast.office_user).post(
        reverse("dispatch:round_add"),
        {"campaign": cast.campaign.pk, "kind": "monthly", "title": "过期", "deadline": "2020-01-01T10:00"},
    )
    assert resp.status_code == 400
    assert "报送截止时间必须晚于发起时间" in resp.content.decode()


def test_round_list_and_bounded_queries(cast, login, django_assert_max_num_queries):
    for i in range(5):
        open_test_round(cast, title=f"第{i}轮")
    client = login(cast.office_user)
    with django_assert_max_num_queries(12):
        resp = client.get(reverse("dispatch:round_list"))
    assert resp.status_code == 200
    row = next(r for r in resp.context["table"].data if r.title == "第0轮")
    assert (row.report_count, row.submitted_count, row.late_count) == (2, 0, 0)


def test_liaison_round_list_shows_what_to_file(cast, login):
    open_test_round(cast)
    text = login(cast.edu_liaison).get(reverse("dispatch:round_list")).content.decode()
    assert "待本单位报送" in text and "填报" in text


def test_round_detail_groups_and_export(cast, login, django_assert_max_num_queries):
    rnd = open_test_round(cast)
    report = rnd.reports.get(unit=cast.edu)
    services.save_report(
        report,
        "进展",
        "",
        "",
        [(cast.edu_task, "in_progress", 20, "")],
        True,
        actor=cast.edu_liaison,
        expected_version=report.version,
    )
    client = login(cast.office_user)
    with django_assert_max_num_queries(10):
        resp = client.get(rnd.get_absolute_url())
    groups = {label: [r.unit.name for r in items] for label, _, items in resp.context["groups"]}
    assert groups == {"按时": ["三台县教育局"], "逾期报送": [], "未报送": ["三台县市场监督管理局"]}
    assert "结束调度" in resp.content.decode()
    resp = client.get(rnd.get_absolute_url(), {"export": "xlsx"})
    rows = list(openpyxl.load_workbook(io.BytesIO(b"".join(resp.streaming_content))).active.values)
    assert [(r[0], r[1], r[2]) for r in rows[1:]] == [
        ("三台县市场监督管理局", "未报送", "未报送"),
        ("三台县教育局", "已报送", "按时"),
    ]


def test_report_form_draft_and_submit(cast, login):
    rnd = open_test_round(cast)
    report = rnd.reports.get(unit=cast.edu)
    client = login(cast.edu_liaison)
    url = reverse("dispatch:report_edit", args=[report.pk])
    resp = client.get(url)
    assert resp.status_code == 200 and "制定学校食堂食品安全管理责任清单" in resp.content.decode()
    key = f"line-{cast.edu_task.pk}"
    resp = client.post(
        url,
        {
            "narrative": "",
            "problems": "",
            "help_needed": "",
            "edit_version": 1,
            f"{key}-status": "in_progress",
            f"{key}-progress": "30",
            f"{key}-note": "起草",
            "action": "submit",
        },
    )
    assert resp.status_code == 400 and "报送前请填写工作进展" in resp.content.decode()
    resp = client.post(
        url,
        {
            "narrative": "草稿",
            "edit_version": 1,
            f"{key}-status": "in_progress",
            f"{key}-progress": "30",
            f"{key}-note": "起草",
            "action": "draft",
        },
    )
    assert resp.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT
    assert "起草" in client.get(url).content.decode()  # the draft comes back
    resp = client.post(
        url,
        {
            "narrative": "本月完成初稿",
            "problems": "无",
            "help_needed": "",
            "edit_version": 2,
            f"{key}-status": "submitted",
            f"{key}-progress": "100",
            f"{key}-note": "已印发",
            "action": "submit",
        },
    )
    assert resp.status_code == 302 and resp["Location"] == report.get_absolute_url()
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and report.timeliness == "on_time"
    assert Task.objects.get(pk=cast.edu_task.pk).status == TaskStatus.SUBMITTED
    detail = client.get(report.get_absolute_url()).content.decode()
    assert "本月完成初稿" in detail and "已印发" in detail and "按时" in detail
    # Once submitted, the form is not offered again.
    assert client.get(url).status_code == 302


def test_report_form_stale_version_refused(cast, login):
    rnd = open_test_round(cast)
    report = rnd.reports.get(unit=cast.edu)
    client = login(cast.edu_liaison)
    url = reverse("dispatch:report_edit", args=[report.pk])
    client.post(url, {"narrative": "一", "edit_version": 1, "action": "draft"})
    resp = client.post(url, {"narrative": "二", "edit_version": 1, "action": "draft"})
    assert resp.status_code == 400 and "已被他人修改" in resp.content.decode()


def test_close_button(cast, login):
    rnd = open_test_round(cast)
    resp = login(cast.office_user).post(reverse("dispatch:round_close", args=[rnd.pk]))
    assert resp.status_code == 302
    assert DispatchRound.objects.get(pk=rnd.pk).status == RoundStatus.CLOSED


def test_timeliness_page_and_export(cast, login):
    rnd = open_test_round(cast)
    services.save_report(
        rnd.reports.get(unit=cast.edu),
        "进展",
        "",
        "",
        [(cast.edu_task, "in_progress", 0, "")],
        True,
        actor=cast.edu_liaison,
        expected_version=rnd.reports.get(unit=cast.edu).version,
    )
    services.close_round(rnd, actor=cast.office_user)
    client = login(cast.office_user)
    resp = client.get(reverse("dispatch:timeliness"))
    assert [(r["unit"], r["rounds"], r["on_time"], r["missing"]) for r in resp.context["rows"]] == [
        ("三台县市场监督管理局", 1, 0, 1),
        ("三台县教育局", 1, 1, 0),
    ]
    resp = client.get(reverse("dispatch:timeliness"), {"export": "xlsx"})
    rows = list(openpyxl.load_workbook(io.BytesIO(b"".join(resp.streaming_content))).active.values)
    assert rows[2] == ("三台县教育局", 1, 1, 0, 0, 100)
    chart = client.get(reverse("dispatch:timeliness_chart"), {"campaign": cast.campaign.pk}).json()
    assert chart["yAxis"]["data"] == ["教育局", "市场监管局"]
    assert [(s["name"], s["data"]) for s in chart["series"]] == [
        ("按时", [1, 0]),
        ("逾期报送", [0, 0]),
        ("未报送", [0, 1]),
    ]
    # A unit sees only its own line; the other county's office sees nothing of ours.
    resp = login(cast.edu_liaison).get(reverse("dispatch:timeliness"))
    assert [r["unit"] for r in resp.context["rows"]] == ["三台县教育局"]
    chart = (
        login(cast.other_office_user)
        .get(reverse("dispatch:timeliness_chart"), {"campaign": cast.campaign.pk})
        .json()
    )
    assert chart["yAxis"]["data"] == []


def test_report_list(cast, login, django_assert_max_num_queries):
    open_test_round(cast)
    open_test_round(cast, title="第二轮")
    client = login(cast.office_user)
    with django_assert_max_num_queries(12):
        resp = client.get(reverse("dispatch:report_list"))
    assert resp.context["total_count"] == 4
    resp = login(cast.edu_liaison).get(reverse("dispatch:report_list"))
    assert resp.context["total_count"] == 2
