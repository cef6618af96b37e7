"""Benchmark: score arithmetic, the gap analysis and the rectification ledger at county scale.

Builds the test cast plus the sample framework (54 items, scored with deductions) and 3,000 problems
over 30 units in a throwaway database, then times: engine.compute (pure arithmetic), the assessment
result, the gap analysis, the assessment / gap / problem-list pages, the printable ledger export of all
rows, per-unit closed-loop figures and an escalation run (first run, then the idempotent re-run).
Prints p50/p95 in ms.

    .venv/bin/python bench/scoring_rectification.py [--runs 20] [--pg]
"""

import datetime
import os
import random
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from _setup import run_in_throwaway_db, timed  # noqa: E402


def run(runs):
    from decimal import Decimal

    from django.test import Client
    from django.utils import timezone

    from shian.campaigns.models import Campaign
    from shian.core.audit import actor_context
    from shian.organisation.models import Unit
    from shian.rectification import ledger
    from shian.rectification import services as rect
    from shian.rectification.models import Problem
    from shian.scoring import engine, gap
    from shian.scoring import services as scoring
    from shian.testing import build_cast

    rng = random.Random(7)
    today = timezone.localdate()
    with actor_context(None):
        cast = build_cast()
        try:
            from shian.framework.sample import load_sample_framework

            fw = load_sample_framework(owner_region=cast.county)
            Campaign.objects.filter(pk=cast.campaign.pk).update(framework=fw)
            cast.campaign.refresh_from_db()
        except ImportError:
            fw = cast.framework
        units = [cast.edu, cast.market] + [
            Unit.objects.create(name=f"三台县成员单位{i}", short_name=f"单位{i}", region=cast.county)
            for i in range(28)
        ]
        t = time.perf_counter()
        a = scoring.create_assessment(cast.campaign, actor=cast.office_user, title="自评")
        items = list(fw.items().prefetch_related("deductions"))
        for item in items:
            free = [("台账不完整", item.effective_step)] if rng.random() < 0.4 else []
            scoring.score_item(a, item, actor=cast.office_user, free_deductions=free)
        print(f"scored {len(items)} items in {(time.perf_counter() - t) * 1000:.0f} ms")
        rows = []
        for n in range(3000):
            rows.append(
                Problem(
                    campaign=cast.campaign,
                    seq=n + 1,
                    description=f"问题{n}",
                    unit=rng.choice(units),
                    severity=rng.choice("red orange yellow blue".split()),
                    found_on=today - datetime.timedelta(days=rng.randint(10, 200)),
                    deadline=today + datetime.timedelta(days=rng.randint(-60, 60)),
                    status=rng.choice(["open", "in_progress", "submitted", "verified"]),
                    points=Decimal("0.5"),
                )
            )
        Problem.objects.bulk_create(rows)
        Problem.objects.filter(status="verified").update(verified_at=timezone.now())
        through = Problem.items.through
        through.objects.bulk_create(
            [through(problem_id=p.pk, scoringitem_id=rng.choice(items).pk) for p in Problem.objects.all()]
        )

    spec = engine.framework_spec(fw)
    pts = dict(a.scores.values_list("item_id", "points"))
    timed("engine.compute (54 items)", lambda: engine.compute(spec, pts, {}, {}), runs * 10)
    timed("assessment_result", lambda: scoring.assessment_result(a), runs)
    timed("gap.analyse (3,000 problems)", lambda: gap.analyse(cast.campaign), runs)
    client = Client(HTTP_HOST="localhost")
    client.force_login(cast.office_user)
    timed("assessment page", lambda: client.get(f"/scoring/{a.pk}/"), runs)
    timed("gap page", lambda: client.get(f"/scoring/gap/?campaign={cast.campaign.pk}"), runs)
    timed("problem list page (25 rows)", lambda: client.get("/rectification/"), runs)
    timed("problem list, overdue filter", lambda: client.get("/rectification/?status=overdue"), runs)
    qs = Problem.objects.select_related("unit").prefetch_related("items").order_by("seq")
    timed("ledger export (3,000 rows)", lambda: ledger.write_ledger_xlsx(qs, "整改台账"), max(3, runs // 4))
    timed("unit_stats (3,000 problems)", lambda: rect.unit_stats(Problem.objects.all()), runs)
    with actor_context(None):
        t = time.perf_counter()
        counts = rect.escalate_problems(today=today)
        print(f"escalate first run: {counts} in {(time.perf_counter() - t) * 1000:.0f} ms")
        timed("escalate re-run (idempotent)", lambda: rect.escalate_problems(today=today), max(3, runs // 4))


if __name__ == "__main__":
    run_in_throwaway_db(run, default_runs=20)
