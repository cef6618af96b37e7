"""Ranking services: compute and freeze a period's ranking (a draft), 加减分, publish, appeals and
their corrected revisions, and 约谈 proposed by rule or created by hand.

Score arithmetic lives in `arithmetic` (query-free, property-tested). A run freezes its inputs — the
subjects, every signal's raw value, the 降级 situations and the scheme's rules — so re-scoring a draft
after a 加减分, or making a corrected revision after an appeal, never reads live data again.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from shian.core import policy
from shian.core.audit import log_event
from shian.core.notify import notify_event
from shian.core.services import save_versioned
from shian.core.uploads import check_upload
from shian.organisation.models import Unit
from shian.rankings import builtin_signals, periods
from shian.rankings.arithmetic import score_entries
from shian.rankings.choices import AppealStatus, InterviewStatus, RunStatus
from shian.rankings.models import Adjustment, Appeal, Interview, RankingRun, RankingScheme
from shian.rankings.signals import get_signal

__all__ = ["score_entries", "get_signal"]


def month_bounds(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    return periods.bounds("month", day)


def _subjects(scheme):
    qs = Unit.objects.filter(
        kind=scheme.subject_kind, is_active=True, region__path__startswith=scheme.campaign.region.path
    ).order_by("sort_order", "name")
    return [(u.pk, u.short_name or u.name) for u in qs]


def _check_office(scheme, actor, what="计算排名"):
    if actor is not None and not policy.manages(actor, scheme.campaign):
        raise PermissionDenied(f"只有创建办可以{what}")


def scheme_rules(scheme: RankingScheme) -> dict:
    def num(v):
        return None if v is None else float(v)

    return {
        "normalisation": dict(scheme.normalisation or {}),
        "targets": {k: float(v) for k, v in (scheme.targets or {}).items()},
        "list_rule": scheme.list_rule,
        "red_count": scheme.red_count,
        "black_count": scheme.black_count,
        "red_threshold": num(scheme.red_threshold),
        "black_threshold": num(scheme.black_threshold),
        "veto_demotes": scheme.veto_demotes,
        "appeal_days": scheme.appeal_days,
    }


def _frozen(run: RankingRun):
    """The run's frozen inputs with the unit ids back as ints (JSON keys are strings)."""
    inputs = run.inputs
    subjects = [(int(u), name) for u, name in inputs.get("subjects", [])]
    values = {k: {int(u): v for u, v in vs.items()} for k, vs in inputs.get("values", {}).items()}
    demotions = {int(u): r for u, r in inputs.get("demotions", {}).items()}
    return subjects, values, demotions


def rescore(run: RankingRun) -> list[dict]:
    """The entries of `run` from its frozen inputs, rules and 加减分 (no signal is read)."""
    subjects, values, demotions = _frozen(run)
    rules = run.rules or {}
    adjustments = {}
    for a in run.adjustments.order_by("id"):
        adjustments.setdefault(a.unit_id, []).append({"points": a.points, "reason": a.reason})
    return score_entries(
        subjects,
        values,
        run.weights,
        rules.get("red_count", 0),
        rules.get("black_count", 0),
        normalisation=rules.get("normalisation"),
        targets=rules.get("targets"),
        adjustments=adjustments,
        demotions=demotions if rules.get("veto_demotes", True) else {},
        list_rule=rules.get("list_rule", "count"),
        red_threshold=rules.get("red_threshold"),
        black_threshold=rules.get("black_threshold"),
    )


def _validate_scheme(scheme):
    if not scheme.weights:
        raise ValidationError({"weights": "排名方案未设置任何指标"})
    for key in scheme.weights:
        try:
            get_signal(key)
        except KeyError as exc:
            raise ValidationError({"weights": str(exc.args[0])}) from None
    for key, method in (scheme.normalisation or {}).items():
        if method == "target" and (scheme.targets or {}).get(key) is None:
            raise ValidationError({"targets": f"指标{key}按目标值标准化，请设定目标值"})


