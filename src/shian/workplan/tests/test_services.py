import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from shian.core.models import AuditLog
from shian.core.services import ConcurrentEditError
from shian.framework.choices import UnitRole
from shian.workplan import services
from shian.workplan.choices import TaskStatus
from shian.workplan.models import Task, TaskUpdate

pytestmark = pytest.mark.django_db


def test_generate_creates_one_task_per_item_and_unit_and_is_idempotent(cast):
    # The cast framework has 5 (item, unit) assignments; 2 tasks already exist for two of them.
    result = services.generate_tasks(cast.campaign, actor=cast.office_user)
    assert result == {"created": 3, "existing": 2, "no_deadline": 0}
    tasks = Task.objects.filter(campaign=cast.campaign)
    assert tasks.count() == 5
    coop = tasks.get(item=cast.items[1], unit=cast.market)
    assert coop.role == UnitRole.COOPERATE
    assert coop.title == "制定学校食堂食品安全管理责任清单"
    assert coop.status == TaskStatus.PENDING_CLAIM
    assert services.generate_tasks(cast.campaign, actor=cast.office_user) == {
        "created": 0,
        "existing": 5,
        "no_deadline": 0,
    }
    assert tasks.count() == 5
    assert AuditLog.objects.filter(event="tasks_generated").count() == 1


def test_generate_takes_the_sheets_deadline_else_the_campaign_default(cast):
    deadline = datetime.date(2030, 6, 30)
    cast.items[3].deadline = deadline
    cast.items[3].save()
    cast.campaign.default_task_deadline = datetime.date(2029, 12, 31)
    cast.campaign.save()
    services.generate_tasks(cast.campaign, actor=cast.office_user)
    assert Task.objects.get(item=cast.items[3]).deadline == deadline
    assert Task.objects.get(item=cast.items[0]).deadline == datetime.date(2029, 12, 31)


def test_generate_falls_back_to_the_next_milestone_and_counts_tasks_left_without(cast):
    from shian.campaigns.models import Milestone

    upcoming = Milestone.objects.filter(campaign=cast.campaign, done=False).order_by("date").first()
    services.generate_tasks(cast.campaign, actor=cast.office_user)
    assert Task.objects.get(item=cast.items[0]).deadline == upcoming.date
    Task.objects.filter(campaign=cast.campaign, parent__isnull=True, item__isnull=False).delete()
    Milestone.objects.filter(campaign=cast.campaign).delete()
    result = services.generate_tasks(cast.campaign, actor=cast.office_user)
    assert result["no_deadline"] == result["created"] > 0


def test_a_submitted_task_is_never_overdue(cast):
    past = timezone.localdate() - datetime.timedelta(days=3)
    Task.objects.filter(pk=cast.edu_task.pk).update(deadline=past)
    cast.edu_task.refresh_from_db()
    services.report_progress(
        cast.edu_task,
        100,
        "已完成，请验收",
        TaskStatus.SUBMITTED,
        actor=cast.edu_liaison,
        expected_version=cast.edu_task.version,
    )
    assert not cast.edu_task.is_overdue and cast.edu_task.status_label == "已提交"
    assert not Task.objects.overdue().filter(pk=cast.edu_task.pk).exists()
    services.send_back_task(
        cast.edu_task, "材料不全", actor=cast.office_user, expected_version=cast.edu_task.version
    )
    assert cast.edu_task.is_overdue


def test_bulk_edit_sets_deadline_unit_and_status_all_or_nothing(cast):
    tasks = list(
        Task.objects.filter(pk__in=[cast.edu_task.pk, cast.market_task.pk]).select_related("campaign__region")
    )
    day = datetime.date(2030, 1, 31)
    assert (
        services.bulk_update_tasks(tasks, actor=cast.office_user, deadline=day, status=TaskStatus.DONE) == 2
    )
    assert set(Task.objects.filter(pk__in=[t.pk for t in tasks]).values_list("deadline", "status")) == {
        (day, TaskStatus.DONE)
    }
    # one task of the other county among them: refused, nothing changes
    other = Task.objects.filter(campaign=cast.other_campaign).first()
    mixed = [*Task.objects.filter(pk__in=[t.pk for t in tasks]).select_related("campaign__region"), other]
    with pytest.raises(ValidationError, match="无权修改"):
        services.bulk_update_tasks(mixed, actor=cast.office_user, deadline=datetime.date(2031, 1, 1))
    assert not Task.objects.filter(deadline=datetime.date(2031, 1, 1)).exists()
    # reassigning a done task is refused with the task's name
    with pytest.raises(ValidationError, match="已完成的任务不能改派"):
        services.bulk_update_tasks(tasks[:1], actor=cast.office_user, unit=cast.town_unit)


