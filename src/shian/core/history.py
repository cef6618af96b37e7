"""Status as of a date: each workflow app keeps a small append-only history of status changes.

A concrete history model (workplan.TaskStatusChange, rectification.ProblemStatusChange,
evidence.MaterialStatusChange) derives from `StatusChange` and adds a `subject` foreign key. The
services write one row on every status change (`record_status`); documents then ask what the status
of each object was at the end of a day (`with_status_as_of`), so a 简报 for last month says what was
true then, whatever happened since. An object with no change on or before the cut-off had its
initial status from its creation on (and did not exist before it).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Case, OuterRef, Q, Subquery, Value, When
from django.utils import timezone


class StatusChange(models.Model):
    """One status an object entered, and when (abstract: each app adds `subject`)."""

    status = models.CharField("状态", max_length=12)
    at = models.DateTimeField("时间", default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        abstract = True
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.subject_id} → {self.status} {self.at:%Y-%m-%d %H:%M}"


def day_end(day: datetime.date) -> datetime.datetime:
    """The last instant of `day` in the local time zone: a cut-off that includes the whole day."""
    start = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min)
    return timezone.make_aware(start, timezone.get_current_timezone()) - datetime.timedelta(microseconds=1)


def cutoff_of(as_of) -> datetime.datetime:
    """A date means the end of that day; a datetime is taken as it is."""
    if isinstance(as_of, datetime.datetime):
        return as_of
    return day_end(as_of)


def record_status(history_model, subject, status, *, actor=None, at=None):
    """Append the status `subject` just entered (no row when it is the same as the last one)."""
    last = (
        history_model.objects.filter(subject=subject).order_by("-at", "-id").values_list("status", flat=True)
    )
    if last[:1] and last[0] == status:
        return None
    return history_model.objects.create(
        subject=subject,
        status=status,
        at=at or timezone.now(),
        actor=actor if actor is not None and actor.pk else None,
    )


def with_status_as_of(
    qs, history_model, as_of, initial: str, name: str = "status_then", born: str = "created_at"
):
    """`qs` narrowed to objects that existed at `as_of` (by their `born` field: a date or a moment),
    annotated `name` = their status then."""
    cutoff = cutoff_of(as_of)
    last = (
        history_model.objects.filter(subject=OuterRef("pk"), at__lte=cutoff)
        .order_by("-at", "-id")
        .values("status")[:1]
    )
    is_date = qs.model._meta.get_field(born).get_internal_type() == "DateField"
    born_by = {f"{born}__lte": timezone.localdate(cutoff) if is_date else cutoff}
    return (
        qs.filter(**born_by)
        .annotate(**{f"_{name}": Subquery(last)})
        .annotate(
            **{
                name: Case(
                    When(**{f"_{name}__isnull": True}, then=Value(initial)),
                    default=models.F(f"_{name}"),
                    output_field=models.CharField(),
                )
            }
        )
    )


def entered_between(history_model, status, start, end) -> Q:
    """Q on the subject: it entered `status` on a day within [start, end] (combine with the status
    as of `end` to count only those still in it then)."""
    ids = history_model.objects.filter(
        status=status, at__gt=day_end(start - datetime.timedelta(days=1)), at__lte=cutoff_of(end)
    ).values("subject_id")
    return Q(pk__in=ids)