@transaction.atomic
def compute_ranking(scheme: RankingScheme, day: datetime.date, *, actor) -> RankingRun:
    """Compute the scheme's period containing `day` and freeze it as a draft. A draft may be
    recomputed (its 加减分 are kept); once the period is published it is not recomputed — a
    correction is a new revision (see decide_appeal)."""
    _check_office(scheme, actor)
    _validate_scheme(scheme)
    kind = scheme.period_kind
    start, end = periods.bounds(kind, day)
    existing = (
        RankingRun.objects.select_for_update()
        .filter(scheme=scheme, period_start=start)
        .order_by("-revision")
        .first()
    )
    if existing and existing.is_published:
        raise ValidationError(
            {"period_start": f"{periods.period_label(kind, start)}已发布排名，排名一经发布不再重算"}
        )
    values, labels = {}, {}
    for key in scheme.weights:
        signal = get_signal(key)
        labels[key] = signal.label
        values[key] = {str(u): v for u, v in signal.compute(scheme.campaign, start, end).items()}
    subjects = _subjects(scheme)
    demotions = (
        builtin_signals.demotions(scheme.campaign, subjects, start, end) if scheme.veto_demotes else {}
    )
    run = existing or RankingRun(scheme=scheme, period_start=start)
    run.period_end = end
    run.period_kind = kind
    run.computed_at = timezone.now()
    run.computed_by = actor
    run.weights = dict(scheme.weights)
    run.labels = labels
    run.rules = scheme_rules(scheme)
    run.inputs = {
        "subjects": [[u, name] for u, name in subjects],
        "values": values,
        "demotions": {str(u): r for u, r in demotions.items()},
    }
    if run.pk:
        run.version += 1  # a recomputed draft: a publish from a page read before is refused
    run.entries = []
    run.save()
    run.entries = rescore(run)
    run.save(update_fields=["entries"])
    log_event(run, "ranking_computed", note=f"{len(run.entries)}个单位")
    return run


def _save_entries(run):
    """Re-score a draft and bump its version: a publish made from a page read before is refused."""
    run.entries = rescore(run)
    run.version += 1
    run.save(update_fields=["entries", "version", "updated_at"])


def _check_draft(run, actor):
    _check_office(run.scheme, actor, "调整排名")
    if run.is_published:
        raise ValidationError("排名已发布，不能再调整；如需更正请通过申诉处理")


@transaction.atomic
def add_adjustment(run, unit, points, reason, *, actor, evidence=None) -> Adjustment:
    """Manual 加减分 for one subject of a draft run, with its reason and optional evidence file."""
    _check_draft(run, actor)
    if unit.pk not in {u for u, _ in _frozen(run)[0]}:
        raise ValidationError({"unit": "该单位不在本期排名对象中"})
    if not (reason or "").strip():
        raise ValidationError({"reason": "请填写加减分事由"})
    adj = Adjustment(run=run, unit=unit, points=Decimal(str(points)), reason=reason.strip(), created_by=actor)
    if evidence is not None:
        adj.evidence_name = check_upload(evidence, "evidence")
        adj.evidence.save(adj.evidence_name, evidence, save=False)
    adj.full_clean()
    adj.save()
    _save_entries(run)
    log_event(run, "ranking_adjusted", note=str(adj))
    return adj


def may_open_adjustment(adj: Adjustment, user) -> bool:
    """May `user` open this 加减分 (its evidence, its removal page action): a run the user reads, and the
    office running the campaign or the unit the 加减分 concerns. Pages and API ask this one question."""
    if user is None or not user.is_authenticated:
        return False
    if not RankingRun.objects.readable(user).filter(pk=adj.run_id).exists():
        return False
    return policy.manages(user, adj.run.scheme.campaign) or (
        user.unit_id is not None and user.unit_id == adj.unit_id
    )


@transaction.atomic
def remove_adjustment(adj: Adjustment, *, actor) -> None:
    run = adj.run
    _check_draft(run, actor)
    note = str(adj)
    adj.delete()
    _save_entries(run)
    log_event(run, "ranking_adjustment_removed", note=note)


