"""主体责任: 日管控、周排查、月调度 records of the businesses that must run them, and completion rates.

A business must run them when the registry names its 食品安全总监 (the registry marks the businesses above
the size 总局令第60号 sets by recording one). A record covers a day, a week (from Monday) or a month.
"""

import datetime
from collections import defaultdict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from shian.core import policy
from shian.registry.models import Business
from shian.stewardship.choices import DutyKind
from shian.stewardship.models import Binding, DutyRecord


def duty_businesses(queryset=None):
    qs = queryset if queryset is not None else Business.objects.all()
    return qs.operating().exclude(safety_director="")


def period_start(kind: str, day: datetime.date) -> datetime.date:
    if kind == DutyKind.WEEKLY:
        return day - datetime.timedelta(days=day.weekday())
    if kind == DutyKind.MONTHLY:
        return day.replace(day=1)
    return day


def periods(kind: str, start: datetime.date, end: datetime.date) -> int:
    """How many periods of `kind` begin within [start, end]."""
    if end < start:
        return 0
    if kind == DutyKind.DAILY:
        return (end - start).days + 1
    if kind == DutyKind.WEEKLY:
        first = period_start(kind, start)
        first = first if first >= start else first + datetime.timedelta(days=7)
        return 0 if first > end else (end - first).days // 7 + 1
    return (end.year - start.year) * 12 + end.month - start.month + (1 if start.day == 1 else 0)


def _check_writer(business, actor):
    from shian.stewardship.enterprise import is_account_of

    if actor.is_read_only:
        raise PermissionDenied("只读账号不能填报")
    if is_account_of(actor, business):
        return  # the business's own 企业账号
    if Binding.objects.filter(business=business, is_active=True, cadre__user=actor).exists():
        return  # the bound cadre, on a visit
    if actor.role == "business" or not policy.can(actor, "change", business):
        raise PermissionDenied("该主体不在您可填报的范围内")


@transaction.atomic
def record_duty(business, kind, day, *, actor, done_by, checked="", problems="", measures="", visit=None):
    _check_writer(business, actor)
    if kind not in DutyKind.values:
        raise ValidationError({"kind": "请选择日管控、周排查或月调度"})
    if not business.safety_director:
        raise ValidationError({"business": "该主体未登记食品安全总监，不属于须落实日管控周排查月调度的主体"})
    if day > datetime.date.today():
        raise ValidationError({"period": "不能填报未来的周期"})
    record = DutyRecord(
        business=business,
        kind=kind,
        period=period_start(kind, day),
        done_by=(done_by or "").strip()[:40],
        checked=(checked or "").strip(),
        problems=(problems or "").strip(),
        measures=(measures or "").strip(),
        visit=visit,
        recorded_by=actor,
    )
    record.full_clean()
    record.save()
    return record


def completion(businesses, start: datetime.date, end: datetime.date) -> dict:
    """{"towns": rows, "categories": rows}: per township (the business's region's township) and per 业态,
    for each kind the records done over the periods required, and the rate."""
    biz = list(duty_businesses(businesses).select_related("region__parent", "category"))
    done = defaultdict(int)
    for business_id, kind in DutyRecord.objects.filter(
        business__in=[b.pk for b in biz], period__gte=start, period__lte=end
    ).values_list("business_id", "kind"):
        done[(business_id, kind)] += 1
    need = {k: periods(k, start, end) for k in DutyKind.values}

    def table(key):
        rows = {}
        for b in biz:
            name = key(b)
            row = rows.setdefault(
                name, {"name": name, "businesses": 0, **{k: [0, 0] for k in DutyKind.values}}
            )
            row["businesses"] += 1
            for k in DutyKind.values:
                row[k][0] += min(done[(b.pk, k)], need[k])
                row[k][1] += need[k]
        out = []
        for row in sorted(rows.values(), key=lambda r: r["name"]):
            for k in DutyKind.values:
                d, n = row[k]
                row[k] = {"done": d, "required": n, "rate": d / n if n else None}
            out.append(row)
        return out

    return {"towns": table(lambda b: b.region.name), "categories": table(lambda b: str(b.category))}
