"""Rectification rules: the problem's life from found to verified (销号), deductions turned into
problems, escalation of overdue problems, and the per-unit closed-loop figures.

Units report progress and ask for 销号 on their own problems; only the office verifies, rejects or
reopens; leaders read. Every step appends a ProblemNote so a reopened problem keeps its history.
"""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from shian.core import policy
from shian.core.audit import log_event
from shian.core.history import record_status
from shian.core.notify import date_text, notify_event  # notify (issue 11)
from shian.core.services import save_versioned
from shian.organisation.choices import Role
from shian.rectification.choices import (
    Escalation,
    NoteKind,
    Severity,
    Source,
    Status,
    SummonsStatus,
    VerifyMethod,
)
from shian.rectification.models import Problem, ProblemNote, ProblemStatusChange, Summons

# Days past the deadline at which an open problem reaches each escalation level (configurable data
# would live on the campaign; these are the defaults the seed offices describe).
ESCALATION_DAYS = {Escalation.REMINDER: 1, Escalation.WARNING: 7, Escalation.INTERVIEW: 15}


# ------------------------------------------------------------------------------ permissions


def is_office_for(campaign, user) -> bool:
    return policy.manages(user, campaign)


def check_office(campaign, actor):
    if not is_office_for(campaign, actor):
        raise PermissionDenied("只有本辖区创建办可以执行此操作")


def check_unit_or_office(problem, actor):
    if is_office_for(problem.campaign, actor):
        return
    if actor.role in (Role.UNIT_HEAD, Role.LIAISON) and actor.unit_id == problem.unit_id:
        return
    raise PermissionDenied("只有责任单位或创建办可以填报整改情况")


def _note(problem, kind, text, actor, at=None):
    """A timeline entry; a status change also goes into the status history (at `at`, else now)."""
    record_status(ProblemStatusChange, problem, problem.status, actor=actor, at=at)
    return ProblemNote.objects.create(
        problem=problem,
        kind=kind,
        text=text,
        author=actor if actor and actor.pk else None,
        status_after=problem.status,
    )


def _next_seq(campaign) -> int:
    return (Problem.objects.filter(campaign=campaign).aggregate(m=Max("seq"))["m"] or 0) + 1


def _check_unit(campaign, unit):
    if unit is None:
        raise ValidationError({"unit": "必须指定责任单位"})
    if not unit.region.path.startswith(campaign.region.path):
        raise ValidationError({"unit": f"责任单位“{unit}”不在创建区划“{campaign.region}”内"})


def _check_items(campaign, items):
    for item in items or ():
        if item.indicator.category.framework_id != campaign.framework_id:
            raise ValidationError({"items": f"评分项{item.code or item.pk}不属于本创建项目的评价细则"})


def _check_evidence_ids(campaign, evidence_ids):
    from shian.scoring.services import check_evidence_ids

    return check_evidence_ids(campaign, evidence_ids)


# ------------------------------------------------------------------------------ life cycle


@transaction.atomic
def create_problem(campaign, *, actor, items=(), **fields) -> Problem:
    """A new problem in the ledger (office only)."""
    check_office(campaign, actor)
    _check_unit(campaign, fields.get("unit"))
    _check_items(campaign, items)
    problem = Problem(campaign=campaign, **fields)
    if not problem.seq:
        problem.seq = _next_seq(campaign)
    problem.full_clean()
    problem.save()
    if items:
        problem.items.set(items)
    _notify_problem_assigned(problem)  # notify (issue 11)
    return problem


@transaction.atomic
def update_problem(problem: Problem, *, actor, expected_version, items=None, **fields) -> Problem:
    check_office(problem.campaign, actor)
    for k, v in fields.items():
        setattr(problem, k, v)
    _check_unit(problem.campaign, problem.unit)
    _check_items(problem.campaign, items)
    problem.full_clean()
    save_versioned(problem, expected_version)
    if items is not None:
        problem.items.set(items)
    _notify_problem_assigned(
        problem
    )  # notify (issue 11)  (a changed unit is a new occasion; the same unit is told once)
    return problem


@transaction.atomic
def add_progress(problem: Problem, *, actor, text, expected_version=None) -> Problem:
    """The unit (or office) reports what has been done; an open problem becomes 整改中."""
    check_unit_or_office(problem, actor)
    if problem.is_closed:
        raise ValidationError({"status": "问题已销号，如需继续整改请由创建办重新打开"})
    if not (text or "").strip():
        raise ValidationError({"progress": "请填写整改进展"})
    if problem.status == Status.OPEN:
        problem.status = Status.IN_PROGRESS
    problem.progress = text.strip()
    save_versioned(problem, expected_version)
    _note(problem, NoteKind.PROGRESS, text.strip(), actor)
    return problem