@pytest.mark.parametrize("who", ["leader", "edu_liaison", "other_office_user"])
def test_only_the_campaign_office_generates(cast, who):
    with pytest.raises(PermissionDenied):
        services.generate_tasks(cast.campaign, actor=getattr(cast, who))


def test_liaison_claims_own_unit_task(cast):
    task = cast.edu_task
    services.claim_task(task, actor=cast.edu_liaison)
    task.refresh_from_db()
    assert task.status == TaskStatus.IN_PROGRESS
    assert task.claimed_by == cast.edu_liaison
    assert task.claimed_at is not None
    assert task.version == 2
    assert AuditLog.objects.filter(event="task_claimed", object_id=str(task.pk)).count() == 1
    assert TaskUpdate.objects.get(task=task).status_after == TaskStatus.IN_PROGRESS


def test_unit_head_may_claim_too(cast):
    services.claim_task(cast.edu_task, actor=cast.edu_head)
    assert cast.edu_task.claimed_by == cast.edu_head


@pytest.mark.parametrize("who", ["market_liaison", "other_liaison", "office_user", "leader"])
def test_nobody_else_can_claim(cast, who):
    with pytest.raises(PermissionDenied):
        services.claim_task(cast.edu_task, actor=getattr(cast, who))
    cast.edu_task.refresh_from_db()
    assert cast.edu_task.status == TaskStatus.PENDING_CLAIM


def test_a_claimed_task_cannot_be_claimed_again(cast):
    services.claim_task(cast.edu_task, actor=cast.edu_liaison)
    stale = Task.objects.get(pk=cast.edu_task.pk)
    stale.status = TaskStatus.PENDING_CLAIM  # a page loaded before the first claim
    with pytest.raises(ValidationError) as exc:
        services.claim_task(stale, actor=cast.edu_head)
    assert "不能再认领" in str(exc.value)
    assert Task.objects.get(pk=cast.edu_task.pk).claimed_by == cast.edu_liaison


def test_unit_reports_progress_and_submits(cast):
    task = cast.edu_task
    services.claim_task(task, actor=cast.edu_liaison)
    services.report_progress(
        task, 40, "已起草责任清单", actor=cast.edu_liaison, expected_version=task.version
    )
    task.refresh_from_db()
    assert (task.status, task.progress, task.latest_note) == (TaskStatus.IN_PROGRESS, 40, "已起草责任清单")
    services.report_progress(
        task, 100, "已印发", TaskStatus.SUBMITTED, actor=cast.edu_liaison, expected_version=task.version
    )
    task.refresh_from_db()
    assert task.status == TaskStatus.SUBMITTED
    assert list(task.updates.values_list("status_after", "progress")) == [
        ("submitted", 100),
        ("in_progress", 40),
        ("in_progress", 0),
    ]


def test_reporting_on_an_unclaimed_task_claims_it(cast):
    services.report_progress(
        cast.edu_task, 10, "开始", actor=cast.edu_liaison, expected_version=cast.edu_task.version
    )
    cast.edu_task.refresh_from_db()
    assert cast.edu_task.status == TaskStatus.IN_PROGRESS
    assert cast.edu_task.claimed_by == cast.edu_liaison


