"""Notification rules: turning an event into messages and deliveries, reading them, channel choices,
and the office's 催报 / 催办.

`dispatch(spec)` runs after commit (see hooks.notify_event): it finds the recipients, writes the in-app
messages that do not exist yet (unique key), and queues outside deliveries (e-mail / SMS for the events
the person wants at once, group robots for the events their hook lists), respecting the campaign's
quiet hours. Delivery itself is `delivery.deliver_due`, run by a background job.
"""

import contextlib
import contextvars
import datetime
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from shian.core.audit import log_event
from shian.notifications import channels
from shian.notifications.choices import (
    DEFAULT_IMMEDIATE,
    DEFAULT_ROBOT_EVENTS,
    Channel,
    Event,
    RobotKind,
    UrgeKind,
)
from shian.notifications.models import Delivery, Notification, Preference, Reminder, RobotHook
from shian.organisation.choices import Role

logger = logging.getLogger("shian.notifications")
UNIT_ROLES = (Role.LIAISON, Role.UNIT_HEAD)

# Inside a reminder pass deliveries are sent by the pass itself (to count them), not by a job; the
# context holds the pass's tally of in-app messages.
_inline = contextvars.ContextVar("shian_notify_inline", default=None)


def in_reminder_pass() -> bool:
    return _inline.get() is not None


@contextlib.contextmanager
def inline_delivery():
    from shian.core.notify import immediate

    tally = {"inapp": 0}
    token, now_token = _inline.set(tally), immediate.set(True)
    try:
        yield tally
    finally:
        _inline.reset(token)
        immediate.reset(now_token)


# --- quiet hours -------------------------------------------------------------------------------


def in_quiet_hours(campaign, now=None) -> bool:
    if campaign is None or campaign.quiet_start == campaign.quiet_end:
        return False
    t = timezone.localtime(now or timezone.now()).time()
    start, end = campaign.quiet_start, campaign.quiet_end
    return (t >= start or t < end) if start > end else (start <= t < end)


def next_allowed(campaign, now=None) -> datetime.datetime:
    """`now`, or the end of the quiet hours it falls in."""
    now = now or timezone.now()
    if not in_quiet_hours(campaign, now):
        return now
    local = timezone.localtime(now)
    end = local.replace(
        hour=campaign.quiet_end.hour, minute=campaign.quiet_end.minute, second=0, microsecond=0
    )
    if end <= local:
        end += datetime.timedelta(days=1)
    return end


# --- recipients and preferences ----------------------------------------------------------------


def unit_users(unit_ids):
    from shian.organisation.models import User

    return User.objects.filter(unit_id__in=list(unit_ids), role__in=UNIT_ROLES, is_active=True)


def preferences_for(user_ids) -> dict:
    return {p.user_id: p for p in Preference.objects.filter(user_id__in=list(user_ids))}


def immediate_events(pref) -> list:
    return list(pref.immediate_events) if pref is not None else list(DEFAULT_IMMEDIATE)


def user_channels(user, pref) -> list[tuple[str, str]]:
    """[(channel, address)] this person can be reached on outside the app."""
    out = []
    if user.email and (pref is None or pref.email_enabled) and channels.email_config() is not None:
        out.append((Channel.EMAIL, user.email))
    if user.phone and (pref is None or pref.sms_enabled) and channels.sms_configured():
        out.append((Channel.SMS, user.phone))
    return out


def absolute(url: str) -> str:
    if not url or url.startswith("http"):
        return url
    return settings.SHIAN_SITE_URL.rstrip("/") + url


# --- dispatch ----------------------------------------------------------------------------------


def _base_key(spec) -> str:
    return f"{spec['event']}:{spec['content_type_id'] or '-'}:{spec['object_id'] or '-'}:{spec['occasion']}"


def dispatch(spec) -> dict:
    """Write the messages and deliveries of one event; returns {"inapp": n, "deliveries": [ids]}.
    Never raises: the change that caused the event is already committed."""
    try:
        with transaction.atomic():
            result = _dispatch(spec)
    except Exception:  # a broken notification must not turn a saved change into an error page
        logger.exception("notification %s failed", spec.get("event"))
        return {"inapp": 0, "deliveries": []}
    tally = _inline.get()
    if tally is not None:
        tally["inapp"] += result["inapp"]
    elif result["deliveries"]:
        from shian.core.jobs import enqueue

        enqueue(
            "notifications.deliver",
            f"发送通知（{len(result['deliveries'])}条）",
            {"ids": result["deliveries"]},
        )
    return result