@transaction.atomic
def submit_completion(
    problem: Problem, *, actor, text, evidence_file=None, evidence_ids=(), expected_version=None
) -> Problem:
    """The unit says the problem is fixed and asks the office to verify (销号申请)."""
    check_unit_or_office(problem, actor)
    if problem.status not in (Status.OPEN, Status.IN_PROGRESS):
        raise ValidationError({"status": f"问题当前状态为“{problem.get_status_display()}”，不能申请销号"})
    if not (text or "").strip():
        raise ValidationError({"progress": "请填写整改完成情况"})
    problem.status = Status.SUBMITTED
    problem.progress = text.strip()
    problem.submitted_at = timezone.now()
    if evidence_file is not None:
        problem.completion_evidence = evidence_file
    if evidence_ids:
        problem.evidence_ids = _check_evidence_ids(problem.campaign, evidence_ids)
    save_versioned(problem, expected_version)
    _note(problem, NoteKind.SUBMIT, text.strip(), actor)
    return problem


@transaction.atomic
def verify_problem(
    problem: Problem, *, actor, method, note="", expected_version=None, verified_at=None
) -> Problem:
    """销号: the office checked the fix (how, with what finding) and closes the problem."""
    check_office(problem.campaign, actor)
    if problem.is_closed:
        raise ValidationError({"status": "问题已销号"})
    if method not in VerifyMethod.values:
        raise ValidationError({"verify_method": "请选择核验方式"})
    if not (note or "").strip():
        raise ValidationError({"verify_note": "请填写核验意见"})
    problem.status = Status.VERIFIED
    problem.verified_at = verified_at or timezone.now()
    problem.verified_by = actor
    problem.verify_method = method
    problem.verify_note = note.strip()
    save_versioned(problem, expected_version)
    _note(
        problem,
        NoteKind.VERIFY,
        f"{VerifyMethod(method).label}：{note.strip()}",
        actor,
        at=problem.verified_at,
    )
    log_event(problem, "problem_verified", note=f"{actor} 销号（{VerifyMethod(method).label}）")
    _notify_problem_verified(problem)  # notify (issue 11)
    return problem


@transaction.atomic
def reject_completion(problem: Problem, *, actor, reason, expected_version=None) -> Problem:
    """The office finds the fix insufficient: back to 整改中 with the reason."""
    check_office(problem.campaign, actor)
    if problem.status != Status.SUBMITTED:
        raise ValidationError({"status": "只有待销号的问题可以退回"})
    if not (reason or "").strip():
        raise ValidationError({"verify_note": "请填写退回理由"})
    problem.status = Status.IN_PROGRESS
    save_versioned(problem, expected_version)
    _note(problem, NoteKind.REJECT, reason.strip(), actor)
    return problem


@transaction.atomic
def reopen_problem(problem: Problem, *, actor, reason, deadline=None, expected_version=None) -> Problem:
    """A verified problem found again: back to 整改中; the earlier verification stays in the timeline."""
    check_office(problem.campaign, actor)
    if not problem.is_closed:
        raise ValidationError({"status": "只有已销号的问题可以重新打开"})
    if not (reason or "").strip():
        raise ValidationError({"verify_note": "请填写重新打开的原因"})
    previous = (
        f"原销号：{problem.verified_by or '—'} {timezone.localtime(problem.verified_at):%Y-%m-%d}"
        f"（{problem.get_verify_method_display()}）"
        if problem.verified_at
        else ""
    )
    problem.status = Status.IN_PROGRESS
    problem.reopen_count += 1
    problem.verified_at = None
    problem.verified_by = None
    problem.verify_method = ""
    problem.verify_note = ""
    problem.escalation = Escalation.NONE
    problem.escalated_on = None
    if deadline:
        problem.deadline = deadline
    save_versioned(problem, expected_version)
    _note(problem, NoteKind.REOPEN, f"{reason.strip()}{'；' + previous if previous else ''}", actor)
    log_event(problem, "problem_reopened", note=reason.strip()[:200])
    return problem


# ------------------------------------------------------------------------------ from deductions


def _severity_for(points: Decimal, is_key: bool) -> str:
    if is_key or points >= 3:
        return Severity.RED
    if points >= 2:
        return Severity.ORANGE
    if points >= 1:
        return Severity.YELLOW
    return Severity.BLUE