def test_unit_cannot_mark_done(cast):
    services.claim_task(cast.edu_task, actor=cast.edu_liaison)
    with pytest.raises(ValidationError) as exc:
        services.report_progress(
            cast.edu_task,
            100,
            "",
            TaskStatus.DONE,
            actor=cast.edu_liaison,
            expected_version=cast.edu_task.version,
        )
    assert exc.value.message_dict == {"status": ["只有创建办可以将任务标记为已完成"]}
    with pytest.raises(PermissionDenied):
        services.complete_task(cast.edu_task, actor=cast.edu_liaison, expected_version=cast.edu_task.version)


def test_unit_cannot_take_back_a_submitted_task(cast):
    services.report_progress(
        cast.edu_task,
        100,
        "完成",
        TaskStatus.SUBMITTED,
        actor=cast.edu_liaison,
        expected_version=cast.edu_task.version,
    )
    with pytest.raises(ValidationError) as exc:
        services.report_progress(
            cast.edu_task,
            80,
            "撤回",
            TaskStatus.IN_PROGRESS,
            actor=cast.edu_liaison,
            expected_version=cast.edu_task.version,
        )
    assert "只有创建办可以退回" in str(exc.value)


def test_office_completes_and_sends_back(cast):
    task = cast.edu_task
    services.report_progress(
        task, 90, "完成", TaskStatus.SUBMITTED, actor=cast.edu_liaison, expected_version=task.version
    )
    with pytest.raises(ValidationError) as exc:
        services.send_back_task(task, "", actor=cast.office_user, expected_version=task.version)
    assert exc.value.message_dict == {"note": ["请填写退回原因"]}
    services.send_back_task(task, "缺少印发文件", actor=cast.office_user, expected_version=task.version)
    task.refresh_from_db()
    assert (task.status, task.latest_note) == (TaskStatus.IN_PROGRESS, "缺少印发文件")
    assert AuditLog.objects.filter(event="task_sent_back", object_id=str(task.pk)).exists()
    services.complete_task(task, actor=cast.office_user, expected_version=task.version)
    task.refresh_from_db()
    assert (task.status, task.progress) == (TaskStatus.DONE, 100)
    assert task.completed_at is not None
    with pytest.raises(ValidationError) as exc:
        services.report_progress(task, 50, "再改", actor=cast.edu_liaison, expected_version=task.version)
    assert exc.value.message_dict == {"status": ["任务已完成，不能再填报进展"]}


def test_only_submitted_tasks_are_sent_back(cast):
    with pytest.raises(ValidationError):
        services.send_back_task(
            cast.edu_task, "原因", actor=cast.office_user, expected_version=cast.edu_task.version
        )


def test_other_units_and_read_only_roles_cannot_report(cast):
    for who in (cast.market_liaison, cast.other_liaison, cast.leader, cast.expert, cast.other_office_user):
        with pytest.raises(PermissionDenied):
            services.report_progress(
                cast.edu_task, 10, "x", actor=who, expected_version=cast.edu_task.version
            )


@pytest.mark.parametrize("value", [-1, 101, "abc", 12.5])
def test_progress_must_be_0_to_100(cast, value):
    with pytest.raises(ValidationError) as exc:
        services.report_progress(
            cast.edu_task, value, "", actor=cast.edu_liaison, expected_version=cast.edu_task.version
        )
    assert exc.value.message_dict == {"progress": ["进度必须是0到100之间的整数"]}


def test_stale_progress_is_refused(cast):
    version = cast.edu_task.version
    services.report_progress(
        cast.edu_task, 10, "第一次", actor=cast.edu_liaison, expected_version=cast.edu_task.version
    )
    with pytest.raises(ConcurrentEditError):
        services.report_progress(cast.edu_task, 20, "第二次", actor=cast.edu_head, expected_version=version)


def test_overdue_is_derived_and_filters_agree(cast):
    today = timezone.localdate()
    # cast.market_task: deadline 5 days ago, pending → overdue; cast.edu_task: future → not.
    assert cast.market_task.is_overdue and cast.market_task.status_label == "逾期"
    assert not cast.edu_task.is_overdue
    qs = Task.objects.filter(campaign=cast.campaign)
    assert list(qs.with_status_filter("overdue")) == [cast.market_task]
    services.complete_task(
        cast.market_task, actor=cast.office_user, expected_version=cast.market_task.version
    )
    assert qs.with_status_filter("overdue").count() == 0
    Task.objects.filter(pk=cast.edu_task.pk).update(deadline=today - datetime.timedelta(days=1))
    assert list(qs.overdue()) == [Task.objects.get(pk=cast.edu_task.pk)]
    # A deadline of today is not overdue yet.
    Task.objects.filter(pk=cast.edu_task.pk).update(deadline=today)
    assert qs.overdue().count() == 0