@transaction.atomic
def publish_run(run: RankingRun, *, actor, expected_version=None) -> RankingRun:
    """Publish a draft: it becomes the period's current ranking, open to appeal for the scheme's
    window, and the 约谈 rule runs on it."""
    _check_office(run.scheme, actor, "发布排名")
    if run.is_published:
        raise ValidationError("排名已发布")
    _publish(run, actor, expected_version)
    propose_interviews(run, actor=actor)
    return run


def _publish(run, actor, expected_version=None):
    now = timezone.now()
    run.status = RunStatus.PUBLISHED
    run.published_at = now
    run.published_by = actor
    run.is_current = True
    run.appeal_until = timezone.localdate(now) + datetime.timedelta(days=run.rules.get("appeal_days", 5))
    # pages and the API pass the version they read; internal callers (corrections, demo) the current one
    save_versioned(run, run.version if expected_version is None else expected_version)
    RankingRun.objects.filter(scheme=run.scheme, period_start=run.period_start).exclude(pk=run.pk).update(
        is_current=False
    )
    log_event(run, "ranking_published")
    transaction.on_commit(lambda: _notify_published(run))


def _notify_published(run):
    notify_event(
        "ranking_published",
        run,
        units=[e["unit_id"] for e in run.entries],
        campaign=run.scheme.campaign_id,
        title=f"排名发布：{run}",
        body=f"申诉截止{run.appeal_until:%Y-%m-%d}",
    )


# ------------------------------------------------------------------------------------------ appeals


def can_appeal(run: RankingRun, user) -> bool:
    """A ranked subject's own people (unit heads and liaisons) may appeal a current published run
    within its window, once at a time."""
    if not (run.is_published and run.is_current and run.appeal_until):
        return False
    if user.role not in policy.UNIT_ROLES or not user.unit_id or run.entry_for(user.unit_id) is None:
        return False
    return timezone.localdate() <= run.appeal_until


def involved_in(run: RankingRun, user) -> bool:
    return user.pk in {run.computed_by_id, run.published_by_id}


def can_decide(appeal: Appeal, user) -> bool:
    """Anyone managing the campaign who neither computed nor published the run, nor appealed."""
    run = appeal.run
    return (
        policy.manages(user, run.scheme.campaign)
        and not involved_in(run, user)
        and user.pk != appeal.filed_by_id
        and user.unit_id != appeal.unit_id
    )


@transaction.atomic
def file_appeal(run: RankingRun, *, actor, reason: str, evidence=None) -> Appeal:
    """A ranked unit's 申诉, with its reason and (optionally) one file of 申诉材料."""
    if not can_appeal(run, actor):
        raise PermissionDenied("只有上榜单位可以在申诉期内对已发布的排名申诉")
    if not (reason or "").strip():
        raise ValidationError({"reason": "请填写申诉理由"})
    if Appeal.objects.filter(run=run, unit_id=actor.unit_id, status=AppealStatus.PENDING).exists():
        raise ValidationError("本单位已有待处理的申诉")
    appeal = Appeal(run=run, unit_id=actor.unit_id, reason=reason.strip(), filed_by=actor)
    if evidence is not None:
        try:
            appeal.evidence_name = check_upload(evidence, "evidence")
        except ValidationError as exc:
            raise ValidationError({"evidence": exc.messages}) from exc
        appeal.evidence.save(appeal.evidence_name, evidence, save=False)
    appeal.save()
    log_event(appeal, "ranking_appeal_filed")
    return appeal