def _dispatch(spec) -> dict:
    from shian.campaigns.models import Campaign
    from shian.organisation.models import User

    base = _base_key(spec)
    ids = set(spec["user_ids"])
    if spec["unit_ids"]:
        ids |= set(unit_users(spec["unit_ids"]).values_list("pk", flat=True))
    users = {u.pk: u for u in User.objects.filter(pk__in=ids, is_active=True)}
    keys = {uid: f"{base}:{uid}"[:255] for uid in users}
    existing = set(Notification.objects.filter(key__in=keys.values()).values_list("key", flat=True))
    new = [
        Notification(
            recipient_id=uid,
            event=spec["event"],
            title=spec["title"],
            body=spec["body"],
            url=spec["url"],
            content_type_id=spec["content_type_id"],
            object_id=spec["object_id"],
            campaign_id=spec["campaign_id"],
            key=key,
        )
        for uid, key in keys.items()
        if key not in existing
    ]
    Notification.objects.bulk_create(new, ignore_conflicts=True)
    campaign = Campaign.objects.filter(pk=spec["campaign_id"]).first() if spec["campaign_id"] else None
    when = next_allowed(campaign)
    deliveries = []
    prefs = preferences_for([n.recipient_id for n in new])
    for n in new:
        pref = prefs.get(n.recipient_id)
        if spec["event"] not in immediate_events(pref):
            continue
        for channel, address in user_channels(users[n.recipient_id], pref):
            deliveries.append(
                Delivery(
                    channel=channel,
                    recipient_id=n.recipient_id,
                    target=address,
                    event=spec["event"],
                    subject=spec["title"],
                    body=spec["body"],
                    url=absolute(spec["url"]),
                    key=f"{n.key}:{channel}"[:255],
                    next_attempt_at=when,
                )
            )
    deliveries += _robot_deliveries(spec, base, when)
    Delivery.objects.bulk_create(deliveries, ignore_conflicts=True)
    created = (
        list(
            Delivery.objects.filter(
                key__in=[d.key for d in deliveries], attempts=0, status="pending"
            ).values_list("pk", flat=True)
        )
        if deliveries
        else []
    )
    return {"inapp": len(new), "deliveries": created}


def _robot_deliveries(spec, base, when) -> list[Delivery]:
    from shian.organisation.models import Unit

    if spec["unit_ids"]:
        match = Q(unit_id__in=spec["unit_ids"])
    elif spec["campaign_id"]:
        match = Q(campaign_id=spec["campaign_id"])  # campaign-wide events go to the campaign's group
    else:
        return []
    hooks = [
        h
        for h in RobotHook.objects.filter(match, is_active=True)
        if spec["event"] in (h.events or DEFAULT_ROBOT_EVENTS)
    ]
    if not hooks:
        return []
    names = {u.pk: u.short_name or u.name for u in Unit.objects.filter(pk__in=spec["unit_ids"])}
    out = []
    for hook in hooks:
        body = spec["body"]
        if hook.unit_id and len(names) > 1:
            body = f"{names[hook.unit_id]}：{body}"
        out.append(
            Delivery(
                channel=Channel.WECOM if hook.kind == RobotKind.WECOM else Channel.DINGTALK,
                hook=hook,
                target=hook.name,
                event=spec["event"],
                subject=spec["title"],
                body=body,
                url=absolute(spec["url"]),
                key=f"robot:{hook.pk}:{base}"[:255],
                next_attempt_at=when,
            )
        )
    return out


# --- reading -----------------------------------------------------------------------------------


def mark_read(notification, *, actor) -> Notification:
    if notification.recipient_id != actor.pk:
        raise PermissionDenied("只能处理自己的消息")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


def mark_all_read(*, actor, queryset=None) -> int:
    qs = (queryset if queryset is not None else Notification.objects.all()).mine(actor).unread()
    return qs.update(read_at=timezone.now())


