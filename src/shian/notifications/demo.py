"""Demo notifications: every demo user gets an address on a reserved domain (anlan.example), outside channels
stay off until configured, one example robot hook is kept disabled, and one reminder pass runs so the bell
is not empty (the events of the other apps' demo data arrive as well, after the demo commits)."""

from django.db import transaction
from django.utils import timezone

from shian.notifications.choices import Event, RobotKind
from shian.notifications.models import RobotHook
from shian.notifications.reminders import run_pass
from shian.organisation.models import User

DOMAIN = "anlan.example"  # RFC 2606 reserved: mail to it never leaves a correctly configured relay


def populate(ctx):
    users = list(User.objects.filter(email=""))
    for user in users:
        user.email = f"{user.username}@{DOMAIN}"
    User.objects.bulk_update(users, ["email"])
    RobotHook.objects.create(
        name="创建工作群（示例，未启用）",
        kind=RobotKind.WECOM,
        campaign=ctx.campaign,
        is_active=False,
        url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=REPLACE-WITH-YOUR-KEY",
    )
    run_pass()
    # The other apps' demo events arrive after commit; this runs after them and marks as read what a
    # person would have seen long ago, so the bell shows what is still open.
    transaction.on_commit(_settle)


SEEN = [Event.TASK_ASSIGNED, Event.MATERIAL_APPROVED, Event.PROBLEM_VERIFIED, Event.PROBLEM_ASSIGNED]


def _settle():
    from shian.dispatch.choices import RoundStatus
    from shian.dispatch.models import DispatchRound
    from shian.notifications.models import Notification

    closed = [
        str(pk) for pk in DispatchRound.objects.filter(status=RoundStatus.CLOSED).values_list("pk", flat=True)
    ]
    now = timezone.now()
    Notification.objects.filter(event__in=SEEN).update(read_at=now)
    Notification.objects.filter(event=Event.ROUND_OPENED, object_id__in=closed).update(read_at=now)