@transaction.atomic
def decide_appeal(
    appeal: Appeal,
    *,
    actor,
    upheld: bool,
    decision: str,
    reply: str,
    correction_points=None,
    expected_version=None,
) -> Appeal:
    """Decide an appeal. Upheld with `correction_points`, a new revision of the period's current run
    is made (the old revisions kept) with the correction as a 加减分, and published at once."""
    if not can_decide(appeal, actor):
        raise PermissionDenied("申诉须由未参与本期排名计算、发布的创建办人员处理")
    if appeal.status != AppealStatus.PENDING:
        raise ValidationError("该申诉已处理")
    if not (decision or "").strip() or not (reply or "").strip():
        raise ValidationError({"reply": "请填写处理意见和公开答复"})
    if correction_points is not None and not upheld:
        raise ValidationError({"correction_points": "维持原排名时不能更正分数"})
    appeal.status = AppealStatus.UPHELD if upheld else AppealStatus.REJECTED
    appeal.decision, appeal.reply = decision.strip(), reply.strip()
    appeal.decided_by, appeal.decided_at = actor, timezone.now()
    if upheld and correction_points not in (None, 0, Decimal("0")):
        appeal.correction_points = Decimal(str(correction_points))
        appeal.corrected_run = _correct(appeal, actor)
    save_versioned(appeal, appeal.version if expected_version is None else expected_version)
    log_event(appeal, "ranking_appeal_decided", note=appeal.get_status_display())
    transaction.on_commit(lambda: _notify_appeal(appeal))
    return appeal


def _correct(appeal: Appeal, actor) -> RankingRun:
    base = (
        RankingRun.objects.select_for_update()
        .filter(scheme=appeal.run.scheme, period_start=appeal.run.period_start)
        .order_by("-revision")
        .first()
    )
    new = RankingRun.objects.create(
        scheme=base.scheme,
        period_start=base.period_start,
        period_end=base.period_end,
        period_kind=base.period_kind,
        computed_at=base.computed_at,
        computed_by=base.computed_by,
        weights=base.weights,
        labels=base.labels,
        rules=base.rules,
        inputs=base.inputs,
        revision=base.revision + 1,
        supersedes=base,
    )
    for a in base.adjustments.all():
        Adjustment.objects.create(
            run=new,
            unit_id=a.unit_id,
            points=a.points,
            reason=a.reason,
            evidence=a.evidence.name,
            evidence_name=a.evidence_name,
            created_by=a.created_by,
        )
    Adjustment.objects.create(
        run=new,
        unit_id=appeal.unit_id,
        points=appeal.correction_points,
        reason=f"申诉更正：{appeal.decision}"[:200],
        created_by=actor,
    )
    new.entries = rescore(new)
    new.save(update_fields=["entries"])
    _publish(new, actor)
    return new


def _notify_appeal(appeal):
    notify_event(
        "ranking_appeal_decided",
        appeal,
        units=[appeal.unit_id],
        campaign=appeal.run.scheme.campaign_id,
        title=f"申诉处理结果：{appeal.run}",
        body=appeal.reply,
    )


# ------------------------------------------------------------------------------------------- 约谈


@transaction.atomic
def propose_interviews(run: RankingRun, *, actor) -> list[Interview]:
    """约谈 rule: a unit on the black list in this run and the scheme's previous published runs,
    `interview_after` periods running, is proposed for 约谈 (once per run)."""
    scheme = run.scheme
    _check_office(scheme, actor)
    n = scheme.interview_after
    if not n or not run.is_published:
        return []
    recent = list(
        scheme.runs.filter(period_start__lte=run.period_start, status=RunStatus.PUBLISHED, is_current=True)
        .exclude(period_start=run.period_start)
        .order_by("-period_start")[: n - 1]
    )
    recent = [run, *recent]
    if len(recent) < n:
        return []
    black_sets = [{e["unit_id"] for e in r.black_list()} for r in recent]
    repeat = set.intersection(*black_sets)
    created = []
    for unit in Unit.objects.filter(pk__in=repeat).order_by("name"):
        if Interview.objects.filter(
            unit=unit, runs__scheme=scheme, runs__period_start=run.period_start
        ).exists():
            continue
        months = "、".join(r.period_label for r in reversed(recent))
        interview = Interview.objects.create(
            campaign=scheme.campaign,
            unit=unit,
            reason=f"{scheme.name}连续{n}期位列黑榜（{months}）",
        )
        interview.runs.set(recent)
        log_event(interview, "interview_proposed")
        created.append(interview)
        transaction.on_commit(lambda i=interview: _notify_interview(i))
    return created


