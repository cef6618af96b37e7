"""Sending queued deliveries: claim a row, send it over its channel, record the outcome.

A failed attempt is retried with backoff (1, 5, 30, 120 minutes …) up to SHIAN_NOTIFY_MAX_ATTEMPTS;
then the delivery is 发送失败 and stays in the log with its last error. A row is claimed with one
conditional UPDATE, so two workers (the job thread and a reminder pass) never send it twice.
"""

import datetime
import logging

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from shian.notifications import channels
from shian.notifications.choices import Channel, DeliveryStatus
from shian.notifications.models import Delivery

logger = logging.getLogger("shian.notifications")
BACKOFF_MINUTES = [1, 5, 30, 120, 360]
STALE_SENDING = datetime.timedelta(minutes=10)


def backoff(attempts: int) -> datetime.timedelta:
    return datetime.timedelta(minutes=BACKOFF_MINUTES[min(attempts, len(BACKOFF_MINUTES)) - 1])


def _send(d: Delivery):
    if d.channel == Channel.EMAIL:
        body = (
            d.body
            + (f"\n\n打开查看：{d.url}" if d.url else "")
            + "\n\n——食安创城（此邮件由系统自动发送，请勿直接回复）"
        )
        channels.send_email(d.target, d.subject, body)
    elif d.channel == Channel.SMS:
        channels.send_sms(d.target, channels.sms_text(d.subject, d.body))
    elif d.channel == Channel.WECOM:
        channels.send_wecom(d.hook.url, d.subject, d.body, d.url)
    elif d.channel == Channel.DINGTALK:
        channels.send_dingtalk(d.hook.url, d.hook.secret, d.subject, d.body, d.url)
    else:
        raise channels.DeliveryError(f"未知渠道“{d.channel}”")


def due(now=None):
    now = now or timezone.now()
    stale = Q(status=DeliveryStatus.SENDING, next_attempt_at__lte=now - STALE_SENDING)
    return Delivery.objects.filter(Q(status=DeliveryStatus.PENDING, next_attempt_at__lte=now) | stale)


def deliver_due(ids=None, now=None) -> dict:
    """Send what is due (only `ids` if given). Returns {"sent": {channel: n}, "failed": {channel: n}}."""
    now = now or timezone.now()
    qs = due(now)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    sent, failed = {}, {}
    for d in qs.select_related("hook").order_by("next_attempt_at", "id")[:1000]:
        claimed = Delivery.objects.filter(pk=d.pk, status=d.status, attempts=d.attempts).update(
            status=DeliveryStatus.SENDING, attempts=d.attempts + 1, next_attempt_at=timezone.now()
        )
        if not claimed:
            continue  # somebody else took it
        attempts = d.attempts + 1
        try:
            if d.hook_id and not d.hook.is_active:
                raise channels.DeliveryError("群机器人已停用")
            _send(d)
        except Exception as exc:  # any failure is recorded on the row; the log must say why
            final = attempts >= settings.SHIAN_NOTIFY_MAX_ATTEMPTS
            Delivery.objects.filter(pk=d.pk).update(
                status=DeliveryStatus.FAILED if final else DeliveryStatus.PENDING,
                last_error=str(exc)[:2000],
                next_attempt_at=timezone.now() + backoff(attempts),
            )
            failed[d.channel] = failed.get(d.channel, 0) + 1
            logger.warning(
                "delivery %s (%s → %s) failed, attempt %s: %s", d.pk, d.channel, d.target, attempts, exc
            )
            continue
        Delivery.objects.filter(pk=d.pk).update(
            status=DeliveryStatus.SENT, sent_at=timezone.now(), last_error=""
        )
        sent[d.channel] = sent.get(d.channel, 0) + 1
    return {"sent": sent, "failed": failed}


def retry_delivery(delivery, *, actor) -> Delivery:
    """The administrator sends a failed delivery again (from the delivery log)."""
    from django.core.exceptions import PermissionDenied

    if not actor.is_admin:
        raise PermissionDenied("只有系统管理员可以重发")
    Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.FAILED).update(
        status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=timezone.now()
    )
    delivery.refresh_from_db()
    return delivery
