"""Helpers the tests of this app (and others') use to make 社会共治 rows."""

import datetime

from django.utils import timezone

from shian.community.choices import PollStatus
from shian.community.models import Activity, Poll, PollOption, RewardReport


def make_poll(region, *, status=PollStatus.OPEN, options=("月饼", "散装白酒", "学校食堂"), title="你点我检"):
    poll = Poll.objects.create(region=region, title=title, status=status)
    for name in options:
        PollOption.objects.create(poll=poll, name=name)
    return poll


def make_activity(region, title="科普宣传", days_ago=10, **kw):
    kw.setdefault("kind", "publicity")
    return Activity.objects.create(
        region=region, title=title, held_on=timezone.localdate() - datetime.timedelta(days=days_ago), **kw
    )


def make_report(region, number, days_ago=10, **kw):
    return RewardReport.objects.create(
        region=region,
        number=number,
        received_on=timezone.localdate() - datetime.timedelta(days=days_ago),
        subject=kw.pop("subject", "某小吃店"),
        **kw,
    )