LATE_ROUNDS = 3


@transaction.atomic
def propose_rule_interviews(
    campaign, *, actor, late_rounds=LATE_ROUNDS, indicator_period=None
) -> list[Interview]:
    """约谈 rules beyond the rankings: a unit whose reports were late or missing `late_rounds` rounds
    running, and a township failing an indicator's target over `indicator_period` (a supervision
    period code, default the current year), are proposed for 约谈 — once while an earlier 约谈 on the
    same rule is still open. (Overdue problems already escalate to rectification's own 约谈 record;
    black lists are handled at publishing.)"""
    if not policy.manages(actor, campaign):
        raise PermissionDenied("只有创建办可以提出约谈")
    period = indicator_period or str(timezone.localdate().year)
    rules = [
        (f"调度连续{late_rounds}轮迟报或未报", builtin_signals.late_rounds(campaign, late_rounds)),
        (f"{period}指标未达标", builtin_signals.failed_indicators(campaign, period)),
    ]
    created = []
    for prefix, causes in rules:
        open_units = set(
            Interview.objects.filter(campaign=campaign, reason__startswith=prefix)
            .exclude(status=InterviewStatus.CLOSED)
            .values_list("unit_id", flat=True)
        )
        for unit in Unit.objects.filter(pk__in=set(causes) - open_units).order_by("sort_order", "name"):
            interview = Interview.objects.create(
                campaign=campaign, unit=unit, reason=f"{prefix}（{'、'.join(causes[unit.pk])}）"
            )
            log_event(interview, "interview_proposed", note=prefix)
            created.append(interview)
            _notify_interview(interview)
    return created


@transaction.atomic
def create_interview(campaign, unit, reason, *, actor, runs=()) -> Interview:
    """约谈 by hand (reports late, problems overdue, a failed indicator …), linked to runs if any."""
    if not policy.manages(actor, campaign):
        raise PermissionDenied("只有创建办可以提出约谈")
    if not policy.manages(actor, unit):
        raise ValidationError({"unit": "只能约谈本辖区的单位"})
    interview = Interview(campaign=campaign, unit=unit, reason=(reason or "").strip())
    interview.full_clean()
    interview.save()
    if runs:
        interview.runs.set(runs)
    log_event(interview, "interview_proposed", note="人工提出")
    transaction.on_commit(lambda: _notify_interview(interview))
    return interview


@transaction.atomic
def record_interview(interview: Interview, *, actor, expected_version=None, **fields) -> Interview:
    """Record the 约谈 held (date, attendees, minutes, commitments) or its follow-up; closing needs a
    follow-up."""
    if not policy.manages(actor, interview.campaign):
        raise PermissionDenied("只有创建办可以记录约谈")
    allowed = {"held_on", "attendees", "minutes", "commitments", "follow_up", "status", "reason"}
    for k, v in fields.items():
        if k not in allowed:
            raise ValidationError({k: "不能修改此字段"})
        setattr(interview, k, v)
    if interview.status == InterviewStatus.HELD and not interview.held_on:
        raise ValidationError({"held_on": "请填写约谈日期"})
    if interview.status == InterviewStatus.CLOSED and not interview.follow_up.strip():
        raise ValidationError({"follow_up": "销号前请填写承诺事项的跟踪落实情况"})
    interview.full_clean()
    save_versioned(interview, expected_version)
    return interview


def _notify_interview(interview):
    notify_event(
        "summons_scheduled",
        interview,
        units=[interview.unit_id],
        campaign=interview.campaign_id,
        title=f"约谈通知：{interview.unit}",
        body=interview.reason,
    )


# --------------------------------------------------------------------------------------- 评议考核