def test_reassign_goes_back_to_pending_for_the_new_unit(cast):
    services.claim_task(cast.edu_task, actor=cast.edu_liaison)
    services.reassign_task(
        cast.edu_task,
        cast.town_unit,
        note="属地负责",
        actor=cast.office_user,
        expected_version=cast.edu_task.version,
    )
    task = Task.objects.get(pk=cast.edu_task.pk)
    assert (task.unit, task.status, task.claimed_by) == (cast.town_unit, TaskStatus.PENDING_CLAIM, None)
    assert (
        AuditLog.objects.get(event="task_reassigned").note
        == "由“三台县教育局”改派至“潼川镇人民政府”：属地负责"
    )
    with pytest.raises(PermissionDenied):
        services.claim_task(task, actor=cast.edu_liaison)
    services.claim_task(task, actor=cast.town_liaison)


def test_reassign_refuses_units_outside_the_campaign_region(cast):
    with pytest.raises(ValidationError) as exc:
        services.reassign_task(
            cast.edu_task, cast.other_edu, actor=cast.office_user, expected_version=cast.edu_task.version
        )
    assert "不在本创建项目的辖区内" in exc.value.message_dict["unit"][0]


def test_split_creates_children(cast):
    d = cast.edu_task.deadline
    children = services.split_task(
        cast.edu_task,
        [
            ("潼川镇学校食堂清单", cast.town_unit, None),
            ("县直学校清单", cast.edu, d - datetime.timedelta(days=3)),
        ],
        actor=cast.office_user,
    )
    assert [(c.title, c.unit, c.deadline, c.parent) for c in children] == [
        ("潼川镇学校食堂清单", cast.town_unit, d, cast.edu_task),
        ("县直学校清单", cast.edu, d - datetime.timedelta(days=3), cast.edu_task),
    ]
    assert all(c.item == cast.items[1] and c.status == TaskStatus.PENDING_CLAIM for c in children)


def test_split_names_the_bad_part(cast):
    with pytest.raises(ValidationError) as exc:
        services.split_task(
            cast.edu_task, [("好的", cast.edu, None), ("", cast.edu, None)], actor=cast.office_user
        )
    assert exc.value.message_dict == {"parts": ["第2项子任务：任务名称不能为空"]}
    late = cast.edu_task.deadline + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        services.split_task(cast.edu_task, [("晚了", cast.edu, late)], actor=cast.office_user)
    assert "不能晚于原任务" in exc.value.message_dict["parts"][0]
    assert Task.objects.filter(parent=cast.edu_task).count() == 0


def test_update_task_is_versioned(cast):
    task = cast.edu_task
    services.update_task(task, actor=cast.office_user, expected_version=1, title="新标题")
    assert Task.objects.get(pk=task.pk).title == "新标题"
    with pytest.raises(ConcurrentEditError):
        services.update_task(
            Task.objects.get(pk=task.pk), actor=cast.office_user, expected_version=1, title="旧"
        )
    with pytest.raises(PermissionDenied):
        services.update_task(task, actor=cast.edu_liaison, expected_version=2, title="联络员改")


def test_create_task_checks_unit_region(cast):
    task = services.create_task(cast.campaign, actor=cast.office_user, title="临时任务", unit=cast.town_unit)
    assert task.status == TaskStatus.PENDING_CLAIM
    with pytest.raises(ValidationError):
        services.create_task(cast.campaign, actor=cast.office_user, title="越界", unit=cast.other_edu)
    with pytest.raises(PermissionDenied):
        services.create_task(cast.campaign, actor=cast.other_office_user, title="越权", unit=cast.edu)
