"""Task rules: generation from the framework, editing, claiming, progress and the status workflow.

Who may do what:
- the campaign's office (创建办 of the region, or an administrator) generates, creates, edits,
  reassigns, splits, completes and sends back tasks;
- a liaison or head of the task's own unit claims it (待认领 → 进行中), reports progress and submits
  it (进行中 → 已提交);
- only the office marks a task 已完成 or sends a submitted task back (已提交 → 进行中, with a reason).

逾期 is never stored: it is derived from the deadline (see TaskQuerySet.overdue).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from shian.core import policy
from shian.core.audit import log_event
from shian.core.history import record_status
from shian.core.notify import date_text, notify_event  # notify (issue 11)
from shian.core.services import check_version, save_versioned
from shian.framework.choices import UnitRole
from shian.framework.models import ItemUnit
from shian.organisation.choices import Role
from shian.workplan.choices import TaskStatus
from shian.workplan.models import Task, TaskStatusChange, TaskUpdate

UNIT_ROLES = (Role.UNIT_HEAD, Role.LIAISON)
TITLE_MAX = 300


# --- who may act -------------------------------------------------------------------------------


def can_manage_campaign(actor, campaign) -> bool:
    """The office of the campaign's region (or an administrator)."""
    return policy.manages(actor, campaign)


def acts_for_unit(actor, unit_id) -> bool:
    """A liaison or head of exactly this unit."""
    return actor.role in UNIT_ROLES and actor.unit_id is not None and actor.unit_id == unit_id


def can_manage_task(actor, task) -> bool:
    return can_manage_campaign(actor, task.campaign)


def can_report_on_task(actor, task) -> bool:
    return acts_for_unit(actor, task.unit_id) or can_manage_task(actor, task)


def check_manage(actor, campaign):
    if actor.is_read_only or not can_manage_campaign(actor, campaign):
        raise PermissionDenied("只有本辖区创建办可以管理任务")


def _check_unit_in_campaign(unit, campaign, field="unit"):
    if unit is None:
        raise ValidationError({field: "请选择责任单位"})
    if not unit.region.path.startswith(campaign.region.path):
        raise ValidationError({field: f"责任单位“{unit}”不在本创建项目的辖区内"})


def _title_from(text: str) -> str:
    first = " ".join((text or "").split())
    return first[: TITLE_MAX - 1] + "…" if len(first) > TITLE_MAX else first


# --- creating and editing ----------------------------------------------------------------------


@transaction.atomic
def generate_tasks(campaign, *, actor) -> dict:
    """One task per (scoring item, lead or cooperating unit) of the campaign's framework.

    Idempotent: a task already generated for an (item, unit) pair is left alone, whatever its
    state, so re-running only adds what is missing (e.g. after units were added to the framework).
    The deadline is the sheet's (the item's 完成时限), else the campaign's default task deadline,
    else the next milestone not yet reached (tasks are due before the review that checks them).
    Returns {"created": n, "existing": m, "no_deadline": k}.
    """
    check_manage(actor, campaign)
    fallback = campaign.default_task_deadline or (
        campaign.milestones.filter(done=False, date__gte=timezone.localdate())
        .order_by("date")
        .values_list("date", flat=True)
        .first()
    )
    assignments = (
        ItemUnit.objects.filter(item__indicator__category__framework_id=campaign.framework_id)
        .select_related("item", "unit__region")
        .order_by("item__indicator__category__seq", "item__indicator__seq", "item__seq", "role", "seq")
    )
    existing = set(
        Task.objects.filter(campaign=campaign, parent__isnull=True, item__isnull=False).values_list(
            "item_id", "unit_id"
        )
    )
    new, seen = [], 0
    for a in assignments:
        if (a.item_id, a.unit_id) in existing:
            seen += 1
            continue
        existing.add((a.item_id, a.unit_id))
        item = a.item
        description = item.content
        if item.scoring_rule:
            description += f"\n评分标准：{item.scoring_rule}"
        if item.deadline_text and not item.deadline:
            description += f"\n时间节点：{item.deadline_text}"
        new.append(
            Task(
                campaign=campaign,
                item=item,
                unit=a.unit,
                role=a.role,
                deadline=item.deadline or fallback,
                title=_title_from(item.content),
                description=description,
            )
        )
    Task.objects.bulk_create(new)
    if new:
        _notify_tasks_generated(campaign, new)  # notify (issue 11)
        log_event(campaign, "tasks_generated", note=f"由评价细则生成任务{len(new)}项（已有{seen}项未变）")
    return {"created": len(new), "existing": seen, "no_deadline": sum(1 for t in new if t.deadline is None)}


