"""Survey figures: rates with Wilson intervals, overall and by township (rankings read these)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.db.models import Count, Q

Z95 = 1.959963984540054


def wilson(positive: float, n: float, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of positive/n (95 % by default); (0, 0) for no sample. Takes floats too,
    for a weighted rate with its effective sample size."""
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
    """能问能答: the current questions answered wrongly most often (for training), with the miss rate
    among the answers that reached the question."""
    from shian.surveys.answering import is_right

    questions = [
        q for q in survey.questions.current() if q.options and any(o.get("correct") for o in q.options)
    ]
    missed = {str(q.seq): 0 for q in questions}
    seen = dict.fromkeys(missed, 0)
    for answers in survey.responses.values_list("answers", flat=True).iterator():
        for q in questions:
            key = str(q.seq)
            seen[key] += 1
            if not is_right(q, answers.get(key)):
                missed[key] += 1
    rows = [
        {"question": q, "missed": missed[str(q.seq)], "share": missed[str(q.seq)] / seen[str(q.seq)]}
        for q in questions
        if missed[str(q.seq)]
    ]
    return sorted(rows, key=lambda r: (-r["missed"], r["question"].seq))[:limit]


# ------------------------------------------------------------------------------ weighted results
#
# Weighting (post-stratification by township): a response from township t weighs
#     w_t = (P_t / P) / (n_t / n)
# where P_t is the township's population (Region.population), P the population of the townships that
# answered, n_t their sample sizes and n the total. The weighted rate is Σ_t (P_t/P)·(k_t/n_t). A township
# without a population figure is given the mean population of those with one. The interval is Wilson's
# on the weighted rate with Kish's effective sample size n_eff = (Σw)² / Σw² (= n when unweighted).
#
# Chance of clearing a gate g: the normal approximation to the sampling distribution of the weighted rate,
#     P(true rate ≥ g) ≈ Φ((p̃ − g) / se),  p̃ = (p·n_eff + z²/2) / (n_eff + z²),  se = √(p̃(1 − p̃)/(n_eff + z²))
# (the Agresti–Coull centre and spread, so p = 0 or 1 and small samples do not give a certainty). It is read
# as "how sure we are that the city is above the line", not as a forecast of the review's own sample.


@dataclass
class WeightedRate:
    label: str
    n: int
    positive: int
    rate: float | None  # weighted
    raw_rate: float | None  # unweighted
    n_eff: float
    low: float
    high: float
    key: str | int | None = None

    def chance(self, gate: float | None) -> float | None:
        return gate_chance(self.rate, self.n_eff, gate)


def gate_chance(rate, n_eff, gate) -> float | None:
    if gate is None or rate is None or not n_eff:
        return None
    z2 = Z95 * Z95
    centre = (rate * n_eff + z2 / 2) / (n_eff + z2)
    se = math.sqrt(centre * (1 - centre) / (n_eff + z2))
    return 0.5 * (1 + math.erf((centre - float(gate)) / (se * math.sqrt(2))))


def weighted_rate(label, cells, population, key=None) -> WeightedRate:
    """`cells` = [(township_id, n, positive)], `population` = {township_id: people}."""
    cells = [(t, n, k) for t, n, k in cells if n]
    n = sum(c[1] for c in cells)
    positive = sum(c[2] for c in cells)
    if not n:
        return WeightedRate(label, 0, 0, None, None, 0.0, 0.0, 0.0, key)
    known = [p for p in population.values() if p]
    fill = (sum(known) / len(known)) if known else 1.0
    pops = {t: (population.get(t) or fill) for t, _, _ in cells}
    total = sum(pops.values())
    rate = sum(pops[t] / total * k / m for t, m, k in cells)
    weights = [(m, (pops[t] / total) / (m / n)) for t, m, _ in cells]
    sum_w = sum(m * w for m, w in weights)
    sum_w2 = sum(m * w * w for m, w in weights)
    n_eff = sum_w * sum_w / sum_w2 if sum_w2 else float(n)
    low, high = wilson(rate * n_eff, n_eff) if n_eff >= 1 else (0.0, 1.0)
    return WeightedRate(label, n, positive, rate, positive / n, n_eff, low, high, key)


def _populations(responses) -> dict:
    from shian.organisation.models import Region

    ids = {t for t in responses.values_list("township_id", flat=True).distinct() if t}
    return dict(Region.objects.filter(pk__in=ids).values_list("pk", "population"))


