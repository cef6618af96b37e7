import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from shian.core.models import AuditLog
from shian.dispatch import services
from shian.dispatch.choices import ReportStatus, RoundStatus
from shian.dispatch.models import DispatchReport, DispatchRound
from shian.dispatch.tests.factories import open_test_round
from shian.workplan import services as task_services
from shian.workplan.choices import TaskStatus
from shian.workplan.models import Task

pytestmark = pytest.mark.django_db


def _submit(report, user, when=None, lines=None):
    if lines is None:
        lines = [(t, t.status, t.progress, "") for t in services.report_tasks(report) if t.status != "done"]
    services.save_report(
        report, "本月按计划推进", "", "", lines, True, actor=user, expected_version=report.version
    )
    if when is not None:
        DispatchReport.objects.filter(pk=report.pk).update(submitted_at=when)


def test_open_round_creates_a_missing_report_per_unit_with_open_tasks(cast):
    rnd = open_test_round(cast)
    assert sorted(rnd.reports.values_list("unit__name", flat=True)) == [
        "三台县市场监督管理局",
        "三台县教育局",
    ]
    assert set(rnd.reports.values_list("status", flat=True)) == {ReportStatus.MISSING}
    assert AuditLog.objects.filter(event="round_opened", object_id=str(rnd.pk)).count() == 1


def test_units_with_only_done_tasks_are_not_involved(cast):
    task_services.complete_task(
        cast.market_task, actor=cast.office_user, expected_version=cast.market_task.version
    )
    rnd = open_test_round(cast)
    assert list(rnd.reports.values_list("unit", flat=True)) == [cast.edu.pk]


def test_open_round_with_chosen_units(cast):
    rnd = open_test_round(cast, units=[cast.town_unit])
    assert list(rnd.reports.values_list("unit", flat=True)) == [cast.town_unit.pk]
    with pytest.raises(ValidationError) as exc:
        open_test_round(cast, units=[cast.other_edu])
    assert "不在本创建项目的辖区内" in exc.value.message_dict["units"][0]


def test_open_round_checks_permission_and_input(cast):
    for who in (cast.leader, cast.edu_liaison, cast.other_office_user):
        with pytest.raises(PermissionDenied):
            services.open_round(
                cast.campaign, "monthly", "x", timezone.now() + datetime.timedelta(days=1), actor=who
            )
    with pytest.raises(ValidationError) as exc:
        services.open_round(
            cast.campaign, "monthly", " ", timezone.now() + datetime.timedelta(days=1), actor=cast.office_user
        )
    assert exc.value.message_dict == {"title": ["请填写调度名称"]}
    with pytest.raises(ValidationError) as exc:
        services.open_round(
            cast.campaign,
            "monthly",
            "过期",
            timezone.now() - datetime.timedelta(hours=1),
            actor=cast.office_user,
        )
    assert exc.value.message_dict == {"deadline": ["报送截止时间必须晚于发起时间"]}


def test_a_date_deadline_means_end_of_day(cast):
    day = timezone.localdate() + datetime.timedelta(days=2)
    rnd = services.open_round(cast.campaign, "special", "专题调度", day, actor=cast.office_user)
    local = timezone.localtime(rnd.deadline)
    assert (local.date(), local.hour, local.minute) == (day, 23, 59)


def test_save_draft_then_submit_updates_tasks(cast):
    rnd = open_test_round(cast)
    report = rnd.reports.get(unit=cast.edu)
    services.save_report(
        report,
        "草稿",
        "",
        "",
        [(cast.edu_task, "in_progress", 30, "起草中")],
        False,
        actor=cast.edu_liaison,
        expected_version=report.version,
    )
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT and report.submitted_at is None
    assert Task.objects.get(pk=cast.edu_task.pk).status == TaskStatus.PENDING_CLAIM  # drafts don't move tasks
    services.save_report(
        report,
        "已印发责任清单",
        "经费不足",
        "请协调财政",
        [(cast.edu_task, "submitted", 100, "已印发")],
        True,
        actor=cast.edu_liaison,
        expected_version=report.version,
    )
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    assert report.submitted_by == cast.edu_liaison
    assert report.timeliness == "on_time"
    assert list(report.lines.values_list("task", "status", "progress", "note")) == [
        (cast.edu_task.pk, "submitted", 100, "已印发")
    ]
    task = Task.objects.get(pk=cast.edu_task.pk)
    assert (task.status, task.progress, task.latest_note, task.claimed_by) == (
        TaskStatus.SUBMITTED,
        100,
        "已印发",
        cast.edu_liaison,
    )
    with pytest.raises(ValidationError) as exc:
        services.save_report(
            report, "再改", "", "", [], True, actor=cast.edu_liaison, expected_version=report.version
        )
    assert exc.value.message_dict == {"status": ["报告已报送，不能再修改"]}


def test_only_the_units_own_people_file_its_report(cast):
    rnd = open_test_round(cast)
    report = rnd.reports.get(unit=cast.edu)
    for who in (cast.market_liaison, cast.other_liaison, cast.office_user, cast.leader):
        with pytest.raises(PermissionDenied):
            services.save_report(report, "x", "", "", [], False, actor=who, expected_version=report.version)


