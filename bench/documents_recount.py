"""Benchmark + check: every document of the city-scale data says what its records say, as of its date.

Builds (once) the city of bench/city.py — the demo county plus 9 counties, 5,000 tasks, 1,000 problems and
the sampling ledger — then renders every document kind the demo made (简报 ×3, 通报, 阶段总结, 自评报告,
评审报告) against that data and recounts each figure from the model rows with the plain-Python recount of
the tests (`shian.reports.tests.recount`). Prints per document the render time, the ratio to the goal and
MET/MISSED for the figures and for the time (goal: the city-scale summary ≤ 2 s).

    .venv/bin/python bench/documents_recount.py [--db bench/out/city.sqlite3 | --pg shian_bench_city] [--rows N]
"""

import argparse
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

GOAL_SECONDS = 2.0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default=os.path.join(HERE, "out", "city.sqlite3"), help="SQLite file")
    parser.add_argument("--pg", help="PostgreSQL database name (created if missing)")
    parser.add_argument("--rows", type=int, default=1_000_000, help="sampling records when building")
    args = parser.parse_args()
    import city

    city.ensure(city.database_url(args), args.rows)

    from django.db import connection

    from shian.reports import services
    from shian.reports.models import Document
    from shian.reports.tests import recount
    from shian.supervision.models import SamplingRecord
    from shian.workplan.models import Task

    print(
        f"{connection.vendor}：{Task.objects.count()} 项任务、{SamplingRecord.objects.count():,} 条抽检记录，"
        f"{Document.objects.count()} 份文档"
    )
    failures = slow = 0
    for doc in Document.objects.select_related("campaign__region", "round").order_by("kind", "period", "pk"):
        t = time.perf_counter()
        services.render(doc)
        seconds = time.perf_counter() - t
        wrong = recount.mismatches(doc)
        failures += bool(wrong)
        slow += seconds > GOAL_SECONDS
        print(
            f"  {doc.get_kind_display():6} {doc.period or '':10} 生成 {seconds:5.2f} s"
            f"（目标 ≤ {GOAL_SECONDS:.0f} s，比值 {seconds / GOAL_SECONDS:.2f}，{'MET' if seconds <= GOAL_SECONDS else 'MISSED'}）"
            f"  数字与记录 {'一致 MET' if not wrong else '不一致 MISSED'}"
        )
        for line in wrong:
            print(f"      {line}")
    print(
        f"数字核对：{'MET' if not failures else f'MISSED（{failures} 份不一致）'}；生成时间：{'MET' if not slow else 'MISSED'}"
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