def area_type(township_name: str) -> str:
    """街道 → urban, 镇 → town, 乡 → rural (from the name: the region tree has no area type of its own)."""
    from shian.surveys.choices import AreaType

    name = township_name or ""
    if name.endswith("街道") or name.endswith("办事处"):
        return AreaType.URBAN
    if name.endswith("乡"):
        return AreaType.RURAL
    return AreaType.TOWN


def breakdown(responses, by: str) -> list[WeightedRate]:
    """Weighted rates of `responses` grouped by "township", "area", "age" or "channel" (one query)."""
    from shian.surveys.choices import AgeGroup, AreaType, Channel

    population = _populations(responses)
    rows = list(
        responses.values("township_id", "township__name", "township__code", "age_group", "channel")
        .annotate(n=Count("id"), positive=Count("id", filter=Q(positive=True)))
        .order_by()
    )
    groups: dict = {}
    labels: dict = {}
    for r in rows:
        if by == "township":
            key, label = r["township_id"], r["township__name"] or "未注明乡镇"
        elif by == "area":
            key = area_type(r["township__name"]) if r["township_id"] else ""
            label = AreaType(key).label if key else "未注明乡镇"
        elif by == "age":
            key = r["age_group"]
            label = AgeGroup(key).label if key else "未填年龄"
        else:
            key = r["channel"]
            label = Channel(key).label if key in Channel.values else key
        groups.setdefault(key, []).append((r["township_id"], r["n"], r["positive"]))
        labels[key] = (label, r["township__code"] or "")
    out = []
    for key, cells in groups.items():
        merged: dict = {}
        for t, n, k in cells:
            m = merged.setdefault(t, [0, 0])
            m[0] += n
            m[1] += k
        out.append(
            weighted_rate(labels[key][0], [(t, n, k) for t, (n, k) in merged.items()], population, key)
        )
    order = {
        "township": lambda w: labels[w.key][1],
        "area": lambda w: list(AreaType.values).index(w.key) if w.key else 99,
        "age": lambda w: list(AgeGroup.values).index(w.key) if w.key else 99,
        "channel": lambda w: list(Channel.values).index(w.key) if w.key in Channel.values else 99,
    }[by]
    return sorted(out, key=order)


def overall_weighted(responses, label="全部") -> WeightedRate:
    population = _populations(responses)
    cells = [
        (r["township_id"], r["n"], r["positive"])
        for r in responses.values("township_id")
        .annotate(n=Count("id"), positive=Count("id", filter=Q(positive=True)))
        .order_by()
    ]
    return weighted_rate(label, cells, population)


def gate_threshold(campaign, metric) -> float | None:
    """The campaign's framework gate for `metric` (a share, e.g. 0.8), or None."""
    from shian.framework.choices import GateKind

    gate = campaign.framework.gates.filter(kind=GateKind.SURVEY, metric=metric).order_by("seq").first()
    return float(gate.threshold) if gate and gate.threshold is not None else None


def survey_results(survey) -> dict:
    """Everything the results card and the export show: overall weighted rate with the gate and its
    chance, and the four breakdowns."""
    qs = survey.responses.all()
    overall = overall_weighted(qs)
    gate = None if survey.is_quiz else gate_threshold(survey.campaign, survey.kind)
    return {
        "overall": overall,
        "gate": gate,
        "chance": overall.chance(gate),
        "by": [
            ("township", "乡镇（街道）", breakdown(qs, "township")),
            ("area", "区域类型", breakdown(qs, "area")),
            ("age", "年龄段", breakdown(qs, "age")),
            ("channel", "渠道", breakdown(qs, "channel")),
        ],
    }


# ------------------------------------------------------------------------------ interviews


def response_rates(survey) -> dict:
    """Call outcomes of the survey's interviewers, overall and per interviewer.

    Response rate = 接通 / (接通 + 拒访 + 无人接听): 空号 numbers are not eligible (AAPOR RR1 with unknown
    eligibility counted as eligible). Contact rate = (接通 + 拒访) / (the same denominator)."""
    from shian.surveys.models import CallRecord

    rows = (
        CallRecord.objects.filter(assignment__survey=survey)
        .values("assignment_id", "assignment__user__username", "assignment__user__name", "outcome")
        .annotate(n=Count("id"))
        .order_by()
    )
    per: dict = {}
    for r in rows:
        name = r["assignment__user__name"] or r["assignment__user__username"]
        d = per.setdefault(
            r["assignment_id"], {"label": name, "answered": 0, "refused": 0, "invalid": 0, "no_answer": 0}
        )
        d[r["outcome"]] += r["n"]
    total = {"label": "全部", "answered": 0, "refused": 0, "invalid": 0, "no_answer": 0}
    for d in per.values():
        for k in ("answered", "refused", "invalid", "no_answer"):
            total[k] += d[k]
    for d in [*per.values(), total]:
        eligible = d["answered"] + d["refused"] + d["no_answer"]
        d["calls"] = eligible + d["invalid"]
        d["response_rate"] = d["answered"] / eligible if eligible else None
        d["contact_rate"] = (d["answered"] + d["refused"]) / eligible if eligible else None
    return {"total": total, "interviewers": sorted(per.values(), key=lambda d: d["label"])}