@transaction.atomic
def create_task(
    campaign, *, actor, title, unit, deadline=None, description="", role=UnitRole.LEAD, item=None, parent=None
) -> Task:
    check_manage(actor, campaign)
    if not (title or "").strip():
        raise ValidationError({"title": "任务名称不能为空"})
    _check_unit_in_campaign(unit, campaign)
    if item is not None and item.indicator.category.framework_id != campaign.framework_id:
        raise ValidationError({"item": "评分项不属于本创建项目的评价细则"})
    task = Task(
        campaign=campaign,
        title=title.strip(),
        unit=unit,
        deadline=deadline,
        description=description,
        role=role,
        item=item,
        parent=parent,
    )
    task.full_clean()
    task.save()
    _notify_task_assigned(task)  # notify (issue 11)
    return task


EDITABLE_FIELDS = ("title", "description", "deadline", "role", "item")


@transaction.atomic
def update_task(task, *, actor, expected_version, **fields) -> Task:
    """Edit the task's own fields (not its status: that goes through the workflow functions)."""
    check_manage(actor, task.campaign)
    unknown = set(fields) - set(EDITABLE_FIELDS) - {"unit"}
    if unknown:
        raise ValidationError({sorted(unknown)[0]: "该字段不能在此修改"})
    if "unit" in fields and fields["unit"] != task.unit:
        unit = fields.pop("unit")
        _check_unit_in_campaign(unit, task.campaign)
        if task.status == TaskStatus.DONE:
            raise ValidationError({"unit": "已完成的任务不能改派"})
        _apply_reassign(task, unit)
    fields.pop("unit", None)
    for key, value in fields.items():
        setattr(task, key, value)
    if not (task.title or "").strip():
        raise ValidationError({"title": "任务名称不能为空"})
    task.full_clean()
    save_versioned(task, expected_version)
    record_status(TaskStatusChange, task, task.status, actor=actor)
    return task


def _apply_reassign(task, unit):
    task.unit = unit
    if task.status != TaskStatus.DONE:
        task.status = TaskStatus.PENDING_CLAIM
    task.claimed_by = None
    task.claimed_at = None
    _notify_task_assigned(task)  # notify (issue 11)


@transaction.atomic
def reassign_task(task, unit, *, actor, note="", expected_version=None) -> Task:
    """Give the task to another unit; it goes back to 待认领 for the new unit to claim."""
    check_manage(actor, task.campaign)
    _check_unit_in_campaign(unit, task.campaign)
    if unit.pk == task.unit_id:
        raise ValidationError({"unit": "新责任单位与原责任单位相同"})
    if task.status == TaskStatus.DONE:
        raise ValidationError({"unit": "已完成的任务不能改派"})
    old_unit = task.unit
    _apply_reassign(task, unit)
    save_versioned(task, expected_version)
    record_status(TaskStatusChange, task, task.status, actor=actor)
    log_event(task, "task_reassigned", note=f"由“{old_unit}”改派至“{unit}”" + (f"：{note}" if note else ""))
    return task


@transaction.atomic
def split_task(task, parts, *, actor) -> list[Task]:
    """Split into sub-tasks [(title, unit, deadline)], each a child of `task` to be claimed by its unit."""
    check_manage(actor, task.campaign)
    if task.status == TaskStatus.DONE:
        raise ValidationError({"parts": "已完成的任务不能拆分"})
    parts = [p for p in parts if any(v not in (None, "") for v in p)]
    if not parts:
        raise ValidationError({"parts": "请至少填写一项子任务"})
    children = []
    for n, (title, unit, deadline) in enumerate(parts, start=1):
        if not (title or "").strip():
            raise ValidationError({"parts": f"第{n}项子任务：任务名称不能为空"})
        if unit is None:
            raise ValidationError({"parts": f"第{n}项子任务：请选择责任单位"})
        if not unit.region.path.startswith(task.campaign.region.path):
            raise ValidationError({"parts": f"第{n}项子任务：责任单位“{unit}”不在本创建项目的辖区内"})
        if deadline and task.deadline and deadline > task.deadline:
            raise ValidationError(
                {"parts": f"第{n}项子任务：完成时限不能晚于原任务（{task.deadline:%Y-%m-%d}）"}
            )
        children.append(
            Task(
                campaign=task.campaign,
                item=task.item,
                parent=task,
                title=title.strip()[:TITLE_MAX],
                unit=unit,
                role=task.role,
                deadline=deadline or task.deadline,
                description=task.description,
            )
        )
    for child in children:
        child.full_clean()
        child.save()
        _notify_task_assigned(child)  # notify (issue 11)
    log_event(task, "task_split", note=f"拆分为{len(children)}项子任务")
    return children


