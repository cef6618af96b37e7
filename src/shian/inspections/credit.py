"""信用档案 and risk-based frequency: what is known about a business, and who is behind on inspections.

Ledger rows (sampling, cases, complaints) carry the business as text, so they are linked by the
normalised name (full-width folded, spaces dropped); each list is scoped to the viewer.
"""

import unicodedata

from django.db.models import Case, Count, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from shian.inspections.choices import VisitStatus
from shian.inspections.models import Visit, VisitAnswer

LOW_SCORE = 60


def normalise_name(name: str) -> str:
    return "".join(unicodedata.normalize("NFKC", name or "").split())


def _names(business):
    return list({business.name, normalise_name(business.name)})


def credit_file(business, user) -> dict:
    """Visits, problems found on site, sampling results, cases and complaints; the watch-list reasons."""
    from shian.registry.models import FrequencyRule
    from shian.supervision.choices import SampleResult
    from shian.supervision.models import CaseRecord, ComplaintRecord, SamplingRecord

    visits = list(
        Visit.objects.restrict(user)
        .filter(business=business, status=VisitStatus.SUBMITTED)
        .select_related("plan")
        .order_by("-submitted_at")
    )
    answers = VisitAnswer.objects.filter(visit__business=business, problem__isnull=False).select_related(
        "problem"
    )
    problems = sorted({a.problem for a in answers.filter(visit__in=visits)}, key=lambda p: p.pk)
    names = _names(business)
    sampling = list(
        SamplingRecord.objects.restrict(user).filter(sampled_unit__in=names).order_by("-sampled_on")[:20]
    )
    cases = list(CaseRecord.objects.restrict(user).filter(party__in=names).order_by("-opened_on")[:20])
    complaints = list(
        ComplaintRecord.objects.restrict(user).filter(subject__in=names).order_by("-received_on")[:20]
    )
    year = timezone.localdate().year
    this_year = sum(1 for v in visits if v.submitted_at and timezone.localdate(v.submitted_at).year == year)
    rule = (
        FrequencyRule.objects.filter(risk_grade=business.risk_grade).first() if business.risk_grade else None
    )
    reasons = []
    if any(s.result == SampleResult.FAIL for s in sampling):
        reasons.append("抽检不合格")
    if cases:
        reasons.append(f"有执法案件{len(cases)}件")
    if any(v.score is not None and v.score < LOW_SCORE for v in visits):
        reasons.append(f"现场检查得分低于{LOW_SCORE}分")
    if any(not p.is_closed for p in problems):
        reasons.append("有未销号的检查问题")
    return {
        "visits": visits,
        "problems": problems,
        "sampling": sampling,
        "cases": cases,
        "complaints": complaints,
        "this_year": this_year,
        "rule": rule,
        "behind": bool(rule and this_year < rule.min_per_year),
        "watch_reasons": reasons,
    }


def frequency_totals(businesses, year=None) -> dict:
    """{graded, behind, on_track_rate}: operating graded businesses and how many are behind their grade's
    minimum this year — two queries whatever the registry's size (the dashboard's figure)."""
    from shian.registry.models import FrequencyRule

    year = year or timezone.localdate().year
    need = {r.risk_grade: r.min_per_year for r in FrequencyRule.objects.all()}
    done = (
        Visit.objects.filter(business=OuterRef("pk"), status=VisitStatus.SUBMITTED, submitted_at__year=year)
        .order_by()
        .values("business")
        .annotate(n=Count("pk"))
        .values("n")
    )
    totals = (
        businesses.filter(status="open", risk_grade__in=list(need))
        .annotate(
            done=Coalesce(Subquery(done), 0),
            need=Case(*[When(risk_grade=g, then=Value(n)) for g, n in need.items()], default=Value(0)),
        )
        .aggregate(graded=Count("pk"), behind=Count("pk", filter=Q(done__lt=F("need"))))
        if need
        else {"graded": 0, "behind": 0}
    )
    graded, behind = totals["graded"], totals["behind"]
    return {
        "year": year,
        "graded": graded,
        "behind": behind,
        "on_track_rate": round(100 * (graded - behind) / graded, 1) if graded else None,
    }


def frequency(businesses, year=None):
    """Operating businesses with a risk grade, annotated with this year's inspections and the required
    minimum; returns (rows behind, summary by township and category)."""
    from shian.registry.models import FrequencyRule

    year = year or timezone.localdate().year
    rules = {r.risk_grade: r for r in FrequencyRule.objects.all()}
    qs = (
        businesses.filter(status="open")
        .exclude(risk_grade="")
        .annotate(
            done=Count(
                "visits", filter=Q(visits__status=VisitStatus.SUBMITTED, visits__submitted_at__year=year)
            )
        )
        .select_related("region", "category")
        .order_by("region__path", "category__sort_order", "name")
    )
    behind, summary = [], {}
    for b in qs:
        rule = rules.get(b.risk_grade)
        if rule is None:
            continue
        key = (b.region.name, b.category.name)
        row = summary.setdefault(key, {"township": key[0], "category": key[1], "total": 0, "behind": 0})
        row["total"] += 1
        if b.done < rule.min_per_year:
            row["behind"] += 1
            behind.append({"business": b, "done": b.done, "required": rule.min_per_year, "rule": rule})
    return behind, sorted(summary.values(), key=lambda r: (-r["behind"], r["township"], r["category"]))