def unread_count(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


@transaction.atomic
def update_preferences(user, *, actor, email_enabled, sms_enabled, immediate_events) -> Preference:
    if actor.pk != user.pk and not actor.is_admin:
        raise PermissionDenied("只能修改自己的通知设置")
    unknown = [e for e in immediate_events if e not in Event.values]
    if unknown:
        raise ValidationError({"immediate_events": f"未知的通知事项“{unknown[0]}”"})
    pref, _ = Preference.objects.get_or_create(user=user)
    pref.email_enabled, pref.sms_enabled = bool(email_enabled), bool(sms_enabled)
    pref.immediate_events = sorted(set(immediate_events))
    pref.save()
    return pref


# --- 催报 / 催办 --------------------------------------------------------------------------------


def _check_office(actor, campaign):
    from shian.workplan.services import can_manage_campaign

    if actor.is_read_only or not can_manage_campaign(actor, campaign):
        raise PermissionDenied("只有本辖区创建办可以催报、催办")


def _deadline_text(value) -> str:
    if value is None:
        return "未设时限"
    if isinstance(value, datetime.datetime):
        return f"{timezone.localtime(value):%Y年%-m月%-d日 %H:%M}"
    return f"{value:%Y年%-m月%-d日}"


def _record(kind, campaign, unit, obj, text, actor, rnd=None) -> Reminder:
    from django.contrib.contenttypes.models import ContentType

    return Reminder.objects.create(
        kind=kind,
        campaign=campaign,
        unit=unit,
        round=rnd,
        text=text,
        content_type=ContentType.objects.get_for_model(obj.__class__),
        object_id=str(obj.pk),
        sent_by=actor,
        recipients=unit_users([unit.pk]).count(),
    )


@transaction.atomic
def urge_round(rnd, *, actor, units=None, note="") -> list[Reminder]:
    """催报: every unit of the round that has not submitted (or the chosen ones among them) is told what
    is missing and by when. Each press is a new occasion, so pressing again reminds again."""
    from django.urls import reverse

    from shian.dispatch.choices import ReportStatus, RoundStatus
    from shian.notifications.hooks import notify_event

    _check_office(actor, rnd.campaign)
    if rnd.status != RoundStatus.OPEN:
        raise ValidationError({"round": "本轮调度已结束，不能催报"})
    reports = {r.unit_id: r for r in rnd.reports.select_related("unit")}
    if units:
        chosen = []
        for unit in units:
            report = reports.get(getattr(unit, "pk", unit))
            if report is None:
                raise ValidationError({"units": f"单位“{unit}”不在本轮调度的报送单位中"})
            if report.status == ReportStatus.SUBMITTED:
                raise ValidationError({"units": f"单位“{report.unit}”已报送，无需催报"})
            chosen.append(report)
    else:
        chosen = [r for r in reports.values() if r.status != ReportStatus.SUBMITTED]
    if not chosen:
        raise ValidationError({"units": "所有单位均已报送，无需催报"})
    occasion = timezone.now().isoformat()
    deadline = _deadline_text(rnd.deadline)
    out = []
    for report in sorted(chosen, key=lambda r: (r.unit.sort_order, r.unit.name)):
        state = "报告草稿尚未提交" if report.status == ReportStatus.DRAFT else "尚未报送本期调度报告"
        text = f"{report.unit}{state}，报送截止时间为{deadline}。请登录食安创城填报。"
        if note:
            text += f"\n创建办：{note.strip()}"
        notify_event(
            Event.ROUND_URGED,
            report,
            units=[report.unit],
            campaign=rnd.campaign,
            title=f"催报：{rnd.title}",
            body=text,
            occasion=occasion,
            url=reverse("dispatch:report_edit", args=[report.pk]),
        )
        out.append(_record(UrgeKind.ROUND, rnd.campaign, report.unit, report, text, actor, rnd=rnd))
    names = "、".join(r.unit.short_name or r.unit.name for r in out)
    notify_event(
        Event.ROUND_URGED,
        rnd,
        campaign=rnd.campaign,
        title=f"催报：{rnd.title}",
        occasion=occasion,
        body=f"以下{len(out)}个单位尚未报送，截止时间{deadline}：{names}"
        + (f"\n{note.strip()}" if note else ""),
    )
    log_event(
        rnd,
        "round_urged",
        note=f"催报{len(out)}个单位：" + "、".join(r.unit.short_name or r.unit.name for r in out)[:250],
    )
    return out


MAX_URGE = 500


def _urge_items(kind, event, items, *, actor, note, label, open_filter, url_name):
    """催办 on a filtered list: one message per unit naming its items and their deadlines."""
    from django.urls import reverse

    from shian.notifications.hooks import notify_event

    items = list(items[: MAX_URGE + 1])
    if len(items) > MAX_URGE:
        raise ValidationError({"items": f"一次最多催办{MAX_URGE}项，请先缩小筛选范围"})
    seen = set()
    items = [i for i in items if open_filter(i) and not (i.pk in seen or seen.add(i.pk))]
    if not items:
        raise ValidationError({"items": f"筛选结果中没有需要催办的{label}"})
    for campaign in {i.campaign_id: i.campaign for i in items}.values():
        _check_office(actor, campaign)
    occasion = timezone.now().isoformat()
    by_unit = {}
    for i in items:
        by_unit.setdefault((i.campaign_id, i.unit_id), []).append(i)
    out = []
    for group in by_unit.values():
        unit, campaign = group[0].unit, group[0].campaign
        lines = [
            f"{n}. {str(i)[:60]}（时限：{_deadline_text(i.deadline)}{'，已逾期' if i.is_overdue else ''}）"
            for n, i in enumerate(group[:20], start=1)
        ]
        if len(group) > 20:
            lines.append(f"……共{len(group)}项")
        text = f"{unit}有{len(group)}项{label}待办理：\n" + "\n".join(lines)
        if note:
            text += f"\n创建办：{note.strip()}"
        url = group[0].get_absolute_url() if len(group) == 1 else reverse(url_name)
        notify_event(
            event,
            unit,
            units=[unit],
            campaign=campaign,
            title=f"催办：{len(group)}项{label}",
            body=text,
            occasion=occasion,
            url=url,
        )
        for i in group:
            out.append(_record(kind, campaign, unit, i, text, actor))
            log_event(i, f"{kind}_urged", note=(note or "")[:200])
    return out


@transaction.atomic
def urge_tasks(tasks, *, actor, note="") -> list[Reminder]:
    """催办 on the (filtered) task list: every unfinished task's unit is reminded."""
    from shian.workplan.choices import TaskStatus

    qs = tasks.select_related("unit", "campaign__region").order_by("unit_id", "deadline", "id")
    return _urge_items(
        UrgeKind.TASK,
        Event.TASK_URGED,
        qs,
        actor=actor,
        note=note,
        label="任务",
        open_filter=lambda t: t.status != TaskStatus.DONE,
        url_name="workplan:task_list",
    )


@transaction.atomic
def urge_problems(problems, *, actor, note="") -> list[Reminder]:
    """催办 on the (filtered) problem list: every problem not yet 销号 is reminded to its unit."""
    qs = problems.select_related("unit", "campaign__region").order_by("unit_id", "deadline", "id")
    return _urge_items(
        UrgeKind.PROBLEM,
        Event.PROBLEM_URGED,
        qs,
        actor=actor,
        note=note,
        label="整改问题",
        open_filter=lambda p: not p.is_closed,
        url_name="rectification:problem_list",
    )


def round_reminders(rnd, user, limit=100):
    """Who was reminded when in this round (a unit sees its own reminders only)."""
    return list(Reminder.objects.restrict(user).filter(round=rnd).select_related("unit", "sent_by")[:limit])


def test_robot(hook, *, actor):
    """Post a test message to a robot at once (raises channels.DeliveryError with the robot's answer)."""
    if not RobotHook.objects.restrict(actor, "change").filter(pk=hook.pk).exists():
        raise PermissionDenied("只有本辖区创建办可以测试群机器人")
    if not hook.is_active:
        raise channels.DeliveryError("该机器人已停用，请先启用再测试")
    subject, body = (
        "食安创城测试消息",
        f"{actor.display_name}于{timezone.localtime():%Y-%m-%d %H:%M}发送的测试消息，收到即配置成功。",
    )
    if hook.kind == RobotKind.WECOM:
        channels.send_wecom(hook.url, subject, body)
    else:
        channels.send_dingtalk(hook.url, hook.secret, subject, body)
    log_event(hook, "robot_tested")
