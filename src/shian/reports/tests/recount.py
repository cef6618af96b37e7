"""Independent recounts from the model rows, in plain Python (no queryset annotations, none of the
code under test), to check every figure a document prints against what the records said that day."""

from __future__ import annotations

import datetime

from django.utils import timezone

FOOD_EXCLUDED = {"农产品定量检测", "快检"}


def status_on(obj, changes, day, initial):
    """The status of `obj` at the end of `day` from its change rows (None: it did not exist yet)."""
    born = getattr(obj, "found_on", None) or timezone.localdate(obj.created_at)
    if born > day:
        return None
    seen = [c for c in sorted(changes, key=lambda c: (c.at, c.id)) if timezone.localdate(c.at) <= day]
    return seen[-1].status if seen else initial


def tasks(campaign, day, start=None, units=None):
    from shian.workplan.models import Task

    out = {"total": 0, "done": 0, "overdue": 0, "done_in_period": 0}
    for t in Task.objects.filter(campaign=campaign).prefetch_related("status_changes"):
        if units is not None and t.unit_id not in units:
            continue
        changes = list(t.status_changes.all())
        status = status_on(t, changes, day, "pending")
        if status is None:
            continue
        out["total"] += 1
        out["done"] += status == "done"
        out["overdue"] += bool(t.deadline and t.deadline < day and status not in ("done", "submitted"))
        if (
            start
            and status == "done"
            and any(c.status == "done" and start <= timezone.localdate(c.at) <= day for c in changes)
        ):
            out["done_in_period"] += 1
    return out


def problems(campaign, day):
    from shian.rectification.models import Problem

    out = {"total": 0, "closed": 0, "open": 0, "overdue": 0}
    for p in Problem.objects.filter(campaign=campaign).prefetch_related("status_changes"):
        status = status_on(p, list(p.status_changes.all()), day, "open")
        if status is None:
            continue
        out["total"] += 1
        if status == "verified":
            out["closed"] += 1
        else:
            out["open"] += 1
            out["overdue"] += bool(p.deadline and p.deadline < day)
    return out


def sampling(region, start: datetime.date, end: datetime.date) -> int:
    from shian.supervision.models import SamplingRecord

    return sum(
        1
        for r in SamplingRecord.objects.filter(region_path__startswith=region.path)
        if start <= r.sampled_on <= end and r.task_type not in FOOD_EXCLUDED
    )


def cases(region, start, end) -> dict:
    from shian.supervision.models import CaseRecord

    rows = [
        r
        for r in CaseRecord.objects.filter(region_path__startswith=region.path)
        if start <= r.opened_on <= end
    ]
    return {
        "cases": len(rows),
        "police": sum(r.transferred_police for r in rows),
        "fines_total": sum((r.fine_amount + r.confiscation_amount for r in rows), 0),
    }


def round_reports(rnd, cutoff, office_id):
    out = {"on_time": 0, "late": 0, "missing": 0}
    for r in rnd.reports.all():
        if r.unit_id == office_id:
            continue
        if r.status == "submitted" and r.submitted_at and r.submitted_at <= cutoff:
            out["on_time" if r.submitted_at <= rnd.deadline else "late"] += 1
        else:
            out["missing"] += 1
    return out
