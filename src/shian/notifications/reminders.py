"""The periodic pass: reminders that fall due, escalation of overdue problems, and today's digests.

`run_pass()` is what the scheduler (the in-process thread of `shian run`, or Celery beat) and
`shian remind` call. Every reminder has an occasion (the deadline it is about), so a second pass on the
same day sends nothing new; digests are keyed by person, day and channel.
"""

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from shian.notifications import channels
from shian.notifications.choices import Channel, Event
from shian.notifications.delivery import deliver_due
from shian.notifications.hooks import notify_event
from shian.notifications.models import Delivery
from shian.notifications.services import in_quiet_hours, inline_delivery, preferences_for, user_channels
from shian.notifications.todo import my_todo, todo_text

ACTIVE = ("preparing", "active", "under_review")
MISSED_WINDOW = datetime.timedelta(days=7)  # rounds missed longer ago than this are not announced any more


def _date(value):
    return f"{value:%Y年%-m月%-d日}" if value else ""


def _active_campaigns():
    from shian.campaigns.models import Campaign

    return list(Campaign.objects.filter(status__in=ACTIVE).select_related("region", "office"))


def _task_reminders(campaign, today):
    from shian.workplan.models import Task

    horizon = today + datetime.timedelta(days=campaign.remind_days_before)
    tasks = Task.objects.filter(campaign=campaign, deadline__isnull=False, deadline__lte=horizon).open()
    for t in tasks.only("id", "title", "deadline", "unit_id", "campaign_id"):
        if t.deadline < today:
            notify_event(
                Event.TASK_OVERDUE,
                t,
                units=[t.unit_id],
                campaign=campaign,
                occasion=f"{t.deadline}",
                title=f"任务已逾期：{t.title[:80]}",
                body=f"完成时限{_date(t.deadline)}已过，请尽快完成并提交。",
            )
        else:
            days = (t.deadline - today).days
            notify_event(
                Event.TASK_DUE,
                t,
                units=[t.unit_id],
                campaign=campaign,
                occasion=f"{t.deadline}",
                title=f"任务{'今天' if days == 0 else f'{days}天后'}到期：{t.title[:80]}",
                body=f"完成时限：{_date(t.deadline)}。",
            )


def _problem_reminders(campaign, today):
    from shian.rectification.models import Problem

    horizon = today + datetime.timedelta(days=campaign.remind_days_before)
    problems = Problem.objects.filter(campaign=campaign, deadline__isnull=False, deadline__lte=horizon).open()
    for p in problems.only("id", "seq", "description", "deadline", "unit_id", "campaign_id"):
        if p.deadline < today:
            notify_event(
                Event.PROBLEM_OVERDUE,
                p,
                units=[p.unit_id],
                campaign=campaign,
                occasion=f"{p.deadline}",
                title=f"整改已逾期：{str(p)[:80]}",
                body=f"整改时限{_date(p.deadline)}已过，请尽快整改并申请销号。",
            )
        else:
            days = (p.deadline - today).days
            notify_event(
                Event.PROBLEM_DUE,
                p,
                units=[p.unit_id],
                campaign=campaign,
                occasion=f"{p.deadline}",
                title=f"整改{'今天' if days == 0 else f'{days}天后'}到期：{str(p)[:80]}",
                body=f"整改时限：{_date(p.deadline)}。",
            )


def _round_reminders(campaign, now):
    from shian.dispatch.choices import ReportStatus, RoundStatus
    from shian.dispatch.models import DispatchReport
    from shian.organisation.choices import Role
    from shian.organisation.models import User

    tomorrow_end = timezone.localtime(now).replace(hour=23, minute=59, second=59) + datetime.timedelta(days=1)
    reports = (
        DispatchReport.objects.filter(round__campaign=campaign)
        .exclude(status=ReportStatus.SUBMITTED)
        .filter(round__deadline__gt=now - MISSED_WINDOW, round__deadline__lte=tomorrow_end)
        .select_related("round", "unit")
    )
    missed_by_round = {}
    for r in reports:
        deadline = timezone.localtime(r.round.deadline)
        if r.round.deadline > now and r.round.status == RoundStatus.OPEN:
            notify_event(
                Event.ROUND_DUE,
                r,
                units=[r.unit_id],
                campaign=campaign,
                occasion=deadline.isoformat(),
                title=f"调度报告即将截止：{r.round.title}",
                body=f"报送截止时间为{deadline:%Y年%-m月%-d日 %H:%M}，本单位尚未报送。",
                url=reverse("dispatch:report_edit", args=[r.pk]),
            )
        elif r.round.deadline <= now:
            notify_event(
                Event.ROUND_MISSED,
                r,
                units=[r.unit_id],
                campaign=campaign,
                occasion=deadline.isoformat(),
                title=f"调度报告未按时报送：{r.round.title}",
                body=f"报送截止时间{deadline:%Y年%-m月%-d日 %H:%M}已过，本单位未报送。"
                + ("请尽快补报。" if r.round.status == RoundStatus.OPEN else ""),
            )
            missed_by_round.setdefault(r.round, []).append(r.unit)
    if missed_by_round and campaign.office_id:
        office = list(User.objects.filter(unit_id=campaign.office_id, role=Role.OFFICE, is_active=True))
        for rnd, units in missed_by_round.items():
            names = "、".join(u.short_name or u.name for u in units)
            notify_event(
                Event.ROUND_MISSED,
                rnd,
                users=office,
                campaign=campaign,
                occasion=timezone.localtime(rnd.deadline).isoformat(),
                title=f"{len(units)}个单位未按时报送：{rnd.title}",
                body=f"未报送：{names}",
            )