# ------------------------------------------------------------------------------ dashboard


def dashboard_tiles(campaign, user) -> list[dict]:
    """The campaign's 满意度 / 知晓率 / 支持率 (weighted, all its surveys of the kind) against the gates, as
    tiles shaped like dashboard.services.field_tiles. Only surveys the user may see count."""
    from django.urls import reverse

    from shian.surveys.choices import SurveyKind
    from shian.surveys.models import Response, Survey

    visible = Survey.objects.restrict(user).filter(campaign=campaign)
    tiles = []
    for kind in (SurveyKind.SATISFACTION, SurveyKind.AWARENESS, SurveyKind.SUPPORT):
        qs = Response.objects.filter(survey__in=visible.filter(kind=kind))
        rate = overall_weighted(qs, kind.label)
        gate = gate_threshold(campaign, kind)
        chance = rate.chance(gate)
        if rate.rate is None:
            value, note, tone = None, "尚无答卷", "secondary"
        else:
            value = round(rate.rate * 100, 1)
            note = f"样本{rate.n}，95%区间 {rate.low:.1%}–{rate.high:.1%}"
            if gate is not None:
                note += f"；门槛{gate:.0%}，达标把握{chance:.0%}"
                tone = "success" if rate.low >= gate else "warning" if rate.rate >= gate else "danger"
            else:
                tone = "primary"
        tiles.append(
            {
                "label": kind.label,
                "value": value,
                "unit": "%",
                "note": note,
                "url": reverse("surveys:survey_list") + f"?kind={kind.value}",
                "tone": tone,
            }
        )
    return tiles


# ------------------------------------------------------------------------------ form versions

_COMPARED = (
    "kind",
    "block",
    "text",
    "options",
    "scale_min",
    "scale_max",
    "required",
    "condition",
    "explanation",
)


def form_history(survey, rows=None, limit: int = 20) -> list[dict]:
    """What each form version changed, newest first: {"version", "answers", "current", "changes": [str]}.

    Read from the question rows alone (a version's new rows against the rows retired at the one before),
    plus one count of answers per version. `rows`: all the survey's question rows, if already loaded."""
    from shian.surveys.models import Question

    rows = list(Question.objects.filter(survey=survey)) if rows is None else rows
    answers = dict(
        survey.responses.order_by()
        .values_list("form_version")
        .annotate(n=Count("id"))
        .values_list("form_version", "n")
    )
    labels = {f: str(Question._meta.get_field(f).verbose_name) for f in _COMPARED}
    out = []
    for v in range(survey.form_version, max(0, survey.form_version - limit), -1):
        new = sorted((q for q in rows if q.since_version == v), key=lambda q: q.seq)
        gone = sorted((q for q in rows if q.until_version == v - 1), key=lambda q: q.seq)
        changes: list[str] = []
        if v == 1:
            changes.append(f"初始问卷，{len(new)}题")
            new = []
        for q in new:
            old = next((g for g in gone if g.text == q.text), None) or next(
                (g for g in gone if g.seq == q.seq), None
            )
            if old is None:
                changes.append(f"新增第{q.seq}题“{q.text[:30]}”")
                continue
            gone.remove(old)
            diff = [labels[f] for f in _COMPARED if f != "condition" and getattr(q, f) != getattr(old, f)]
            if old.seq != q.seq:
                changes.append(
                    f"原第{old.seq}题调为第{q.seq}题" + (f"，修改{'、'.join(diff)}" if diff else "")
                )
            elif diff or q.condition != old.condition:
                changes.append(f"修改第{q.seq}题（{'、'.join(diff or [labels['condition']])}）")
        changes.extend(f"删除原第{g.seq}题“{g.text[:30]}”" for g in gone)
        out.append(
            {
                "version": v,
                "answers": answers.get(v, 0),
                "current": v == survey.form_version,
                "changes": changes,
            }
        )
    return out
