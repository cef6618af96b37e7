"""The signals the apps below rankings can answer today (dispatch, rectification).

Each compute(campaign, period_start, period_end) returns {unit_id: value in 0..100}; a unit with
nothing due in the period is absent (no data), not zero.
"""

import datetime

from django.db.models import Count, F, Q
from django.utils import timezone

from shian.dispatch.choices import ReportStatus
from shian.dispatch.models import DispatchReport
from shian.rankings.signals import register_signal
from shian.rectification.choices import Status
from shian.rectification.models import Problem


def _end_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.max))


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def dispatch_on_time(campaign, period_start, period_end) -> dict:
    """调度按时报送率 (%): of the rounds whose deadline falls in the period, those submitted by it."""
    submitted = Q(status=ReportStatus.SUBMITTED, submitted_at__isnull=False)
    rows = (
        DispatchReport.objects.filter(
            round__campaign=campaign,
            round__deadline__gte=_start_of(period_start),
            round__deadline__lte=_end_of(period_end),
        )
        .values("unit_id")
        .annotate(
            due=Count("id"),
            on_time=Count("id", filter=submitted & Q(submitted_at__lte=F("round__deadline"))),
        )
    )
    return {r["unit_id"]: round(100.0 * r["on_time"] / r["due"], 2) for r in rows if r["due"]}


def problems_closed_on_time(campaign, period_start, period_end) -> dict:
    """问题按期整改率 (%): of the problems due in the period, those verified (销号) by their deadline."""
    due: dict[int, int] = {}
    on_time: dict[int, int] = {}
    rows = Problem.objects.filter(
        campaign=campaign, deadline__gte=period_start, deadline__lte=period_end
    ).values_list("unit_id", "deadline", "status", "verified_at")
    for unit_id, deadline, status, verified_at in rows:
        due[unit_id] = due.get(unit_id, 0) + 1
        if status == Status.VERIFIED and verified_at and timezone.localdate(verified_at) <= deadline:
            on_time[unit_id] = on_time.get(unit_id, 0) + 1
    return {u: round(100.0 * on_time.get(u, 0) / n, 2) for u, n in due.items()}


register_signal("dispatch_on_time", "调度按时报送率", "any", dispatch_on_time)
register_signal("problems_on_time", "问题按期整改率", "any", problems_closed_on_time)
