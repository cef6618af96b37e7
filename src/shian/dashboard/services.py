"""Figures for the home page and the leaders' dashboard; every function issues a fixed number of queries."""

from django.db.models import Count, F, Q
from django.utils import timezone

from shian.campaigns.models import Campaign
from shian.dispatch.choices import ReportStatus
from shian.dispatch.models import DispatchReport
from shian.workplan.choices import TaskStatus
from shian.workplan.models import Task


def campaigns_for(user):
    return Campaign.objects.restrict(user).select_related("region", "framework").order_by("-created_at")


def pick_campaign(user, campaign_id=None):
    qs = campaigns_for(user)
    if campaign_id:
        return qs.filter(pk=campaign_id).first()
    return qs.first()


def _done_filter(today):
    return Q(status=TaskStatus.DONE)


def task_counts(tasks, today=None):
    today = today or timezone.localdate()
    return tasks.aggregate(
        total=Count("id"),
        done=Count("id", filter=Q(status=TaskStatus.DONE)),
        pending=Count("id", filter=Q(status=TaskStatus.PENDING_CLAIM)),
        in_progress=Count("id", filter=Q(status=TaskStatus.IN_PROGRESS)),
        submitted=Count("id", filter=Q(status=TaskStatus.SUBMITTED)),
        overdue=Count("id", filter=Q(deadline__lt=today) & ~Q(status=TaskStatus.DONE)),
    )


def progress_by_category(campaign, user):
    """[{category, total, done, rate}] in framework order; tasks without an item count as 其他."""
    rows = (Task.objects.restrict(user).filter(campaign=campaign)
            .values(category=F("item__indicator__category__name"), seq=F("item__indicator__category__seq"))
            .annotate(total=Count("id"), done=Count("id", filter=Q(status=TaskStatus.DONE)))
            .order_by("seq"))
    return [{"category": r["category"] or "其他", "total": r["total"], "done": r["done"],
             "rate": round(r["done"] * 100 / r["total"], 1) if r["total"] else 0} for r in rows]


def progress_by_unit(campaign, user, today=None):
    today = today or timezone.localdate()
    rows = (Task.objects.restrict(user).filter(campaign=campaign)
            .values("unit_id", name=F("unit__name"), short=F("unit__short_name"))
            .annotate(total=Count("id"), done=Count("id", filter=Q(status=TaskStatus.DONE)),
                      overdue=Count("id", filter=Q(deadline__lt=today) & ~Q(status=TaskStatus.DONE)))
            .order_by("-overdue", "name"))
    return [{**r, "label": r["short"] or r["name"],
             "rate": round(r["done"] * 100 / r["total"], 1) if r["total"] else 0} for r in rows]


def overdue_tasks(campaign, user, limit=15):
    return (Task.objects.restrict(user).filter(campaign=campaign).overdue()
            .select_related("unit").order_by("deadline")[:limit])


def late_units(campaign, user, limit=15):
    """Units ordered by reports late or missing across all rounds of the campaign."""
    reports = DispatchReport.objects.restrict(user).filter(round__campaign=campaign)
    rows = (reports.values("unit_id", name=F("unit__name"))
            .annotate(rounds=Count("id"),
                      missing=Count("id", filter=~Q(status=ReportStatus.SUBMITTED)),
                      late=Count("id", filter=Q(status=ReportStatus.SUBMITTED, submitted_at__gt=F("round__deadline"))))
            .filter(Q(missing__gt=0) | Q(late__gt=0))
            .order_by("-missing", "-late", "name"))
    return list(rows[:limit])
