"""Task figures, defined once for the task pages, the dashboard and the documents.

Every function takes a task queryset (already scoped by the caller) and an optional `as_of` date:
without it the figures are the live ones (each task's stored status); with it, each task counts with
the status it had at the end of that day (its status history) and only if it existed by then, so a
document dated last month says what was true last month.

- 完成 = status 已完成; 逾期 = past its deadline on that day and neither 已完成 nor 已提交 (a submitted
  task waits on the office's check, not on the unit);
- 本期完成 = entered 已完成 within the period and still 已完成 at its end.
"""

from __future__ import annotations

import datetime

from django.db.models import Count, F, Q
from django.utils import timezone

from shian.core.history import entered_between
from shian.workplan.choices import TaskStatus
from shian.workplan.models import NOT_OVERDUE, TaskStatusChange


def _frame(tasks, as_of):
    """(queryset, status field name, the day 逾期 is judged on)."""
    if as_of is None:
        return tasks, "status", timezone.localdate()
    return tasks.as_of(as_of), "status_then", as_of


def _aggregates(field, day) -> dict:
    return {
        "total": Count("id"),
        "done": Count("id", filter=Q(**{field: TaskStatus.DONE})),
        "pending": Count("id", filter=Q(**{field: TaskStatus.PENDING_CLAIM})),
        "in_progress": Count("id", filter=Q(**{field: TaskStatus.IN_PROGRESS})),
        "submitted": Count("id", filter=Q(**{field: TaskStatus.SUBMITTED})),
        "overdue": Count("id", filter=Q(deadline__lt=day) & ~Q(**{f"{field}__in": NOT_OVERDUE})),
    }


def task_counts(tasks, as_of: datetime.date | None = None) -> dict:
    """{total, done, pending, in_progress, submitted, overdue} in one query."""
    qs, field, day = _frame(tasks, as_of)
    return qs.aggregate(**_aggregates(field, day))


def done_between(tasks, start: datetime.date, end: datetime.date) -> int:
    """Tasks completed within [start, end] (and not reopened by the end of it)."""
    qs, field, _ = _frame(tasks, end)
    return qs.filter(
        entered_between(TaskStatusChange, TaskStatus.DONE, start, end), **{field: TaskStatus.DONE}
    ).count()


def by_unit(tasks, as_of: datetime.date | None = None) -> list[dict]:
    """Per responsible unit, in the office's unit order: total, done, overdue, open, label."""
    qs, field, day = _frame(tasks, as_of)
    agg = _aggregates(field, day)
    rows = (
        qs.values(
            "unit_id",
            name=F("unit__name"),
            short=F("unit__short_name"),
            kind=F("unit__kind"),
            sort=F("unit__sort_order"),
        )
        .annotate(total=agg["total"], done=agg["done"], overdue=agg["overdue"])
        .order_by("kind", "sort", "name")
    )
    return [{**r, "label": r["short"] or r["name"], "open": r["total"] - r["done"]} for r in rows]


def by_category(tasks, as_of: datetime.date | None = None, start: datetime.date | None = None) -> list[dict]:
    """Per framework category (其他 for tasks without an item): total, done, and done since `start`."""
    qs, field, day = _frame(tasks, as_of)
    agg = _aggregates(field, day)
    extra = {}
    if start is not None and as_of is not None:
        period = entered_between(TaskStatusChange, TaskStatus.DONE, start, as_of)
        extra["done_in"] = Count("id", filter=period & Q(**{field: TaskStatus.DONE}))
    rows = (
        qs.values(
            cid=F("item__indicator__category_id"),
            category=F("item__indicator__category__name"),
            seq=F("item__indicator__category__seq"),
        )
        .annotate(total=agg["total"], done=agg["done"], **extra)
        .order_by("seq")
    )
    return [{**r, "category": r["category"] or "其他"} for r in rows]


def overdue(tasks, as_of: datetime.date | None = None):
    """The overdue tasks themselves (a queryset), by the same rule as the counts."""
    qs, field, day = _frame(tasks, as_of)
    return qs.filter(deadline__lt=day).exclude(**{f"{field}__in": NOT_OVERDUE})
