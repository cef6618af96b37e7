"""Reproducible draws (抽取点位).

`take_snapshot(plan)` lists the eligible businesses (operating, in the plan's areas and quota
categories, not visited in the last N days) as plain rows sorted by id. `draw(snapshot, strata, seed,
…)` is a pure function of that list: each stratum (category × area, in a fixed order) gets its own
random generator seeded from the plan's seed and the stratum key, so the same seed over the same
snapshot always gives the same points in the same order, and a stored snapshot explains a draw even
after the registry has changed. Framework-free apart from `take_snapshot`.
"""

import hashlib
import json
import random
from dataclasses import dataclass, field

# Snapshot row: [business id, category code, region path, risk grade, failed before (0/1), name]
ID, CATEGORY, PATH, RISK, FAILED, NAME = range(6)


@dataclass(frozen=True)
class Stratum:
    key: str  # "school@/510000/510700/510799/510799100/"
    label: str  # "学校食堂（城关镇）"
    category: str
    area_path: str
    quota: int


@dataclass
class StratumResult:
    stratum: Stratum
    eligible: int
    selected: list = field(default_factory=list)  # [(row, high_risk)]
    reserves: list = field(default_factory=list)

    @property
    def shortfall(self) -> int:
        return max(0, self.stratum.quota - len(self.selected))

    def message(self) -> str:
        return (
            f"“{self.stratum.label}”符合条件的点位只有{self.eligible}个，少于配额{self.stratum.quota}个"
            if self.shortfall
            else ""
        )


def snapshot_hash(snapshot) -> str:
    return hashlib.sha256(
        json.dumps(snapshot, ensure_ascii=False, separators=(",", ":")).encode()
    ).hexdigest()


def _rng(seed: int, key: str) -> random.Random:
    digest = hashlib.sha256(f"{seed}|{key}".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def draw(snapshot, strata, seed: int, *, reserves=1, risk_grades=(), risk_failed=False, risk_share=0.0):
    """[StratumResult] in stratum order. A business is drawn at most once over all strata."""
    by_category = {}
    for row in snapshot:
        by_category.setdefault(row[CATEGORY], []).append(row)
    risk_grades = set(risk_grades or ())
    taken = set()
    results = []
    for st in strata:
        pool = [
            r
            for r in by_category.get(st.category, ())
            if r[PATH].startswith(st.area_path) and r[ID] not in taken
        ]
        pool.sort(key=lambda r: r[ID])
        rng = _rng(seed, st.key)
        res = StratumResult(st, eligible=len(pool))
        want = st.quota + reserves
        order = []
        if risk_share and (risk_grades or risk_failed):
            high = [r for r in pool if r[RISK] in risk_grades or (risk_failed and r[FAILED])]
            k = min(len(high), round(st.quota * float(risk_share)))
            first = rng.sample(high, k)
            chosen = {r[ID] for r in first}
            rest = [r for r in pool if r[ID] not in chosen]
            order = [(r, True) for r in first] + [
                (r, False) for r in rng.sample(rest, min(want - k, len(rest)))
            ]
        else:
            order = [(r, False) for r in rng.sample(pool, min(want, len(pool)))]
        res.selected, res.reserves = order[: st.quota], order[st.quota :]
        taken.update(r[ID] for r, _ in order)
        results.append(res)
    return results


def strata_for(plan):
    """The plan's strata, in a fixed order (category sort order, then area path)."""
    areas = list(plan.areas.all()) or [plan.campaign.region]
    out = []
    quotas = plan.quotas.select_related("category", "area").order_by(
        "category__sort_order", "category__code", "area__path"
    )
    for q in quotas:
        for area in [q.area] if q.area_id else areas:
            label = (
                q.category.name if not q.area_id and len(areas) == 1 else f"{q.category.name}（{area.name}）"
            )
            out.append(Stratum(f"{q.category.code}@{area.path}", label, q.category.code, area.path, q.quota))
    return out


def take_snapshot(plan, now=None):
    """The eligible registry now, as snapshot rows sorted by business id."""
    import datetime

    from django.db.models import Q
    from django.utils import timezone

    from shian.inspections.choices import Result
    from shian.inspections.models import PlanQuota, Visit, VisitAnswer
    from shian.registry.choices import BusinessStatus
    from shian.registry.models import Business

    areas = [a.path for a in plan.areas.all()] or [plan.campaign.region.path]
    area_q = Q()
    for path in areas:
        area_q |= Q(region__path__startswith=path)
    codes = set(PlanQuota.objects.filter(plan=plan).values_list("category__code", flat=True))
    qs = Business.objects.filter(area_q, status=BusinessStatus.OPEN, category__code__in=codes)
    if plan.exclude_visited_days:
        since = (now or timezone.now()) - datetime.timedelta(days=plan.exclude_visited_days)
        recent = Visit.objects.filter(submitted_at__gte=since).values("business_id")
        qs = qs.exclude(pk__in=recent)
    failed = set()
    if plan.risk_failed_before:
        failed = set(
            VisitAnswer.objects.filter(result=Result.FAIL).values_list("visit__business_id", flat=True)
        )
    rows = qs.order_by("pk").values_list("pk", "category__code", "region__path", "risk_grade", "name")
    return [
        [pk, code, path, risk or "", 1 if pk in failed else 0, name] for pk, code, path, risk, name in rows
    ]
