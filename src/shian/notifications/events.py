"""The named events of the existing apps, one function each, called from their services at the moment
the thing happens (marked `# notify (issue 11)` there). Each is a thin `notify_event` call: the text a
person reads, who receives it, and what makes it new (the occasion)."""

from django.urls import reverse
from django.utils import timezone

from shian.notifications.choices import Event
from shian.notifications.hooks import notify_event


def _date(value) -> str:
    return f"{value:%Y年%-m月%-d日}" if value else "未设时限"


# --- tasks -------------------------------------------------------------------------------------


def task_assigned(task):
    notify_event(
        Event.TASK_ASSIGNED,
        task,
        units=[task.unit_id],
        campaign=task.campaign_id,
        title=f"新任务：{task.title[:80]}",
        body=f"完成时限：{_date(task.deadline)}。请及时认领并推进。",
        occasion=f"unit-{task.unit_id}",
    )


def tasks_generated(campaign, tasks):
    """Tasks generated from the framework: one message per unit, not one per task."""
    by_unit = {}
    for t in tasks:
        by_unit.setdefault(t.unit_id, []).append(t)
    occasion = f"generated-{timezone.now().isoformat()}"
    for unit_id, group in by_unit.items():
        lines = "\n".join(f"· {t.title[:50]}（{_date(t.deadline)}）" for t in group[:10])
        more = f"\n……共{len(group)}项" if len(group) > 10 else ""
        notify_event(
            Event.TASK_ASSIGNED,
            campaign,
            units=[unit_id],
            campaign=campaign,
            title=f"新分派任务{len(group)}项：{campaign.name[:60]}",
            body=lines + more,
            occasion=f"{occasion}-{unit_id}",
            url=reverse("workplan:task_list"),
        )


def task_sent_back(task, reason):
    notify_event(
        Event.TASK_SENT_BACK,
        task,
        units=[task.unit_id],
        campaign=task.campaign_id,
        title=f"任务被退回：{task.title[:80]}",
        body=f"退回原因：{reason}",
        occasion=f"{timezone.now().isoformat()}",
    )


# --- evidence ----------------------------------------------------------------------------------


def material_returned(material, reason):
    notify_event(
        Event.MATERIAL_RETURNED,
        material,
        units=[material.unit_id],
        campaign=material.campaign_id,
        title=f"材料被退回：{material.title[:80]}",
        body=f"退回原因：{reason}\n请修改后重新提交。",
        occasion=f"v{material.version}",
    )


def material_approved(material):
    notify_event(
        Event.MATERIAL_APPROVED,
        material,
        units=[material.unit_id],
        campaign=material.campaign_id,
        title=f"材料已通过审核：{material.title[:80]}",
        occasion=f"v{material.version}",
    )


# --- dispatch ----------------------------------------------------------------------------------


def round_opened(rnd, unit_ids):
    deadline = timezone.localtime(rnd.deadline)
    body = f"请于{deadline:%Y年%-m月%-d日 %H:%M}前报送本单位调度报告。\n{rnd.instructions}".strip()
    notify_event(
        Event.ROUND_OPENED,
        rnd,
        units=unit_ids,
        campaign=rnd.campaign_id,
        title=f"调度通知：{rnd.title}",
        body=body,
    )
    # and once to the campaign's work group, if it has a robot
    notify_event(
        Event.ROUND_OPENED,
        rnd,
        campaign=rnd.campaign_id,
        title=f"调度通知：{rnd.title}",
        body=f"{len(unit_ids)}个单位需报送。" + body,
    )


# --- rectification -----------------------------------------------------------------------------


def problem_assigned(problem):
    notify_event(
        Event.PROBLEM_ASSIGNED,
        problem,
        units=[problem.unit_id],
        campaign=problem.campaign_id,
        title=f"整改问题交办：{str(problem)[:80]}",
        body=f"整改时限：{_date(problem.deadline)}。\n{problem.description[:300]}",
        occasion=f"unit-{problem.unit_id}",
    )


def problem_verified(problem):
    notify_event(
        Event.PROBLEM_VERIFIED,
        problem,
        units=[problem.unit_id],
        campaign=problem.campaign_id,
        title=f"整改问题已销号：{str(problem)[:80]}",
        body=problem.verify_note[:300],
        occasion=f"{problem.reopen_count}",
    )


def problem_escalated(problem, label):
    notify_event(
        Event.PROBLEM_ESCALATED,
        problem,
        units=[problem.unit_id],
        campaign=problem.campaign_id,
        title=f"整改逾期升级为“{label}”：{str(problem)[:60]}",
        body=f"整改时限{_date(problem.deadline)}已过，请尽快整改并申请销号。",
        occasion=f"{problem.reopen_count}-{problem.escalation}",
    )


def summons_scheduled(summons):
    notify_event(
        Event.SUMMONS_SCHEDULED,
        summons,
        units=[summons.unit_id],
        campaign=summons.campaign_id,
        title=f"约谈通知：{summons.unit}",
        body=summons.reason or "整改问题逾期未销号，将被约谈。",
    )