# --- the workflow ------------------------------------------------------------------------------


def _locked(task) -> Task:
    """Re-read the task under a row lock so two people cannot move it at the same time."""
    return Task.objects.select_for_update().select_related("campaign__region", "unit").get(pk=task.pk)


def _sync(target, source):
    for f in (
        "status",
        "progress",
        "latest_note",
        "claimed_by_id",
        "claimed_at",
        "completed_at",
        "version",
        "updated_at",
        "unit_id",
    ):
        setattr(target, f, getattr(source, f))


@transaction.atomic
def claim_task(task, *, actor) -> Task:
    """主动认领: a liaison or head of the task's unit takes it on (待认领 → 进行中)."""
    if not acts_for_unit(actor, task.unit_id):
        raise PermissionDenied("只能认领本单位的任务")
    locked = _locked(task)
    if not acts_for_unit(actor, locked.unit_id):
        raise PermissionDenied("只能认领本单位的任务")
    if locked.status != TaskStatus.PENDING_CLAIM:
        who = f"（认领人：{locked.claimed_by}）" if locked.claimed_by_id else ""
        raise ValidationError({"status": f"该任务当前状态为“{locked.status_label}”，不能再认领{who}"})
    now = timezone.now()
    locked.status = TaskStatus.IN_PROGRESS
    locked.claimed_by = actor
    locked.claimed_at = now
    save_versioned(locked, locked.version)
    record_status(TaskStatusChange, locked, locked.status, actor=actor, at=now)
    TaskUpdate.objects.create(
        task=locked,
        author=actor,
        status_before=TaskStatus.PENDING_CLAIM,
        status_after=TaskStatus.IN_PROGRESS,
        progress=locked.progress,
        note="认领任务",
    )
    log_event(locked, "task_claimed", note=f"{actor.display_name}认领")
    _sync(task, locked)
    return task


# (from, to) a unit may make; the office may make these and the office-only ones below.
UNIT_TRANSITIONS = {
    (TaskStatus.PENDING_CLAIM, TaskStatus.IN_PROGRESS),
    (TaskStatus.PENDING_CLAIM, TaskStatus.SUBMITTED),
    (TaskStatus.IN_PROGRESS, TaskStatus.IN_PROGRESS),
    (TaskStatus.IN_PROGRESS, TaskStatus.SUBMITTED),
    (TaskStatus.SUBMITTED, TaskStatus.SUBMITTED),
}
OFFICE_TRANSITIONS = UNIT_TRANSITIONS | {
    (TaskStatus.PENDING_CLAIM, TaskStatus.PENDING_CLAIM),
    (TaskStatus.PENDING_CLAIM, TaskStatus.DONE),
    (TaskStatus.IN_PROGRESS, TaskStatus.DONE),
    (TaskStatus.SUBMITTED, TaskStatus.DONE),
    (TaskStatus.SUBMITTED, TaskStatus.IN_PROGRESS),  # 退回, with a reason
    (TaskStatus.DONE, TaskStatus.IN_PROGRESS),  # 重新打开, with a reason
}
NEEDS_REASON = {(TaskStatus.SUBMITTED, TaskStatus.IN_PROGRESS), (TaskStatus.DONE, TaskStatus.IN_PROGRESS)}
EVENTS = {
    TaskStatus.SUBMITTED: "task_submitted",
    TaskStatus.DONE: "task_completed",
}


def _parse_progress(progress):
    try:
        value = int(progress)
    except (TypeError, ValueError):
        raise ValidationError({"progress": "进度必须是0到100之间的整数"}) from None
    if value < 0 or value > 100 or str(progress).strip() not in (str(value), f"{value}.0"):
        raise ValidationError({"progress": "进度必须是0到100之间的整数"})
    return value


