"""Dispatch rules: the office opens a round, each involved unit files one report, the office closes it.

Timeliness: a report is 按时 when submitted by the round's deadline, 逾期报送 when submitted later
(allowed while the round is open), 未报送 otherwise. Across rounds (`unit_timeliness`) a report
counts once its round is due (closed or past its deadline) or once it has been submitted, so a
round still open and within its deadline does not make anybody "missing" yet.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from shian.core.audit import log_event
from shian.core.figures import rate_float as rate
from shian.core.notify import notify_event  # notify (issue 11)
from shian.core.services import save_versioned
from shian.dispatch.choices import ReportStatus, RoundKind, RoundStatus, Timeliness
from shian.dispatch.models import DispatchReport, DispatchRound, ReportLine
from shian.workplan import services as task_services
from shian.workplan.choices import TaskStatus
from shian.workplan.models import Task

# What a unit may report for a task in a round (已完成 is the office's decision).
UNIT_LINE_STATUSES = (TaskStatus.PENDING_CLAIM, TaskStatus.IN_PROGRESS, TaskStatus.SUBMITTED)


def _as_deadline(value) -> datetime.datetime:
    """A date means the end of that day (local time); naive datetimes are local time."""
    if isinstance(value, datetime.datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    if isinstance(value, datetime.date):
        return timezone.make_aware(datetime.datetime.combine(value, datetime.time(23, 59, 59)))
    raise ValidationError({"deadline": "请填写报送截止时间"})


@transaction.atomic
def open_round(
    campaign, kind, title, deadline, period_label="", instructions="", units=None, *, actor, opened_at=None
) -> DispatchRound:
    """Open a round and create one report (未报送) per involved unit.

    `units` defaults to every unit with an unfinished task in the campaign. `opened_at` lets the demo
    and imports record rounds opened in the past.
    """
    task_services.check_manage(actor, campaign)
    if kind not in RoundKind.values:
        raise ValidationError({"kind": "请选择调度类型"})
    if not (title or "").strip():
        raise ValidationError({"title": "请填写调度名称"})
    deadline = _as_deadline(deadline)
    opened_at = opened_at or timezone.now()
    if deadline <= opened_at:
        raise ValidationError({"deadline": "报送截止时间必须晚于发起时间"})
    if units is None:
        unit_ids = list(
            Task.objects.filter(campaign=campaign)
            .open()
            .values_list("unit_id", flat=True)
            .distinct()
            .order_by()
        )
    else:
        unit_ids = []
        for unit in units:
            if not unit.region.path.startswith(campaign.region.path):
                raise ValidationError({"units": f"单位“{unit}”不在本创建项目的辖区内"})
            unit_ids.append(unit.pk)
    unit_ids = sorted(set(unit_ids))
    if not unit_ids:
        raise ValidationError({"units": "没有需要报送的单位：本项目暂无未完成的任务，也未指定单位"})
    rnd = DispatchRound(
        campaign=campaign,
        kind=kind,
        title=title.strip(),
        deadline=deadline,
        period_label=period_label or "",
        instructions=instructions or "",
        opened_at=opened_at,
    )
    rnd.full_clean()
    rnd.save()
    DispatchReport.objects.bulk_create([DispatchReport(round=rnd, unit_id=uid) for uid in unit_ids])
    _notify_round_opened(rnd, unit_ids)  # notify (issue 11)
    log_event(
        rnd,
        "round_opened",
        note=f"{len(unit_ids)}个单位需报送，截止{timezone.localtime(deadline):%Y-%m-%d %H:%M}",
    )
    return rnd


def report_tasks(report):
    """The tasks a unit reports on in a round: its tasks in the campaign (done ones last)."""
    return (
        Task.objects.filter(campaign_id=report.round.campaign_id, unit_id=report.unit_id)
        .select_related("item")
        .order_by("deadline", "id")
    )


@transaction.atomic
def save_report(
    report, narrative, problems, help_needed, lines, submit=False, *, actor, expected_version=None
) -> DispatchReport:
    """Save (draft) or submit a unit's report.

    `lines` is [(task, status, progress, note)] for the unit's own tasks. On submit every unfinished
    task of the unit must have a line, and each line moves its task through the task workflow
    (so a unit can start or submit a task from its report, never mark it 已完成).
    """
    if not task_services.acts_for_unit(actor, report.unit_id):
        raise PermissionDenied("只能填报本单位的调度报告")
    report = (
        DispatchReport.objects.select_for_update()
        .select_related("round__campaign__region", "unit")
        .get(pk=report.pk)
    )
    rnd = report.round
    if rnd.status != RoundStatus.OPEN:
        raise ValidationError({"round": "本轮调度已结束，不能再填报"})
    if report.status == ReportStatus.SUBMITTED:
        raise ValidationError({"status": "报告已报送，不能再修改"})
    tasks = {t.pk: t for t in Task.objects.filter(campaign_id=rnd.campaign_id, unit_id=report.unit_id)}
    cleaned, seen = [], set()
    for n, (task, status, progress, note) in enumerate(lines, start=1):
        task_id = getattr(task, "pk", task)
        if task_id not in tasks:
            raise ValidationError({"lines": f"第{n}行：任务（编号{task_id}）不是本单位在本项目中的任务"})
        if task_id in seen:
            raise ValidationError({"lines": f"第{n}行：任务“{tasks[task_id]}”重复填写"})
        seen.add(task_id)
        t = tasks[task_id]
        status = status or t.status
        if t.status == TaskStatus.DONE:
            status = TaskStatus.DONE  # a finished task is reported as it stands
        elif status not in UNIT_LINE_STATUSES:
            raise ValidationError({"lines": f"第{n}行：任务“{t}”的状态只能是待认领、进行中或已提交"})
        elif status == TaskStatus.PENDING_CLAIM and t.status != TaskStatus.PENDING_CLAIM:
            raise ValidationError({"lines": f"第{n}行：任务“{t}”已认领，不能改回待认领"})
        elif status == TaskStatus.IN_PROGRESS and t.status == TaskStatus.SUBMITTED:
            raise ValidationError({"lines": f"第{n}行：任务“{t}”已提交，只有创建办可以退回"})
        try:
            value = task_services._parse_progress(progress)
        except ValidationError:
            raise ValidationError({"lines": f"第{n}行：任务“{t}”的进度必须是0到100之间的整数"}) from None
        cleaned.append((t, status, value, (note or "").strip()))
    if submit:
        if not (narrative or "").strip():
            raise ValidationError({"narrative": "报送前请填写工作进展"})
        missing = [t for t in tasks.values() if t.status != TaskStatus.DONE and t.pk not in seen]
        if missing:
            raise ValidationError({"lines": f"任务“{missing[0]}”未填写本期状态和进度"})
    report.narrative = (narrative or "").strip()
    report.problems = (problems or "").strip()
    report.help_needed = (help_needed or "").strip()
    now = timezone.now()
    if submit:
        report.status = ReportStatus.SUBMITTED
        report.submitted_at = now
        report.submitted_by = actor
    else:
        report.status = ReportStatus.DRAFT
    save_versioned(report, expected_version)
    report.lines.all().delete()
    ReportLine.objects.bulk_create(
        [ReportLine(report=report, task=t, status=s, progress=p, note=nt) for t, s, p, nt in cleaned]
    )
    if submit:
        for t, status, value, note in cleaned:
            changed = status != t.status or value != t.progress or note
            if t.status == TaskStatus.DONE or not changed:
                continue
            if status == TaskStatus.PENDING_CLAIM:
                if value == t.progress and not note:
                    continue
                status = TaskStatus.IN_PROGRESS  # reporting progress on a task means working on it
            try:
                # The report's own version guards the submission; each task moves from the state read
                # under this transaction.
                task_services.report_progress(
                    t, value, note or f"{rnd.title}报送", status, actor=actor, expected_version=t.version
                )
            except ValidationError as exc:
                raise ValidationError({"lines": f"任务“{t}”：{'；'.join(exc.messages)}"}) from None
        late = report.submitted_at > rnd.deadline
        log_event(report, "report_submitted", note="逾期报送" if late else "按时报送")
    return report


@transaction.atomic
def close_round(rnd, *, actor) -> DispatchRound:
    task_services.check_manage(actor, rnd.campaign)
    rnd = DispatchRound.objects.select_for_update().get(pk=rnd.pk)
    if rnd.status != RoundStatus.OPEN:
        raise ValidationError({"status": "本轮调度已经结束"})
    rnd.status = RoundStatus.CLOSED
    rnd.closed_at = timezone.now()
    save_versioned(rnd, rnd.version)
    summary = round_summary(rnd)
    log_event(
        rnd,
        "round_closed",
        note=f"按时{len(summary['on_time'])}、逾期{len(summary['late'])}、未报送{len(summary['missing'])}",
    )
    return rnd


def timeliness_of(report, deadline) -> str:
    if report.status == ReportStatus.SUBMITTED and report.submitted_at:
        return Timeliness.ON_TIME if report.submitted_at <= deadline else Timeliness.LATE
    return Timeliness.MISSING


def round_summary(rnd) -> dict:
    """{'on_time': [...], 'late': [...], 'missing': [...], 'total', 'rate'} — reports with unit and
    submitter loaded, in one query."""
    reports = list(
        rnd.reports.select_related("unit", "submitted_by").order_by(
            "unit__kind", "unit__sort_order", "unit__name"
        )
    )
    out = {Timeliness.ON_TIME: [], Timeliness.LATE: [], Timeliness.MISSING: []}
    for r in reports:
        r.round = rnd
        out[timeliness_of(r, rnd.deadline)].append(r)
    total = len(reports)
    return {
        "on_time": out[Timeliness.ON_TIME],
        "late": out[Timeliness.LATE],
        "missing": out[Timeliness.MISSING],
        "reports": reports,
        "total": total,
        "rate": rate(len(out[Timeliness.ON_TIME]), total),
    }


def unit_timeliness(campaign, now=None, reports=None) -> list[dict]:
    """Per unit across the campaign's rounds: rounds counted, on time, late, missing, on-time rate (%).

    One aggregate query. See the module docstring for which reports count.
    """
    now = now or timezone.now()
    qs = reports if reports is not None else DispatchReport.objects.all()
    submitted = Q(status=ReportStatus.SUBMITTED, submitted_at__isnull=False)
    due = Q(round__status=RoundStatus.CLOSED) | Q(round__deadline__lt=now)
    rows = (
        qs.filter(round__campaign=campaign)
        .filter(due | submitted)
        .values(
            "unit_id",
            name=F("unit__name"),
            short=F("unit__short_name"),
            kind=F("unit__kind"),
            sort=F("unit__sort_order"),
        )
        .annotate(
            rounds=Count("id"),
            on_time=Count("id", filter=submitted & Q(submitted_at__lte=F("round__deadline"))),
            late=Count("id", filter=submitted & Q(submitted_at__gt=F("round__deadline"))),
        )
        .order_by("kind", "sort", "name")
    )
    result = []
    for r in rows:
        missing = r["rounds"] - r["on_time"] - r["late"]
        result.append(
            {
                "unit_id": r["unit_id"],
                "unit": r["name"],
                "short_name": r["short"] or r["name"],
                "rounds": r["rounds"],
                "on_time": r["on_time"],
                "late": r["late"],
                "missing": missing,
                "rate": rate(r["on_time"], r["rounds"]),
            }
        )
    return result


# --- notifications (issue 11): who hears about what, in what words ----------------------------


def _notify_round_opened(rnd, unit_ids):
    deadline = timezone.localtime(rnd.deadline)
    body = f"请于{deadline:%Y年%-m月%-d日 %H:%M}前报送本单位调度报告。\n{rnd.instructions}".strip()
    notify_event(
        "round_opened",
        rnd,
        units=unit_ids,
        campaign=rnd.campaign_id,
        title=f"调度通知：{rnd.title}",
        body=body,
    )
    # and once to the campaign's work group, if it has a robot
    notify_event(
        "round_opened",
        rnd,
        campaign=rnd.campaign_id,
        title=f"调度通知：{rnd.title}",
        body=f"{len(unit_ids)}个单位需报送。" + body,
    )
