"""Survey figures: rates with Wilson intervals, overall and by township (rankings read these)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.db.models import Count, Q

Z95 = 1.959963984540054


def wilson(positive: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of positive/n (95 % by default); (0, 0) for no sample."""
    if n <= 0:
        return (0.0, 0.0)
    p = positive / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return (max(0.0, centre - half), min(1.0, centre + half))


@dataclass
class Rate:
    label: str
    n: int
    positive: int
    region_id: int | None = None

    @property
    def rate(self) -> float | None:
        return self.positive / self.n if self.n else None

    @property
    def interval(self) -> tuple[float, float]:
        return wilson(self.positive, self.n)

    @property
    def low(self):
        return self.interval[0]

    @property
    def high(self):
        return self.interval[1]


def _responses(campaign, metric, start=None, end=None):
    from shian.surveys.models import Response

    qs = Response.objects.filter(survey__campaign=campaign, survey__kind=metric)
    if start:
        qs = qs.filter(submitted_on__gte=start)
    if end:
        qs = qs.filter(submitted_on__lte=end)
    return qs


def rates_by_township(campaign, metric, start=None, end=None) -> list[Rate]:
    """One Rate per township that answered `metric` (satisfaction/awareness/support/quiz) in the campaign,
    between `start` and `end` (dates, inclusive, optional), ordered by township code."""
    rows = (
        _responses(campaign, metric, start, end)
        .values("township_id", "township__name", "township__code")
        .annotate(n=Count("id"), positive=Count("id", filter=Q(positive=True)))
        .order_by("township__code")
    )
    return [Rate(r["township__name"] or "未注明乡镇", r["n"], r["positive"], r["township_id"]) for r in rows]


def overall_rate(campaign, metric, start=None, end=None) -> Rate:
    agg = _responses(campaign, metric, start, end).aggregate(
        n=Count("id"), positive=Count("id", filter=Q(positive=True))
    )
    return Rate("全部", agg["n"], agg["positive"])


def survey_rates(survey) -> tuple[Rate, list[Rate]]:
    """Overall and per-township rates of one survey."""
    qs = survey.responses.all()
    agg = qs.aggregate(n=Count("id"), positive=Count("id", filter=Q(positive=True)))
    rows = (
        qs.values("township_id", "township__name", "township__code")
        .annotate(n=Count("id"), positive=Count("id", filter=Q(positive=True)))
        .order_by("township__code")
    )
    return Rate("全部", agg["n"], agg["positive"]), [
        Rate(r["township__name"] or "未注明乡镇", r["n"], r["positive"], r["township_id"]) for r in rows
    ]


def pass_by_unit(survey) -> list[Rate]:
    """能问能答: pass rate per answering unit."""
    rows = (
        survey.responses.values("unit_id", "unit__name")
        .annotate(n=Count("id"), positive=Count("id", filter=Q(positive=True)))
        .order_by("unit__name")
    )
    return [Rate(r["unit__name"] or "未注明单位", r["n"], r["positive"], r["unit_id"]) for r in rows]


def quota_fill(survey) -> list[dict]:
    counts = dict(
        survey.responses.values_list("township_id").annotate(n=Count("id")).values_list("township_id", "n")
    )
    return [
        {
            "quota": q,
            "township": q.township,
            "target": q.target,
            "done": counts.get(q.township_id, 0),
            "share": min(1.0, counts.get(q.township_id, 0) / q.target) if q.target else 1.0,
        }
        for q in survey.quotas.select_related("township")
    ]


def most_missed(survey, limit=10) -> list[dict]:
    """能问能答: the questions answered wrongly most often (for training), with the miss rate."""
    questions = list(survey.questions.all())
    key = {
        str(q.seq): next((i for i, o in enumerate(q.options) if o.get("correct")), None) for q in questions
    }
    missed = dict.fromkeys(key, 0)
    total = 0
    for answers in survey.responses.values_list("answers", flat=True).iterator():
        total += 1
        for seq, right in key.items():
            if right is not None and answers.get(seq) != right:
                missed[seq] += 1
    rows = [
        {"question": q, "missed": missed[str(q.seq)], "share": missed[str(q.seq)] / total if total else 0.0}
        for q in questions
        if missed[str(q.seq)]
    ]
    return sorted(rows, key=lambda r: -r["missed"])[:limit]
