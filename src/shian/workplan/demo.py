"""Demo tasks: generated from the sample framework, then moved through every state with a progress log."""

import datetime

from django.utils import timezone

from shian.organisation.choices import Role
from shian.workplan import services
from shian.workplan.choices import TaskStatus
from shian.workplan.models import Task, TaskStatusChange, TaskUpdate

NOTES_IN_PROGRESS = [
    "已制定工作方案，明确责任股室和完成时限",
    "已召开专题推进会，正在收集整理佐证材料",
    "已完成前期摸底，正在组织开展专项检查",
    "牵头起草的文件已进入征求意见阶段",
    "已完成约一半乡镇的督导检查，其余正在推进",
    "相关台账已建立，正在补充完善近三年资料",
]
NOTES_SUBMITTED = [
    "工作已按要求完成，相关文件和台账已上传，请创建办审核",
    "已完成全部检查并形成总结报告，提交审核",
    "佐证材料已按细则要求整理归档，申请验收",
]
NOTES_DONE = ["经审核，材料齐全、符合细则要求", "已完成，资料审查通过"]


def liaisons_by_unit(users) -> dict:
    out = {}
    for user in users.values():
        if user.role == Role.LIAISON and user.unit_id and user.unit_id not in out:
            out[user.unit_id] = user
    return out


def populate(ctx) -> None:
    rng, today, office = ctx.rng, ctx.today, ctx.users["office"]
    services.generate_tasks(ctx.campaign, actor=office)
    tasks = list(
        Task.objects.filter(campaign=ctx.campaign).select_related("campaign__region", "unit").order_by("id")
    )
    # The sample framework's dates are the province's; the county sets its own staggered deadlines
    # (some already past, most in the coming months) so the demo shows every state, 逾期 included.
    for task in tasks:
        task.deadline = today + datetime.timedelta(
            days=rng.choice([-30, -8, 10, 20, 30, 45, 60, 90, 120, 150])
        )
    Task.objects.bulk_update(tasks, ["deadline"])
    liaisons = liaisons_by_unit(ctx.users)
    now = timezone.now()
    for task in tasks:
        liaison = liaisons.get(task.unit_id)
        roll = rng.random()
        if liaison is None or roll < 0.28:
            continue  # 待认领 (some of them past their deadline: 逾期)
        services.claim_task(task, actor=liaison)
        if roll < 0.55:
            services.report_progress(
                task,
                rng.choice([10, 20, 30, 40, 50, 60]),
                rng.choice(NOTES_IN_PROGRESS),
                actor=liaison,
                expected_version=task.version,
            )
        elif roll < 0.72:
            services.report_progress(
                task,
                rng.choice([40, 60]),
                rng.choice(NOTES_IN_PROGRESS),
                actor=liaison,
                expected_version=task.version,
            )
            services.report_progress(
                task,
                100,
                rng.choice(NOTES_SUBMITTED),
                TaskStatus.SUBMITTED,
                actor=liaison,
                expected_version=task.version,
            )
        else:
            services.report_progress(
                task,
                100,
                rng.choice(NOTES_SUBMITTED),
                TaskStatus.SUBMITTED,
                actor=liaison,
                expected_version=task.version,
            )
            services.complete_task(task, rng.choice(NOTES_DONE), actor=office, expected_version=task.version)
    # A submitted task sent back once, so the log shows the whole cycle.
    sent_back = next((t for t in tasks if t.status == TaskStatus.SUBMITTED), None)
    if sent_back is not None:
        services.send_back_task(
            sent_back,
            "佐证材料缺少2023年度会议纪要，请补充后重新提交",
            actor=office,
            expected_version=sent_back.version,
        )
    # One large task split into township parts.
    big = next((t for t in tasks if t.status == TaskStatus.PENDING_CLAIM and t.unit == ctx.office), None)
    if big is not None and ctx.township_units:
        parts = [
            (f"{u.short_name or u.name}：{big.title[:40]}", u, big.deadline) for u in ctx.township_units[:3]
        ]
        services.split_task(big, parts, actor=office)
    # Spread each task's log over the past weeks, in order, instead of "just now".
    updates = list(TaskUpdate.objects.filter(task__campaign=ctx.campaign).order_by("task_id", "id"))
    by_task = {}
    for u in updates:
        by_task.setdefault(u.task_id, []).append(u)
    claimed_at = {}
    for task_id, log in by_task.items():
        at = now - datetime.timedelta(days=rng.randint(25, 60), hours=rng.randint(0, 8))
        for u in log:
            u.at = min(at, now - datetime.timedelta(hours=1))
            at += datetime.timedelta(days=rng.randint(1, 9), hours=rng.randint(0, 6))
        claimed_at[task_id] = log[0].at
    TaskUpdate.objects.bulk_update(updates, ["at"])
    # The status history and completion times follow the same (backdated) log, so a document dated
    # last month counts what was done by then and not everything done while the demo was built.
    TaskStatusChange.objects.filter(subject__campaign=ctx.campaign).delete()
    history, completed_at = [], {}
    for task_id, log in by_task.items():
        last = None
        for u in log:
            if u.status_after != last:
                history.append(
                    TaskStatusChange(subject_id=task_id, status=u.status_after, at=u.at, actor_id=u.author_id)
                )
                last = u.status_after
            if u.status_after == TaskStatus.DONE:
                completed_at[task_id] = u.at
    TaskStatusChange.objects.bulk_create(history)
    claimed = list(Task.objects.filter(campaign=ctx.campaign, claimed_at__isnull=False))
    for t in claimed:
        t.claimed_at = claimed_at.get(t.pk, t.claimed_at)
        if t.status == TaskStatus.DONE:
            t.completed_at = completed_at.get(t.pk, t.completed_at)
    Task.objects.bulk_update(claimed, ["claimed_at", "completed_at"])
    # Tasks were generated when the campaign was mobilised, not today.
    mobilised = ctx.campaign.milestones.filter(kind="mobilise").values_list("date", flat=True).first()
    created = timezone.make_aware(
        datetime.datetime.combine(mobilised or today - datetime.timedelta(days=75), datetime.time(9))
    )
    Task.objects.filter(campaign=ctx.campaign).update(created_at=created)
