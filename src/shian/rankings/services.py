"""Ranking services: compute and freeze a period's ranking, 红黑榜, and 约谈 proposed by rule.

Score arithmetic (`score_entries`) is query-free: signal values in, ranked entries out. A subject
missing a signal has its weight shared among the signals it has; a subject with no data at all is
listed last, unranked. Equal scores share a rank (1, 1, 3).
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from shian.core import policy
from shian.core.audit import log_event
from shian.core.notify import notify_event
from shian.core.services import save_versioned
from shian.organisation.models import Unit
from shian.rankings.choices import InterviewStatus
from shian.rankings.models import Interview, RankingRun, RankingScheme
from shian.rankings.signals import get_signal


def month_bounds(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    start = day.replace(day=1)
    nxt = (start + datetime.timedelta(days=32)).replace(day=1)
    return start, nxt - datetime.timedelta(days=1)


def score_entries(subjects, values, weights, red_count=0, black_count=0) -> list[dict]:
    """subjects: [(unit_id, name)]; values: {key: {unit_id: value}}; weights: {key: weight}.

    Returns the entries of a run, best first (see RankingRun.entries)."""
    entries = []
    for unit_id, name in subjects:
        vals = {k: values.get(k, {}).get(unit_id) for k in weights}
        present = {k: v for k, v in vals.items() if v is not None}
        total_w = sum(float(weights[k]) for k in present)
        score = (
            round(sum(float(weights[k]) * float(v) for k, v in present.items()) / total_w, 2)
            if total_w
            else None
        )
        entries.append(
            {"unit_id": unit_id, "unit": name, "values": vals, "score": score, "rank": None, "list": ""}
        )
    scored = sorted((e for e in entries if e["score"] is not None), key=lambda e: (-e["score"], e["unit"]))
    unscored = sorted((e for e in entries if e["score"] is None), key=lambda e: e["unit"])
    prev = None
    for i, e in enumerate(scored, start=1):
        e["rank"] = prev["rank"] if prev and prev["score"] == e["score"] else i
        prev = e
    if scored:
        red_cut = scored[min(red_count, len(scored)) - 1]["score"] if red_count else None
        black_cut = scored[max(len(scored) - black_count, 0)]["score"] if black_count else None
        for e in scored:
            if red_cut is not None and e["score"] >= red_cut:
                e["list"] = "red"
            elif black_cut is not None and e["score"] <= black_cut:
                e["list"] = "black"
    return scored + unscored


def _subjects(scheme):
    qs = Unit.objects.filter(
        kind=scheme.subject_kind, is_active=True, region__code__startswith=scheme.campaign.region.code
    ).order_by("sort_order", "name")
    return [(u.pk, u.short_name or u.name) for u in qs]


def _check_office(scheme, actor):
    if actor is not None and not policy.manages(actor, scheme.campaign):
        raise PermissionDenied("只有创建办可以计算排名")


@transaction.atomic
def compute_ranking(scheme: RankingScheme, day: datetime.date, *, actor) -> RankingRun:
    """Compute the month containing `day` and freeze it. A month is computed once."""
    _check_office(scheme, actor)
    if not scheme.weights:
        raise ValidationError({"weights": "排名方案未设置任何指标"})
    start, end = month_bounds(day)
    if RankingRun.objects.filter(scheme=scheme, period_start=start).exists():
        raise ValidationError({"period_start": f"{start:%Y年%-m月}已有排名，排名一经生成不再重算"})
    values, labels = {}, {}
    for key in scheme.weights:
        signal = get_signal(key)
        labels[key] = signal.label
        values[key] = signal.compute(scheme.campaign, start, end)
    entries = score_entries(_subjects(scheme), values, scheme.weights, scheme.red_count, scheme.black_count)
    run = RankingRun.objects.create(
        scheme=scheme,
        period_start=start,
        period_end=end,
        computed_at=timezone.now(),
        computed_by=actor,
        weights=dict(scheme.weights),
        labels=labels,
        entries=entries,
    )
    log_event(run, "ranking_computed", note=f"{len(entries)}个单位")
    return run


@transaction.atomic
def propose_interviews(run: RankingRun, *, actor) -> list[Interview]:
    """约谈 rule: a unit on the black list in this run and the scheme's previous runs, `interview_after`
    periods running, is proposed for 约谈 (once per run)."""
    scheme = run.scheme
    _check_office(scheme, actor)
    n = scheme.interview_after
    if not n:
        return []
    recent = list(scheme.runs.filter(period_start__lte=run.period_start).order_by("-period_start")[:n])
    if len(recent) < n:
        return []
    black_sets = [{e["unit_id"] for e in r.black_list()} for r in recent]
    repeat = set.intersection(*black_sets)
    created = []
    for unit in Unit.objects.filter(pk__in=repeat).order_by("name"):
        if Interview.objects.filter(unit=unit, runs=run).exists():
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


@transaction.atomic
def record_interview(interview: Interview, *, actor, expected_version=None, **fields) -> Interview:
    """Record the 约谈 held (date, attendees, commitments) or its follow-up; closing needs a follow-up."""
    if not policy.manages(actor, interview.campaign):
        raise PermissionDenied("只有创建办可以记录约谈")
    allowed = {"held_on", "attendees", "commitments", "follow_up", "status", "reason"}
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
