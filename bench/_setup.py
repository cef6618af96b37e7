"""Shared set-up of the benchmarks: a throwaway database (SQLite file or PostgreSQL) with a region tree."""

import os
import sys
import tempfile
import uuid

PG_SERVER = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")


def throwaway_url(vendor: str) -> tuple[str, callable]:
    """A fresh database URL and a function that drops it."""
    if vendor == "sqlite":
        path = os.path.join(tempfile.mkdtemp(prefix="shian-bench-"), "bench.sqlite3")
        return f"sqlite:///{path}", lambda: os.path.exists(path) and os.remove(path)
    import psycopg

    name = f"shian_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop():
        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return f"{PG_SERVER}/{name}", drop


def django_setup(url: str):
    os.environ["DATABASE_URL"] = url
    # The benches time pages, not the second factor: the office account would meet the 2FA gate (302).
    os.environ.setdefault("SHIAN_REQUIRE_2FA", "0")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shian.settings")
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))
    import django

    django.setup()


def migrate():
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


TOWNSHIPS = [
    "城关镇",
    "东城街道",
    "西城街道",
    "青石镇",
    "白马镇",
    "柳林镇",
    "金鸡镇",
    "石桥镇",
    "龙泉镇",
    "双河镇",
    "观音镇",
    "新店镇",
    "花园乡",
    "永兴镇",
    "太平镇",
    "三合乡",
    "红星镇",
    "黄桷镇",
    "凤凰镇",
    "长乐乡",
]


def build_regions(counties=1):
    """四川省 > 绵阳市 > N counties × 20 townships; returns the list of townships."""
    from shian.organisation.models import Region

    province = Region.objects.create(code="510000", name="四川省", level=1, population=83_740_000)
    city = Region.objects.create(code="510700", name="绵阳市", level=2, parent=province, population=4_868_000)
    towns = []
    for c in range(counties):
        county = Region.objects.create(
            code=f"5107{99 - c:02d}", name=f"安澜{c or ''}县", level=3, parent=city, population=820_000
        )
        for i, name in enumerate(TOWNSHIPS):
            towns.append(
                Region.objects.create(
                    code=f"{county.code}{100 + i}",
                    name=name if c == 0 else f"{name}{c}",
                    level=4,
                    parent=county,
                    population=41_000,
                )
            )
    return towns


def timed(label, fn, runs, width=38):
    """Run fn `runs` times, print p50/p95 in milliseconds and return the p50."""
    import statistics
    import time

    samples = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1000)
    samples.sort()
    p95 = samples[min(len(samples) - 1, int(len(samples) * 0.95))]
    p50 = statistics.median(samples)
    print(f"{label:<{width}} p50 {p50:8.1f} ms   p95 {p95:8.1f} ms   (n={runs})")
    return p50


def run_in_throwaway_db(run, default_runs=20):
    """Parse --runs/--pg, migrate a throwaway database, call run(runs), drop the database."""
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=default_runs)
    parser.add_argument("--pg", action="store_true", help="PostgreSQL instead of SQLite")
    args = parser.parse_args()
    url, drop = throwaway_url("pg" if args.pg else "sqlite")
    try:
        django_setup(url)
        migrate()
        run(args.runs)
    finally:
        from django.db import connections

        connections.close_all()
        drop()
