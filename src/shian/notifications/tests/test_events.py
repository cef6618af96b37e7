"""Each named event of the other apps reaches the right unit, with its own text and link."""

import datetime

from django.utils import timezone

from shian.dispatch.services import open_round
from shian.evidence.services import approve_material
from shian.notifications.choices import Event
from shian.notifications.models import Notification
from shian.rectification.services import create_problem, escalate_problems, verify_problem
from shian.workplan.services import generate_tasks, reassign_task, split_task


def _to(user):
    return list(Notification.objects.filter(recipient=user).values_list("event", "title"))


def test_generated_tasks_make_one_message_per_unit(cast, on_commit):
    with on_commit():
        result = generate_tasks(cast.campaign, actor=cast.office_user)
    assert result["created"] >= 2
    market = Notification.objects.filter(recipient=cast.market_liaison, event=Event.TASK_ASSIGNED)
    assert market.count() == 1 and "新分派任务" in market.get().title


def test_reassigned_and_split_tasks_tell_the_new_unit(cast, on_commit):
    with on_commit():
        reassign_task(
            cast.edu_task, cast.town_unit, actor=cast.office_user, expected_version=cast.edu_task.version
        )
    assert [e for e, _ in _to(cast.town_liaison)] == [Event.TASK_ASSIGNED]
    with on_commit():
        split_task(cast.market_task, [("子任务一", cast.edu, None)], actor=cast.office_user)
    assert ("task_assigned", "新任务：子任务一") in _to(cast.edu_liaison)


def test_an_approved_material_is_announced(cast, material, on_commit):
    with on_commit():
        approve_material(material, actor=cast.office_user, expected_version=material.version)
    assert [e for e, _ in _to(cast.edu_liaison)] == [Event.MATERIAL_APPROVED]


def test_a_new_round_reaches_every_unit_that_must_report(cast, on_commit):
    with on_commit():
        rnd = open_round(
            cast.campaign,
            "monthly",
            "5月调度",
            timezone.now() + datetime.timedelta(days=5),
            actor=cast.office_user,
        )
    n = Notification.objects.get(recipient=cast.market_liaison, event=Event.ROUND_OPENED)
    assert n.url == rnd.get_absolute_url() and "前报送" in n.body
    assert not Notification.objects.filter(recipient=cast.other_liaison).exists()


def test_problem_assigned_escalated_to_summons_and_verified(cast, on_commit):
    today = timezone.localdate()
    with on_commit():
        problem = create_problem(
            cast.campaign,
            actor=cast.office_user,
            description="后厨卫生不达标",
            unit=cast.edu,
            deadline=today - datetime.timedelta(days=40),
        )
    with on_commit():
        escalate_problems(today=today)
    events = [e for e, _ in _to(cast.edu_liaison)]
    assert events.count(Event.PROBLEM_ASSIGNED) == 1 and Event.PROBLEM_ESCALATED in events
    assert Event.SUMMONS_SCHEDULED in events
    problem.refresh_from_db()
    with on_commit():
        verify_problem(
            problem,
            actor=cast.office_user,
            method="documents",
            note="已整改到位",
            expected_version=problem.version,
        )
    assert ("problem_verified", f"整改问题已销号：{problem}") in _to(cast.edu_liaison)


def test_the_hook_for_later_apps_accepts_its_own_event_names(cast, on_commit):
    from shian.notifications.hooks import notify_event

    with on_commit():
        notify_event(
            "inspection_found", cast.edu_task, units=[cast.edu], campaign=cast.campaign, title="督查发现问题"
        )
    n = Notification.objects.get(recipient=cast.edu_liaison)
    assert n.event_label == "inspection_found" and n.title == "督查发现问题"
