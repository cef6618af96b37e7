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


def assessment_figures(assessment) -> dict:
    """Category totals, base/bonus totals, unscored items and deductions of an assessment, summed from
    its ItemScore and Deduction rows (caps as the criteria state them: a category's points, a bonus cap)."""
    from decimal import Decimal

    from shian.framework.models import ScoringItem
    from shian.scoring.models import Deduction, ItemScore

    points = {s.item_id: s.points for s in ItemScore.objects.filter(assessment=assessment)}
    cats, base, bonus, unscored = {}, Decimal(0), Decimal(0), 0
    items = ScoringItem.objects.filter(indicator__category__framework=assessment.campaign.framework)
    by_cat = {}
    for item in items.select_related("indicator__category"):
        by_cat.setdefault(item.indicator.category, []).append(item)
    for cat, its in by_cat.items():
        raw = sum((Decimal(points[i.pk]) for i in its if points.get(i.pk) is not None), Decimal(0))
        if cat.kind == "bonus":
            cap = cat.cap if cat.cap is not None else sum((i.points for i in its), Decimal(0))
            awarded = min(raw, cap)
            bonus += awarded
        else:
            awarded = min(raw, cat.points) if cat.points is not None else raw
            base += awarded
            unscored += sum(1 for i in its if points.get(i.pk) is None)
        cats[cat.name] = awarded
    deductions = list(Deduction.objects.filter(score__assessment=assessment))
    return {
        "categories": cats,
        "base_total": base,
        "bonus_total": bonus,
        "unscored": unscored,
        "deductions": (len(deductions), sum((d.points for d in deductions), Decimal(0))),
    }


def mismatches(doc) -> list[str]:
    """Every figure of `doc` that differs from the recount as of its date (empty: all agree).

    Used by the demo test and by bench/documents_recount.py on the city-scale data."""
    from shian.reports import services
    from shian.reports.documents.summary import period_bounds
    from shian.supervision.periods import parse_period

    f = services.render(doc)[0].figures
    out = []

    def check(name, got, want):
        if got != want:
            out.append(f"{doc.get_kind_display()} {doc.period or ''} {name}：文中 {got}，记录 {want}")

    if doc.kind in ("bulletin", "summary"):
        as_of = datetime.date.fromisoformat(f["as_of"])
        p = parse_period(doc.period)
        start = p.start_date
        got = (
            f["tasks"]
            if doc.kind == "summary"
            else {
                "total": f["tasks"],
                "done": f["tasks_done"],
                "done_in_period": f["tasks_done_in_period"],
                "overdue": f["tasks_overdue"],
            }
        )
        check("任务", got, tasks(doc.campaign, as_of, start=start))
        if "sampling" in f:
            check("抽检批次", f["sampling"], sampling(doc.campaign.region, start, as_of))
            c = cases(doc.campaign.region, start, as_of)
            check("案件/移送公安", (f["cases"], f["police"]), (c["cases"], c["police"]))
        if doc.kind == "summary" and "problems" in f:
            check("问题", f["problems"], problems(doc.campaign, as_of))
        check("截至日期", period_bounds(p, doc.issued_on)[1], as_of)
    elif doc.kind in ("self-assessment", "review"):
        from decimal import Decimal

        from shian.scoring.models import Assessment

        want = assessment_figures(Assessment.objects.get(pk=f["assessment"]))
        check("类别得分", {k: Decimal(v) for k, v in f["categories"].items()}, want["categories"])
        check("基础得分", Decimal(f["base_total"]), want["base_total"])
        check("加分", Decimal(f["bonus_total"]), want["bonus_total"])
        check("未评分项", f["unscored"], want["unscored"])
        d = f["deductions"]
        check("扣分", (d["count"], Decimal(d["points"])), want["deductions"])
    elif doc.kind == "circular":
        cutoff = timezone.make_aware(datetime.datetime.combine(doc.issued_on, datetime.time.max))
        r = round_reports(doc.round, cutoff, doc.campaign.office_id)
        check("报送情况", (f["on_time"], f["late"], f["missing"]), (r["on_time"], r["late"], r["missing"]))
    return out