def queue_reminders(now=None):
    now = now or timezone.now()
    today = timezone.localdate(now)
    for campaign in _active_campaigns():
        _task_reminders(campaign, today)
        _problem_reminders(campaign, today)
        _round_reminders(campaign, now)


def _campaign_people(campaign):
    from shian.organisation.models import User

    return User.objects.filter(
        is_active=True, unit__region__path__startswith=campaign.region.path
    ).select_related("unit__region")


def queue_digests(now=None) -> int:
    """One digest per person, day and outside channel, listing their 我的待办; after the campaign's quiet
    hours end. Nothing when no outside channel is configured."""
    if not channels.configured_channels():
        return 0
    now = now or timezone.now()
    local = timezone.localtime(now)
    day = local.date()
    created = 0
    for campaign in _active_campaigns():
        if in_quiet_hours(campaign, now) or local.time() < campaign.quiet_end:
            continue
        people = [u for u in _campaign_people(campaign) if u.email or u.phone]
        prefs = preferences_for([u.pk for u in people])
        wanted = [(u, ch, addr) for u in people for ch, addr in user_channels(u, prefs.get(u.pk))]
        keys = {f"digest:{u.pk}:{day}:{ch}" for u, ch, _ in wanted}
        done = set(Delivery.objects.filter(key__in=keys).values_list("key", flat=True))
        todo_cache = {}
        for user, channel, address in wanted:
            key = f"digest:{user.pk}:{day}:{channel}"
            if key in done:
                continue
            if user.pk not in todo_cache:
                todo_cache[user.pk] = [i for i in my_todo(user, day) if i.count]
            items = todo_cache[user.pk]
            if not items:
                continue
            total = sum(i.count for i in items)
            body = f"{user.display_name}，您好！截至{local:%-m月%-d日 %H:%M}，您有以下事项待办理：\n{todo_text(items)}"
            _, was_new = Delivery.objects.get_or_create(
                key=key,
                defaults=dict(
                    channel=channel,
                    recipient=user,
                    target=address,
                    event="digest",
                    body=body,
                    subject=f"食安创城每日待办汇总（{day:%-m月%-d日}）：{total}项",
                    url=channels_home(),
                    next_attempt_at=now,
                ),
            )
            created += was_new
            done.add(key)
    return created


def channels_home():
    from shian.notifications.services import absolute

    return absolute(reverse("home"))


def run_pass(now=None) -> dict:
    """Reminders due, escalations, today's digests, then send everything due. Returns what it did."""
    from shian.rectification.services import escalate_problems
    from shian.stewardship.services import remind_overdue

    now = now or timezone.now()
    with inline_delivery() as tally:
        with transaction.atomic():
            escalated = escalate_problems(today=timezone.localdate(now))
            queue_reminders(now)
            stewards = remind_overdue(today=timezone.localdate(now))  # once a week per cadre
        digests = queue_digests(now)
        sent = deliver_due(now=now)
    return {"inapp": tally["inapp"], "escalated": escalated, "digests": digests, "stewards": stewards, **sent}


def describe(result) -> str:
    """The summary `shian remind` prints: what went out per channel."""
    labels = dict(Channel.choices)
    parts = [f"{labels[Channel.INAPP]} {result['inapp']} 条"]
    for ch in (Channel.EMAIL, Channel.SMS, Channel.WECOM, Channel.DINGTALK):
        n, bad = result["sent"].get(ch, 0), result["failed"].get(ch, 0)
        parts.append(f"{labels[ch]} {n} 条" + (f"（失败 {bad} 条，将重试）" if bad else ""))
    esc = result["escalated"]
    return (
        "；".join(parts) + f"\n每日汇总 {result['digests']} 份；逾期问题升级：催办提醒 {esc['reminder']} 个、"
        f"通报预警 {esc['warning']} 个、约谈 {esc['interview']} 个；包保督导逾期提醒 {result.get('stewards', 0)} 人"
    )