def _year_scores(campaign, year, kind) -> dict:
    """Each subject's mean score over the year's current published runs of the campaign's schemes
    ranking `kind` (from the frozen entries)."""
    runs = RankingRun.objects.filter(
        scheme__campaign=campaign,
        scheme__subject_kind=kind,
        status=RunStatus.PUBLISHED,
        is_current=True,
        period_start__year=year,
    ).only("entries")
    sums: dict[int, list[float]] = {}
    for run in runs:
        for e in run.entries:
            if e["score"] is not None:
                sums.setdefault(e["unit_id"], []).append(float(e["score"]))
    return {u: sum(v) / len(v) for u, v in sums.items()}


@transaction.atomic
def prefill_sheets(campaign, year: int, kind: str, *, actor) -> list:
    """Make the year's 评议考核 sheets for every subject of `kind`, proposing 食品安全状况 from the
    year's published rankings (mean score, scaled to its 30 points) and the 降级 situation from veto
    incidents. Existing sheets keep what was filled by hand; only their system figures are refreshed."""
    from shian.rankings.models import AssessmentSheet

    if not policy.manages(actor, campaign):
        raise PermissionDenied("只有创建办可以填写评议考核表")
    units = list(
        Unit.objects.filter(
            kind=kind, is_active=True, region__path__startswith=campaign.region.path
        ).order_by("sort_order", "name")
    )
    subjects = [(u.pk, u.short_name or u.name) for u in units]
    scores = _year_scores(campaign, year, kind)
    veto = builtin_signals.demotions(
        campaign, subjects, datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    )
    existing = {s.unit_id: s for s in AssessmentSheet.objects.filter(campaign=campaign, year=year)}
    sheets = []
    for unit in units:
        mean = scores.get(unit.pk)
        figures = {"ranking_mean": None if mean is None else round(mean, 2), "veto": veto.get(unit.pk, "")}
        sheet = existing.get(unit.pk)
        if sheet is None:
            sheet = AssessmentSheet(campaign=campaign, year=year, unit=unit, demotion=veto.get(unit.pk, ""))
            if mean is not None:
                top = AssessmentSheet.SAFETY_MAX
                sheet.safety = min(
                    top, max(Decimal("0"), (Decimal(str(mean)) * top / 100).quantize(Decimal("0.01")))
                )
        sheet.figures = figures
        sheet.full_clean()
        sheet.save()
        sheets.append(sheet)
    log_event(campaign, "assessment_sheets_prefilled", note=f"{year}年{len(sheets)}个单位")
    return sheets


@transaction.atomic
def update_sheet(sheet, *, actor, expected_version=None, **fields):
    """Fill a sheet by hand: the three parts, 加减分 with its reason, the 降级 situation."""
    if not policy.manages(actor, sheet.campaign):
        raise PermissionDenied("只有创建办可以填写评议考核表")
    allowed = {"basic", "key_work", "safety", "bonus", "bonus_reason", "demotion"}
    for k, v in fields.items():
        if k not in allowed:
            raise ValidationError({k: "不能修改此字段"})
        setattr(sheet, k, v)
    sheet.full_clean()
    save_versioned(sheet, sheet.version if expected_version is None else expected_version)
    return sheet


def sheet_rows(sheets) -> list[list]:
    """The 考评办's layout: header and one row per unit (the page and the xlsx)."""
    from shian.rankings.models import AssessmentSheet as S

    header = [
        "序号",
        "被考核单位",
        f"基础工作（{S.BASIC_MAX:g}分）",
        f"年度重点工作（{S.KEY_WORK_MAX:g}分）",
        f"食品安全状况（{S.SAFETY_MAX:g}分）",
        "加减分",
        "加减分事由",
        "总分",
        "降级情形",
        "等次",
    ]

    def num(v):
        return None if v is None else float(v)

    rows = [
        [
            i,
            str(s.unit),
            num(s.basic),
            num(s.key_work),
            num(s.safety),
            num(s.bonus),
            s.bonus_reason,
            num(s.total),
            s.demotion,
            s.grade or "",
        ]
        for i, s in enumerate(sheets, start=1)
    ]
    return [header, *rows]