@transaction.atomic
def problems_from_deductions(
    assessment, *, actor, deductions=None, deadline=None, today=None
) -> list[Problem]:
    """Every deduction of the assessment (or the given ones) without a problem becomes one: the text,
    the item, the points and the item's lead unit are carried over. Running it again adds nothing."""
    from shian.campaigns.models import Campaign
    from shian.framework.choices import UnitRole
    from shian.scoring.choices import AssessmentKind
    from shian.scoring.models import Deduction

    campaign = Campaign.objects.select_related("region").get(pk=assessment.campaign_id)
    check_office(campaign, actor)
    qs = (
        Deduction.objects.filter(score__assessment=assessment, problem__isnull=True)
        .select_related("score__item")
        .prefetch_related("score__item__assignments__unit")
        .order_by("score__item_id", "id")
    )
    if deductions is not None:
        qs = qs.filter(pk__in=[d.pk if hasattr(d, "pk") else d for d in deductions])
    today = today or timezone.localdate()
    if deadline is None:
        milestone = campaign.next_milestone(today)
        deadline = (
            (milestone.date - datetime.timedelta(days=7))
            if milestone
            else today + datetime.timedelta(days=30)
        )
        deadline = max(deadline, today + datetime.timedelta(days=7))
    source = Source.SELF_CHECK if assessment.kind == AssessmentKind.SELF else Source.REVIEW
    seq = _next_seq(campaign)
    created = []
    for d in qs:
        item = d.score.item
        leads = [a.unit for a in item.assignments.all() if a.role == UnitRole.LEAD] or [
            a.unit for a in item.assignments.all()
        ]
        unit = leads[0] if leads else campaign.office
        if unit is None:
            raise ValidationError({"unit": f"评分项{item.code}没有责任单位，请先在评价细则中指定牵头单位"})
        problem = Problem.objects.create(
            campaign=campaign,
            seq=seq,
            description=f"{item.code} {d.description}".strip(),
            source=source,
            source_detail=str(assessment),
            deduction=d,
            points=d.points,
            unit=unit,
            severity=_severity_for(d.points, item.is_key),
            deadline=deadline,
            found_on=assessment.held_on or today,
            measures="",
        )
        problem.items.set([item])
        _notify_problem_assigned(problem)  # notify (issue 11)
        seq += 1
        created.append(problem)
    if created:
        log_event(assessment, "problems_from_deductions", note=f"扣分转整改问题{len(created)}个")
    return created


# ------------------------------------------------------------------------------ escalation


def _target_level(days_overdue: int) -> int:
    level = Escalation.NONE
    for lvl, days in sorted(ESCALATION_DAYS.items()):
        if days_overdue >= days:
            level = lvl
    return int(level)


@transaction.atomic
def escalate_problems(*, campaign=None, today=None, actor=None) -> dict:
    """Raise every overdue open problem to the level its days overdue call for: 催办提醒 → 通报预警
    (listed for the next 通报) → 约谈 (a planned Summons per unit, reused until it is held).

    Idempotent: a problem already at its level is left alone, so running it twice changes nothing.
    """
    today = today or timezone.localdate()
    qs = Problem.objects.overdue(today).select_related("unit", "campaign")
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    counts = {"reminder": 0, "warning": 0, "interview": 0}
    for problem in qs.select_for_update(of=("self",)) if _supports_for_update_of() else qs:
        days = (today - problem.deadline).days
        target = _target_level(days)
        if target <= problem.escalation:
            continue
        for level in range(problem.escalation + 1, target + 1):
            label = Escalation(level).label
            text = f"逾期{days}天，升级为“{label}”"
            if level == Escalation.WARNING:
                text += "，列入下期通报"
            if level == Escalation.INTERVIEW:
                summons = _open_summons(problem, today)
                problem.summons = summons
                text += f"，纳入约谈（{summons.unit}）"
            counts[{1: "reminder", 2: "warning", 3: "interview"}[level]] += 1
            _note(problem, NoteKind.ESCALATE, text, actor)
        problem.escalation = target
        problem.escalated_on = today
        problem.save(update_fields=["escalation", "escalated_on", "summons", "updated_at"])
        log_event(problem, "problem_escalated", note=Escalation(target).label)
        _notify_problem_escalated(problem, Escalation(target).label)  # notify (issue 11)
    return counts


def _supports_for_update_of():
    from django.db import connection

    return connection.features.has_select_for_update_of


def _open_summons(problem, today) -> Summons:
    summons = Summons.objects.filter(
        campaign=problem.campaign, unit=problem.unit, status=SummonsStatus.PLANNED
    ).first()
    if summons is None:
        summons = Summons.objects.create(
            campaign=problem.campaign,
            unit=problem.unit,
            reason=f"{problem.unit}整改问题逾期超过{ESCALATION_DAYS[Escalation.INTERVIEW]}天未销号",
        )
        _notify_summons_scheduled(summons)  # notify (issue 11)
    return summons


