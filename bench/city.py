"""City-scale data for the page and load benchmarks: the demo county plus 9 more counties of 15
townships (≈150 townships), ≈40 member units more, 5,000 tasks, 1,000 problems and 1,000,000 sampling
records spread over every township, and a city-level office account (`city`) that sees it all.

    .venv/bin/python bench/city.py --db bench/out/city.sqlite3 [--rows 1000000]     (SQLite file)
    .venv/bin/python bench/city.py --pg shian_bench_city [--rows 1000000]            (PostgreSQL database)

Reused by bench/http_pages.py (which builds it when the file is missing). Prints what it built.
"""

import argparse
import datetime
import os
import random
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

COUNTIES = ["涪城区", "游仙区", "安州区", "江油市", "梓潼县", "北川县", "平武县", "三台县", "盐亭县"]
TASKS, PROBLEMS = 5000, 1000


def populate(rows: int, stdout=print):
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from indicator_query import load, vacuum

    from shian.campaigns.models import Campaign
    from shian.core.audit import actor_context
    from shian.core.demo import build_demo
    from shian.organisation.choices import RegionLevel, Role, UnitKind
    from shian.organisation.models import Region, Unit, User
    from shian.rectification.models import Problem
    from shian.supervision.models import IndicatorDefinition
    from shian.workplan.models import Task

    t = time.perf_counter()
    build_demo()
    stdout(f"演示数据：{time.perf_counter() - t:.1f} s")
    rng = random.Random(18)
    today = datetime.date.today()
    with actor_context(None), transaction.atomic():
        city = Region.objects.get(code="510700")
        towns = list(Region.objects.filter(level=RegionLevel.TOWNSHIP))
        for c, name in enumerate(COUNTIES):
            county = Region.objects.create(
                code=f"5107{c + 1:02d}", name=name, level=RegionLevel.COUNTY, parent=city, population=500_000
            )
            for i in range(15):
                towns.append(
                    Region.objects.create(
                        code=f"{county.code}{100 + i}",
                        name=f"{name}第{i + 1}镇",
                        level=RegionLevel.TOWNSHIP,
                        parent=county,
                        population=33_000,
                    )
                )
            Unit.objects.create(
                name=f"{name}市场监督管理局",
                short_name=f"{name}市场监管局",
                kind=UnitKind.MEMBER,
                region=county,
            )
        city_office = Unit.objects.create(
            name="绵阳市食品安全委员会办公室", short_name="市食安办", kind=UnitKind.OFFICE, region=city
        )
        [
            Unit.objects.create(
                name=f"绵阳市第{i + 1}成员单位",
                short_name=f"市成员{i + 1}",
                kind=UnitKind.MEMBER,
                region=city,
            )
            for i in range(31)
        ]
        User.objects.create(
            username="city",
            role=Role.OFFICE,
            unit=city_office,
            first_name="市食安办",
            password=make_password("bench-pass-123"),
        )
        campaign = Campaign.objects.get()
        items = list(campaign.framework.categories.values_list("indicators__items", flat=True))
        items = [i for i in items if i]
        units = list(Unit.objects.filter(kind__in=[UnitKind.MEMBER, UnitKind.TOWNSHIP]))
        have = Task.objects.count()
        statuses = ["pending", "in_progress", "submitted", "done"]
        Task.objects.bulk_create(
            [
                Task(
                    campaign=campaign,
                    item_id=items[i % len(items)],
                    unit=units[i % len(units)],
                    title=f"城市规模任务{i:05d}",
                    deadline=today + datetime.timedelta(days=rng.randint(-60, 120)),
                    status=rng.choice(statuses),
                    progress=rng.randint(0, 100),
                )
                for i in range(TASKS - have)
            ],
            batch_size=2000,
        )
        have = Problem.objects.count()
        Problem.objects.bulk_create(
            [
                Problem(
                    campaign=campaign,
                    description=f"城市规模问题{i:04d}：台账不全，公示不及时",
                    unit=units[i % len(units)],
                    severity=rng.choice(["red", "orange", "yellow", "blue"]),
                    points=rng.choice([None, 0.5, 1, 2]),
                    deadline=today + datetime.timedelta(days=rng.randint(-30, 60)),
                    status=rng.choice(["open", "open", "in_progress", "verified"]),
                )
                for i in range(PROBLEMS - have)
            ],
            batch_size=2000,
        )
        t = time.perf_counter()
        from shian.supervision.models import SamplingRecord

        SamplingRecord.objects.all().delete()
        load(rows, towns)
        stdout(f"{rows:,} 条抽检记录：{time.perf_counter() - t:.1f} s")
        defs = IndicatorDefinition.objects.filter(is_active=True).count()
    vacuum()
    stdout(
        f"{Region.objects.count()} 个区划（{len(towns)} 个乡镇）、{Unit.objects.count()} 个单位、{Task.objects.count()} 项任务、"
        f"{Problem.objects.count()} 个问题、{SamplingRecord.objects.count():,} 条抽检记录、{defs} 个计算指标"
    )


def ensure(url: str, rows: int, stdout=print):
    """Migrate and populate the database at `url` unless it already holds the city."""
    from _setup import django_setup, migrate

    django_setup(url)
    migrate()
    from shian.organisation.models import User

    if not User.objects.filter(username="city").exists():
        populate(rows, stdout)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default=os.path.join(HERE, "out", "city.sqlite3"), help="SQLite file")
    parser.add_argument("--pg", help="PostgreSQL database name (created if missing)")
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    ensure(database_url(args), args.rows)


def database_url(args) -> str:
    if getattr(args, "pg", None):
        import psycopg
        from _setup import PG_SERVER

        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [args.pg]).fetchone():
                conn.execute(f'CREATE DATABASE "{args.pg}"')
        return f"{PG_SERVER}/{args.pg}"
    os.makedirs(os.path.dirname(os.path.abspath(args.db)), exist_ok=True)
    return f"sqlite:///{os.path.abspath(args.db)}"


if __name__ == "__main__":
    main()
