"""The periodic pass: reminders that fall due, escalations, digests — and nothing new the second time."""

import datetime

from django.core.management import call_command
from django.utils import timezone

from shian.dispatch.services import open_round
from shian.notifications.choices import Event
from shian.notifications.models import Delivery, Notification
from shian.notifications.reminders import run_pass
from shian.rectification.services import create_problem


def _events(user):
    return sorted(Notification.objects.filter(recipient=user).values_list("event", flat=True))


def test_due_and_overdue_tasks_are_reminded_once(cast):
    # edu_task is due in 10 days (outside N=3), market_task 5 days overdue
    cast.campaign.remind_days_before = 10
    cast.campaign.save()
    first = run_pass()
    assert _events(cast.edu_liaison) == [Event.TASK_DUE]
    assert _events(cast.market_liaison) == [Event.TASK_OVERDUE]
    assert first["inapp"] == 3  # liaison and head of 教育局, liaison of 市场监管局; nobody in 盐亭县
    assert not Notification.objects.filter(recipient=cast.other_liaison).exists()
    second = run_pass()
    assert second["inapp"] == 0 and Notification.objects.count() == 3
    # a new deadline is a new occasion
    cast.edu_task.deadline = timezone.localdate() + datetime.timedelta(days=2)
    cast.edu_task.save()
    assert run_pass()["inapp"] == 2


def test_the_window_is_the_campaigns_setting(cast):
    cast.campaign.remind_days_before = 3
    cast.campaign.save()
    run_pass()
    assert _events(cast.edu_liaison) == []  # due in 10 days: not yet


def test_rounds_due_tomorrow_and_missed(cast):
    now = timezone.now()
    due = open_round(
        cast.campaign,
        "monthly",
        "5月调度",
        now + datetime.timedelta(hours=20),
        units=[cast.edu],
        actor=cast.office_user,
    )
    missed = open_round(
        cast.campaign,
        "monthly",
        "4月调度",
        now - datetime.timedelta(days=1),
        units=[cast.market],
        actor=cast.office_user,
        opened_at=now - datetime.timedelta(days=10),
    )
    run_pass()
    assert Notification.objects.get(event=Event.ROUND_DUE, recipient=cast.edu_liaison).object_id == str(
        due.reports.get().pk
    )
    assert Notification.objects.filter(event=Event.ROUND_MISSED, recipient=cast.market_liaison).count() == 1
    office = Notification.objects.get(event=Event.ROUND_MISSED, recipient=cast.office_user)
    assert "市场监管局" in office.body and office.object_id == str(missed.pk)
    assert run_pass()["inapp"] == 0


def test_overdue_problems_are_escalated_and_the_summons_announced(cast):
    today = timezone.localdate()
    problem = create_problem(
        cast.campaign,
        actor=cast.office_user,
        description="后厨卫生不达标",
        unit=cast.edu,
        deadline=today - datetime.timedelta(days=40),
    )
    result = run_pass()
    assert result["escalated"]["interview"] == 1
    events = set(_events(cast.edu_liaison))
    assert {Event.PROBLEM_OVERDUE, Event.PROBLEM_ESCALATED, Event.SUMMONS_SCHEDULED} <= events
    problem.refresh_from_db()
    assert problem.summons is not None
    assert run_pass()["escalated"] == {"reminder": 0, "warning": 0, "interview": 0}


def test_digest_once_a_day_per_channel_lists_what_waits(cast, smtp_server):
    cast.market_liaison.email = "liu@anlan.example"
    cast.market_liaison.save()
    cast.other_liaison.email = "yanting@anlan.example"
    cast.other_liaison.save()
    first = run_pass()
    assert first["digests"] >= 1
    digests = [m for m in smtp_server.messages if "每日待办汇总" in m["subject"]]
    assert [m["to"] for m in digests if "liu@anlan.example" in m["to"]] == [["liu@anlan.example"]]
    body = next(m["body"] for m in digests if m["to"] == ["liu@anlan.example"])
    assert "待办任务：1" in body and "逾期1项" in body
    assert run_pass()["digests"] == 0
    assert Delivery.objects.filter(event="digest", recipient=cast.market_liaison).count() == 1


def test_no_digest_without_an_outside_channel(cast):
    cast.market_liaison.email = "liu@anlan.example"
    cast.market_liaison.save()
    assert run_pass()["digests"] == 0


def test_the_remind_command_prints_per_channel_and_sends_nothing_new_twice(cast, smtp_server, capsys):
    cast.market_liaison.email = "liu@anlan.example"
    cast.market_liaison.save()
    call_command("remind")
    out = capsys.readouterr().out
    assert "站内消息 1 条" in out and "电子邮件 1 条" in out and "企业微信群机器人 0 条" in out
    call_command("remind")
    out = capsys.readouterr().out
    assert "站内消息 0 条" in out and "电子邮件 0 条" in out