@transaction.atomic
def record_summons(
    summons: Summons, *, actor, held_on, attendees, outcome, convener="", expected_version=None
):
    """Record that the 约谈 took place: date, who attended, what was agreed."""
    check_office(summons.campaign, actor)
    errors = {}
    if not held_on:
        errors["held_on"] = "请填写约谈日期"
    if not (attendees or "").strip():
        errors["attendees"] = "请填写参加人员"
    if not (outcome or "").strip():
        errors["outcome"] = "请填写约谈结果"
    if errors:
        raise ValidationError(errors)
    summons.held_on, summons.attendees, summons.outcome = held_on, attendees.strip(), outcome.strip()
    summons.convener = convener or summons.convener
    summons.status = SummonsStatus.HELD
    save_versioned(summons, expected_version)
    log_event(summons, "summons_held", note=f"{held_on:%Y-%m-%d}")
    return summons


def warnings_for_bulletin(campaign, user=None):
    """Problems at 通报预警 level or above, open: the list the next 通报 names."""
    qs = Problem.objects.filter(campaign=campaign, escalation__gte=Escalation.WARNING).open()
    if user is not None:
        qs = qs.restrict(user)
    return qs.select_related("unit").order_by("unit__sort_order", "deadline")


# ------------------------------------------------------------------------------ figures


def unit_stats(problems, today=None) -> list[dict]:
    """Per responsible unit: total, closed (销号), closed-loop rate, on-time rate, average days to close,
    open overdue. `problems` is an already-restricted queryset."""
    today = today or timezone.localdate()
    rows = defaultdict(lambda: {"total": 0, "closed": 0, "on_time": 0, "days": 0, "overdue": 0, "open": 0})
    units = {}
    for p in problems.select_related("unit"):
        r = rows[p.unit_id]
        units[p.unit_id] = p.unit
        r["total"] += 1
        if p.status == Status.VERIFIED and p.verified_at:
            r["closed"] += 1
            closed = timezone.localdate(p.verified_at)
            r["days"] += max(0, (closed - p.found_on).days)
            if p.deadline is None or closed <= p.deadline:
                r["on_time"] += 1
        else:
            r["open"] += 1
            if p.deadline and p.deadline < today:
                r["overdue"] += 1
    out = []
    for unit_id, r in rows.items():
        out.append(
            {
                "unit": units[unit_id],
                "total": r["total"],
                "closed": r["closed"],
                "open": r["open"],
                "overdue": r["overdue"],
                "closed_rate": round(r["closed"] / r["total"], 4) if r["total"] else None,
                "on_time_rate": round(r["on_time"] / r["closed"], 4) if r["closed"] else None,
                "avg_days": round(r["days"] / r["closed"], 1) if r["closed"] else None,
            }
        )
    out.sort(
        key=lambda x: (
            -(x["overdue"]),
            x["closed_rate"] if x["closed_rate"] is not None else 1,
            x["unit"].name,
        )
    )
    return out


# --- notifications (issue 11): who hears about what, in what words ----------------------------


def _notify_problem_assigned(problem):
    notify_event(
        "problem_assigned",
        problem,
        units=[problem.unit_id],
        campaign=problem.campaign_id,
        title=f"整改问题交办：{str(problem)[:80]}",
        body=f"整改时限：{date_text(problem.deadline)}。\n{problem.description[:300]}",
        occasion=f"unit-{problem.unit_id}",
    )


def _notify_problem_verified(problem):
    notify_event(
        "problem_verified",
        problem,
        units=[problem.unit_id],
        campaign=problem.campaign_id,
        title=f"整改问题已销号：{str(problem)[:80]}",
        body=problem.verify_note[:300],
        occasion=f"{problem.reopen_count}",
    )


def _notify_problem_escalated(problem, label):
    notify_event(
        "problem_escalated",
        problem,
        units=[problem.unit_id],
        campaign=problem.campaign_id,
        title=f"整改逾期升级为“{label}”：{str(problem)[:60]}",
        body=f"整改时限{date_text(problem.deadline)}已过，请尽快整改并申请销号。",
        occasion=f"{problem.reopen_count}-{problem.escalation}",
    )


def _notify_summons_scheduled(summons):
    notify_event(
        "summons_scheduled",
        summons,
        units=[summons.unit_id],
        campaign=summons.campaign_id,
        title=f"约谈通知：{summons.unit}",
        body=summons.reason or "整改问题逾期未销号，将被约谈。",
    )