@transaction.atomic
def report_progress(task, progress, note="", status=None, *, actor, expected_version=None) -> TaskUpdate:
    """Record progress (and optionally a status change) in the task's log.

    A unit may start (进行中) and submit (已提交) its own task; only the office completes a task
    (已完成), sends a submitted one back or reopens a completed one, both with a reason in `note`.
    """
    if actor.is_read_only or not can_report_on_task(actor, task):
        raise PermissionDenied("只能填报本单位任务的进展")
    locked = _locked(task)
    check_version(locked, expected_version)
    value = _parse_progress(progress)
    note = (note or "").strip()
    before = locked.status
    after = status or (TaskStatus.IN_PROGRESS if before == TaskStatus.PENDING_CLAIM else before)
    if after not in TaskStatus.values:
        raise ValidationError({"status": f"无效的状态“{after}”"})
    office = can_manage_task(actor, locked)
    allowed = OFFICE_TRANSITIONS if office else UNIT_TRANSITIONS
    if (before, after) not in allowed:
        if before == TaskStatus.DONE:
            raise ValidationError({"status": "任务已完成，不能再填报进展"})
        if after == TaskStatus.DONE:
            raise ValidationError({"status": "只有创建办可以将任务标记为已完成"})
        if before == TaskStatus.SUBMITTED and after == TaskStatus.IN_PROGRESS:
            raise ValidationError({"status": "任务已提交，只有创建办可以退回"})
        raise ValidationError(
            {"status": f"任务不能从“{TaskStatus(before).label}”改为“{TaskStatus(after).label}”"}
        )
    if (before, after) in NEEDS_REASON and not note:
        raise ValidationError({"note": "退回或重新打开任务时必须在进展说明中写明原因"})
    if after == TaskStatus.DONE:
        value = 100
    if (
        before == TaskStatus.PENDING_CLAIM
        and after != TaskStatus.PENDING_CLAIM
        and not locked.claimed_by_id
        and acts_for_unit(actor, locked.unit_id)
    ):
        locked.claimed_by = actor
        locked.claimed_at = timezone.now()
    locked.status = after
    locked.progress = value
    if note:
        locked.latest_note = note[:500]
    now = timezone.now()
    locked.completed_at = now if after == TaskStatus.DONE else None
    save_versioned(locked, locked.version)
    record_status(TaskStatusChange, locked, after, actor=actor, at=now)
    update = TaskUpdate.objects.create(
        task=locked, author=actor, status_before=before, status_after=after, progress=value, note=note
    )
    if (before, after) == (TaskStatus.SUBMITTED, TaskStatus.IN_PROGRESS):
        log_event(locked, "task_sent_back", note=note[:300])
        _notify_task_sent_back(locked, note)  # notify (issue 11)
    elif (before, after) == (TaskStatus.DONE, TaskStatus.IN_PROGRESS):
        log_event(locked, "task_reopened", note=note[:300])
    elif before != after and after in EVENTS:
        log_event(locked, EVENTS[after], note=note[:300])
    _sync(task, locked)
    return update


def complete_task(task, note="", *, actor, expected_version=None) -> TaskUpdate:
    """The office accepts the task as done (已完成, progress 100%)."""
    if actor.is_read_only or not can_manage_task(actor, task):
        raise PermissionDenied("只有创建办可以将任务标记为已完成")
    return report_progress(
        task, 100, note or "创建办确认完成", TaskStatus.DONE, actor=actor, expected_version=expected_version
    )


def send_back_task(task, reason, *, actor, expected_version=None) -> TaskUpdate:
    """The office returns a submitted task to the unit (已提交 → 进行中) with a reason."""
    if actor.is_read_only or not can_manage_task(actor, task):
        raise PermissionDenied("只有创建办可以退回任务")
    if task.status != TaskStatus.SUBMITTED:
        raise ValidationError({"status": "只有已提交的任务可以退回"})
    if not (reason or "").strip():
        raise ValidationError({"note": "请填写退回原因"})
    return report_progress(
        task, task.progress, reason, TaskStatus.IN_PROGRESS, actor=actor, expected_version=expected_version
    )


# --- bulk edit ---------------------------------------------------------------------------------

BULK_STATUSES = {
    TaskStatus.DONE: "批量确认完成",
    TaskStatus.IN_PROGRESS: "批量退回/重新打开",
    TaskStatus.PENDING_CLAIM: "批量设为待认领",
}


