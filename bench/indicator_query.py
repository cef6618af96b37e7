"""Benchmark: indicator evaluation over 1,000,000 sampling records on PostgreSQL.

Loads 1M records (5 counties × 20 townships, 2021–2023) into a throwaway database with COPY, then
evaluates random indicators (per 1000, pass-rate ratio, year-on-year, filtered count) for random region
subtrees (city, county, township) and years through the same engine the pages use; prints p50/p95.

    .venv/bin/python bench/indicator_query.py [--rows 1000000] [--runs 300] [--sqlite]
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)


def load(rows, towns):
    from django.db import connection
    from django.utils import timezone

    rng = random.Random(7)
    start = datetime.date(2021, 1, 1)
    now = timezone.now()
    cols = [
        "number",
        "region_id",
        "region_path",
        "year",
        "ym",
        "sampled_on",
        "sampled_unit",
        "unit_category",
        "stage",
        "food_category",
        "product",
        "task_type",
        "result",
        "failed_items",
        "disposal_status",
        "extra",
        "created_at",
        "updated_at",
        "version",
    ]
    tasks = ["监督抽检"] * 6 + ["评价性抽检"] * 2 + ["风险监测", "农产品定量检测"]

    def gen():
        for i in range(rows):
            t = towns[rng.randrange(len(towns))]
            d = start + datetime.timedelta(days=rng.randrange(1095))
            failed = rng.random() < 0.02
            yield (
                f"DC{i:010d}",
                t.pk,
                t.path,
                d.year,
                d.year * 100 + d.month,
                d,
                "某食品经营部",
                "农贸市场",
                "流通",
                "蔬菜",
                "韭菜",
                rng.choice(tasks),
                "不合格" if failed else "合格",
                "",
                "已处置" if failed else "无需处置",
                "{}",
                now,
                now,
                1,
            )

    q = ", ".join(f'"{c}"' for c in cols)
    with connection.cursor() as c:
        if connection.vendor == "postgresql":
            with c.cursor.copy(f"COPY supervision_samplingrecord ({q}) FROM STDIN") as copy:
                for row in gen():
                    copy.write_row(row)
        else:
            import sqlite3

            batch = []
            for row in gen():
                batch.append(tuple(str(v) if isinstance(v, datetime.date) else v for v in row))
                if len(batch) == 20000:
                    sqlite3.Cursor.executemany(
                        c.cursor,
                        f"INSERT INTO supervision_samplingrecord ({q}) VALUES ({', '.join('?' * len(cols))})",
                        batch,
                    )
                    batch = []


def vacuum():
    """Autovacuum does this in production; index-only scans need the visibility map."""
    from django.db import connection

    with connection.cursor() as c:
        c.execute(
            "VACUUM ANALYZE supervision_samplingrecord" if connection.vendor == "postgresql" else "ANALYZE"
        )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--sqlite", action="store_true")
    args = parser.parse_args()
    from _setup import build_regions, django_setup, migrate, throwaway_url

    url, drop = throwaway_url("sqlite" if args.sqlite else "postgresql")
    try:
        django_setup(url)
        migrate()
        from django.db import connection, transaction

        from shian.organisation.models import Region
        from shian.supervision.engine import evaluate
        from shian.supervision.models import IndicatorDefinition

        towns = build_regions(counties=5)
        t = time.perf_counter()
        with transaction.atomic():
            load(args.rows, towns)
        vacuum()
        print(f"[{connection.vendor}] 载入 {args.rows:,} 条抽检记录：{time.perf_counter() - t:.1f} s")
        counted = {"task_type__in": ["监督抽检", "评价性抽检", "风险监测"]}
        defs = [
            IndicatorDefinition.objects.create(
                code="per1000",
                name="食品抽检量",
                formula="per_1000",
                numerator={"source": "sampling", "filters": counted},
                target=4,
            ),
            IndicatorDefinition.objects.create(
                code="pass",
                name="评价性抽检合格率",
                formula="ratio",
                scale=100,
                numerator={"source": "sampling", "filters": {"task_type": "评价性抽检", "result": "合格"}},
                denominator={"source": "sampling", "filters": {"task_type": "评价性抽检"}},
            ),
            IndicatorDefinition.objects.create(
                code="yoy", name="抽检同比", formula="yoy", scale=100, numerator={"source": "sampling"}
            ),
            IndicatorDefinition.objects.create(
                code="failed",
                name="不合格批次",
                formula="total",
                numerator={"source": "sampling", "filters": {"result": "不合格"}},
            ),
        ]
        regions = list(Region.objects.filter(level__gte=2))
        rng = random.Random(11)
        timings = {"市": [], "县": [], "乡镇": []}
        level_name = {2: "市", 3: "县", 4: "乡镇"}
        for _i in range(args.runs):
            level = rng.choice([2, 3, 4])  # as many city and county questions as township ones
            region = rng.choice([r for r in regions if r.level == level])
            defn, year = rng.choice(defs), rng.choice([2021, 2022, 2023])
            t = time.perf_counter()
            ev = evaluate(defn, region, str(year), drill_down=True)
            timings[level_name[region.level]].append((time.perf_counter() - t) * 1000)
            assert ev.numerator is not None
        every = sorted(x for v in timings.values() for x in v)

        def pct(xs, p):
            return xs[min(len(xs) - 1, int(len(xs) * p))]

        print(
            f"[{connection.vendor}] {args.runs} 次随机指标（含下级分解）：p50 {statistics.median(every):.1f} ms，"
            f"p95 {pct(every, 0.95):.1f} ms，最大 {every[-1]:.1f} ms"
        )
        for name, xs in timings.items():
            if xs:
                xs.sort()
                print(
                    f"    {name}级（{len(xs)} 次）：p50 {statistics.median(xs):.1f} ms，p95 {pct(xs, 0.95):.1f} ms"
                )
        connection.close()
    finally:
        drop()


if __name__ == "__main__":
    main()