def test_lines_only_for_the_units_own_tasks(cast):
    rnd = open_test_round(cast)
    report = rnd.reports.get(unit=cast.edu)
    with pytest.raises(ValidationError) as exc:
        services.save_report(
            report,
            "x",
            "",
            "",
            [(cast.edu_task, "in_progress", 10, ""), (cast.market_task, "in_progress", 10, "")],
            False,
            actor=cast.edu_liaison,
            expected_version=report.version,
        )
    assert exc.value.message_dict["lines"][0].startswith("第2行：任务")
    with pytest.raises(ValidationError) as exc:
        services.save_report(
            report,
            "x",
            "",
            "",
            [(cast.edu_task, "done", 100, "")],
            False,
            actor=cast.edu_liaison,
            expected_version=report.version,
        )
    assert "状态只能是" in exc.value.message_dict["lines"][0]


def test_submit_needs_narrative_and_every_open_task(cast):
    rnd = open_test_round(cast)
    report = rnd.reports.get(unit=cast.edu)
    with pytest.raises(ValidationError) as exc:
        services.save_report(
            report,
            "",
            "",
            "",
            [(cast.edu_task, "in_progress", 10, "")],
            True,
            actor=cast.edu_liaison,
            expected_version=report.version,
        )
    assert exc.value.message_dict == {"narrative": ["报送前请填写工作进展"]}
    with pytest.raises(ValidationError) as exc:
        services.save_report(
            report, "进展", "", "", [], True, actor=cast.edu_liaison, expected_version=report.version
        )
    assert "未填写本期状态和进度" in exc.value.message_dict["lines"][0]


def test_late_submission_allowed_and_marked_late(cast):
    rnd = open_test_round(cast)
    DispatchRound.objects.filter(pk=rnd.pk).update(deadline=timezone.now() - datetime.timedelta(hours=1))
    report = rnd.reports.get(unit=cast.edu)
    _submit(report, cast.edu_liaison)
    report.refresh_from_db()
    assert report.timeliness == "late"
    assert AuditLog.objects.get(event="report_submitted").note == "逾期报送"


def test_closed_round_refuses_reports(cast):
    rnd = open_test_round(cast)
    services.close_round(rnd, actor=cast.office_user)
    rnd.refresh_from_db()
    assert rnd.status == RoundStatus.CLOSED and rnd.closed_at is not None
    with pytest.raises(ValidationError) as exc:
        _submit(rnd.reports.get(unit=cast.edu), cast.edu_liaison)
    assert exc.value.message_dict == {"round": ["本轮调度已结束，不能再填报"]}
    with pytest.raises(ValidationError):
        services.close_round(rnd, actor=cast.office_user)
    assert AuditLog.objects.get(event="round_closed").note == "按时0、逾期0、未报送2"


def test_close_round_permission(cast):
    rnd = open_test_round(cast)
    for who in (cast.leader, cast.edu_liaison, cast.other_office_user):
        with pytest.raises(PermissionDenied):
            services.close_round(rnd, actor=who)


def test_round_summary_on_time_late_missing(cast):
    rnd = open_test_round(cast, units=[cast.edu, cast.market, cast.town_unit])
    deadline = rnd.deadline
    _submit(rnd.reports.get(unit=cast.edu), cast.edu_liaison, when=deadline - datetime.timedelta(hours=1))
    _submit(
        rnd.reports.get(unit=cast.market), cast.market_liaison, when=deadline + datetime.timedelta(minutes=1)
    )
    summary = services.round_summary(rnd)
    assert [r.unit for r in summary["on_time"]] == [cast.edu]
    assert [r.unit for r in summary["late"]] == [cast.market]
    assert [r.unit for r in summary["missing"]] == [cast.town_unit]
    assert (summary["total"], summary["rate"]) == (3, 33.3)


def test_report_exactly_at_the_deadline_is_on_time(cast):
    rnd = open_test_round(cast)
    _submit(rnd.reports.get(unit=cast.edu), cast.edu_liaison, when=rnd.deadline)
    assert [r.unit for r in services.round_summary(rnd)["on_time"]] == [cast.edu]


def test_unit_timeliness_across_rounds(cast, django_assert_max_num_queries):
    now = timezone.now()
    # Round 1 (closed): edu on time, market late.   Round 2 (past deadline): edu late, market missing.
    # Round 3 (open, before deadline): edu on time, market not yet reported → not counted for market.
    r1 = open_test_round(cast, days=10, title="一月")
    _submit(r1.reports.get(unit=cast.edu), cast.edu_liaison, when=r1.deadline - datetime.timedelta(days=1))
    _submit(
        r1.reports.get(unit=cast.market), cast.market_liaison, when=r1.deadline + datetime.timedelta(days=1)
    )
    services.close_round(r1, actor=cast.office_user)
    r2 = open_test_round(cast, days=10, title="二月")
    _submit(r2.reports.get(unit=cast.edu), cast.edu_liaison, when=r2.deadline + datetime.timedelta(hours=2))
    DispatchRound.objects.filter(pk=r2.pk).update(deadline=now - datetime.timedelta(hours=1))
    DispatchReport.objects.filter(round=r2, unit=cast.edu).update(submitted_at=now)
    r3 = open_test_round(cast, days=5, title="三月")
    _submit(r3.reports.get(unit=cast.edu), cast.edu_liaison)
    with django_assert_max_num_queries(1):
        rows = services.unit_timeliness(cast.campaign)
    assert [(r["unit"], r["rounds"], r["on_time"], r["late"], r["missing"], r["rate"]) for r in rows] == [
        ("三台县市场监督管理局", 2, 0, 1, 1, 0.0),
        ("三台县教育局", 3, 2, 1, 0, 66.7),
    ]
    # The other county's rounds never mix in.
    assert services.unit_timeliness(cast.other_campaign) == []