@transaction.atomic
def bulk_update_tasks(tasks, *, actor, deadline=None, unit=None, status=None, note="") -> int:
    """Set the deadline, the responsible unit and/or the status of many tasks at once (the office).

    All or nothing: every task is checked first (in scope, the unit within its campaign, the status
    change allowed); one refusal names the task and nothing changes. Each change goes through the
    same rules as a single edit (versions, audit, status history). Returns how many tasks changed.
    """
    tasks = list(tasks)
    if not tasks:
        raise ValidationError({"tasks": "请先勾选要修改的任务"})
    if deadline is None and unit is None and not status:
        raise ValidationError({"tasks": "请填写要修改的完成时限、责任单位或状态"})
    if status and status not in BULK_STATUSES:
        raise ValidationError({"status": f"批量修改不支持改为“{TaskStatus(status).label}”"})
    problems = []
    for task in tasks:
        if not can_manage_task(actor, task) or actor.is_read_only:
            problems.append(f"任务“{task.title}”：无权修改")
            continue
        if unit is not None and unit.pk != task.unit_id:
            if task.status == TaskStatus.DONE:
                problems.append(f"任务“{task.title}”：已完成的任务不能改派")
            elif not unit.region.path.startswith(task.campaign.region.path):
                problems.append(f"任务“{task.title}”：责任单位“{unit}”不在本创建项目的辖区内")
        if status == TaskStatus.IN_PROGRESS and task.status not in (TaskStatus.SUBMITTED, TaskStatus.DONE):
            problems.append(f"任务“{task.title}”：只有已提交或已完成的任务可以退回/重新打开")
        if status == TaskStatus.PENDING_CLAIM and task.status != TaskStatus.PENDING_CLAIM and unit is None:
            problems.append(f"任务“{task.title}”：设为待认领须同时改派责任单位")
    if problems:
        raise ValidationError({"tasks": problems})
    reason = (note or "").strip() or BULK_STATUSES.get(status, "批量修改")
    changed = 0
    for task in tasks:
        before = (task.deadline, task.unit_id, task.status)
        fields = {}
        if deadline is not None:
            fields["deadline"] = deadline
        if unit is not None:
            fields["unit"] = unit
        if fields:
            update_task(task, actor=actor, expected_version=task.version, **fields)
        if status == TaskStatus.DONE and task.status != TaskStatus.DONE:
            complete_task(task, reason, actor=actor, expected_version=task.version)
        elif status == TaskStatus.IN_PROGRESS and task.status in (TaskStatus.SUBMITTED, TaskStatus.DONE):
            report_progress(
                task,
                task.progress,
                reason,
                TaskStatus.IN_PROGRESS,
                actor=actor,
                expected_version=task.version,
            )
        changed += (task.deadline, task.unit_id, task.status) != before
    if changed:
        log_event(tasks[0].campaign, "tasks_bulk_updated", note=f"批量修改任务{changed}项")
    return changed


# --- notifications (issue 11): who hears about what, in what words ----------------------------


def _notify_task_assigned(task):
    notify_event(
        "task_assigned",
        task,
        units=[task.unit_id],
        campaign=task.campaign_id,
        title=f"新任务：{task.title[:80]}",
        body=f"完成时限：{date_text(task.deadline)}。请及时认领并推进。",
        occasion=f"unit-{task.unit_id}",
    )


def _notify_tasks_generated(campaign, tasks):
    """Tasks generated from the framework: one message per unit, not one per task."""
    by_unit = {}
    for t in tasks:
        by_unit.setdefault(t.unit_id, []).append(t)
    occasion = f"generated-{timezone.now().isoformat()}"
    for unit_id, group in by_unit.items():
        lines = "\n".join(f"· {t.title[:50]}（{date_text(t.deadline)}）" for t in group[:10])
        more = f"\n……共{len(group)}项" if len(group) > 10 else ""
        notify_event(
            "task_assigned",
            campaign,
            units=[unit_id],
            campaign=campaign,
            title=f"新分派任务{len(group)}项：{campaign.name[:60]}",
            body=lines + more,
            occasion=f"{occasion}-{unit_id}",
            url=reverse("workplan:task_list"),
        )


def _notify_task_sent_back(task, reason):
    notify_event(
        "task_sent_back",
        task,
        units=[task.unit_id],
        campaign=task.campaign_id,
        title=f"任务被退回：{task.title[:80]}",
        body=f"退回原因：{reason}",
        occasion=f"{timezone.now().isoformat()}",
    )
