"""社会共治 figures as of a day, for the activity page, the API and (through a hook) the documents.

Activities count by their date (on or before the day), 有奖举报 by the day received, verified and paid,
你点我检 by votes cast and options sampled. `region` limits the figures to a subtree; the per-user
helpers start from what the user may see.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Count, Q, Sum

from shian.community.choices import ReportStatus
from shian.community.models import Activity, Poll, PollOption, PollVote, RewardReport


def _in(qs, region, field="region__path__startswith"):
    return qs if region is None else qs.filter(**{field: region.path})


def _yuan(amount: Decimal) -> Decimal:
    """500 yuan prints as 500, 500.5 as 500.50, on either database (PostgreSQL keeps the column's places)."""
    whole = amount == amount.to_integral_value()
    return amount.quantize(Decimal("1") if whole else Decimal("0.01"))


def counts(region, as_of: datetime.date, since: datetime.date | None = None) -> dict:
    """Every 社会共治 figure of `region`'s subtree (None: everywhere) as of `as_of`."""
    activities = _in(Activity.objects.filter(held_on__lte=as_of), region)
    if since:
        activities = activities.filter(held_on__gte=since)
    act = activities.aggregate(
        n=Count("id"),
        participants=Sum("participants"),
        volunteers=Sum("volunteers"),
        materials=Sum("materials"),
        media=Sum("media_reports"),
    )
    by_kind = dict(activities.values_list("kind").annotate(n=Count("id")).order_by())
    reports = _in(RewardReport.objects.filter(received_on__lte=as_of), region)
    if since:
        reports = reports.filter(received_on__gte=since)
    rep = reports.aggregate(
        received=Count("id"),
        verified=Count(
            "id",
            filter=Q(verified_on__lte=as_of, status__in=[ReportStatus.VERIFIED, ReportStatus.REWARDED]),
        ),
        rewarded=Count("id", filter=Q(paid_on__lte=as_of, status=ReportStatus.REWARDED)),
        paid=Sum("reward_amount", filter=Q(paid_on__lte=as_of, status=ReportStatus.REWARDED)),
    )
    polls = _in(Poll.objects.all(), region)
    if since:
        polls = polls.filter(Q(closes_on__isnull=True) | Q(closes_on__gte=since))
    votes = PollVote.objects.filter(poll__in=polls, created_at__date__lte=as_of).count()
    sampled = PollOption.objects.filter(poll__in=polls, chosen=True).count()
    return {
        "activities": act["n"],
        "participants": act["participants"] or 0,
        "volunteers": act["volunteers"] or 0,
        "materials": act["materials"] or 0,
        "media_reports": act["media"] or 0,
        "activities_by_kind": by_kind,
        "reports_received": rep["received"],
        "reports_verified": rep["verified"],
        "reports_rewarded": rep["rewarded"],
        "rewards_paid": _yuan(rep["paid"] or Decimal("0")),
        "polls": polls.count(),
        "poll_votes": votes,
        "poll_sampled": sampled,
    }


def activities_by_region(user, as_of: datetime.date) -> list[dict]:
    """Activities the user may see, counted by region (township), as of a day."""
    rows = (
        Activity.objects.restrict(user)
        .filter(held_on__lte=as_of)
        .values("region__name", "region__path")
        .annotate(
            count=Count("id"),
            participants=Sum("participants"),
            volunteers=Sum("volunteers"),
            materials=Sum("materials"),
        )
        .order_by("region__path")
    )
    return [
        {
            "region": r["region__name"],
            "count": r["count"],
            "participants": r["participants"] or 0,
            "volunteers": r["volunteers"] or 0,
            "materials": r["materials"] or 0,
        }
        for r in rows
    ]


def sentence(figures: dict) -> str:
    """The sentence a document prints (no more typing "开展宣传活动250场")."""
    return (
        f"开展食品安全宣传和社会共治活动{figures['activities']}场，参与群众{figures['participants']}人次，"
        f"志愿者{figures['volunteers']}人次，发放宣传资料{figures['materials']}份；"
        f"受理有奖举报{figures['reports_received']}件，查证属实{figures['reports_verified']}件，"
        f"发放奖励{figures['rewards_paid']}元；“你点我检”收到群众投票{figures['poll_votes']}票，"
        f"列入抽检{figures['poll_sampled']}项。"
    )


def dashboard_tiles(campaign, user) -> list[dict]:
    """社会共治 for the leader: the year's activities and participants, and 你点我检 sampling tasks with
    results — over what `user` may see (shaped like dashboard.services.field_tiles)."""
    from django.urls import reverse
    from django.utils import timezone

    from shian.community.choices import TaskStatus
    from shian.community.models import SamplingTask

    today = timezone.localdate()
    region = campaign.region.path
    act = (
        Activity.objects.restrict(user)
        .filter(region__path__startswith=region, held_on__year=today.year, held_on__lte=today)
        .aggregate(n=Count("id"), people=Sum("participants"))
    )
    tasks = (
        SamplingTask.objects.restrict(user)
        .filter(region__path__startswith=region)
        .aggregate(n=Count("id"), done=Count("id", filter=Q(status=TaskStatus.DONE)))
    )
    return [
        {
            "label": "社会共治活动",
            "value": act["n"],
            "unit": "场",
            "note": f"{today.year}年以来，参与{act['people'] or 0}人次",
            "url": reverse("community:activity_list"),
            "tone": "primary",
        },
        {
            "label": "你点我检抽检",
            "value": tasks["done"],
            "unit": f"/{tasks['n']}",
            "note": "已出结果 / 按群众点选生成的抽检任务",
            "url": reverse("community:poll_list"),
            "tone": "success" if tasks["n"] and tasks["done"] == tasks["n"] else "primary",
        },
    ]
