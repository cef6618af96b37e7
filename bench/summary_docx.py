"""Benchmark: the half-year 工作总结 (.docx) of a city-scale campaign; goal under 2 seconds.

City demo in a throwaway database: 绵阳市 with 10 counties × 15 townships (150), the office and 40
member units, the sample framework, tasks for every scoring item, 6 dispatch rounds, 200 problems,
ledger-based indicator definitions, 1,000,000 sampling records (2021–2023), 50,000 complaints and
20,000 cases. Times drafting the 2023-H1 summary from the data and writing the .docx, several runs.

    .venv/bin/python bench/summary_docx.py [--rows 1000000] [--runs 5] [--pg]
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import time
from decimal import Decimal

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)


def build_city(rng):
    from shian.campaigns.models import Campaign, Milestone
    from shian.organisation.models import Region, Unit

    province = Region.objects.create(code="510000", name="四川省", level=1, population=83_740_000)
    city = Region.objects.create(code="510700", name="绵阳市", level=2, parent=province, population=4_868_000)
    towns = []
    for c in range(10):
        county = Region.objects.create(
            code=f"5107{90 + c:02d}", name=f"安澜{c + 1}县", level=3, parent=city, population=480_000
        )
        for i in range(15):
            towns.append(
                Region.objects.create(
                    code=f"{county.code}{100 + i}",
                    name=f"第{i + 1}镇{c + 1}",
                    level=4,
                    parent=county,
                    population=32_000,
                )
            )
    office = Unit.objects.create(
        name="绵阳市食品安全委员会办公室", short_name="市食安办", kind="office", region=city
    )
    units = [
        Unit.objects.create(
            name=f"绵阳市第{i + 1}局",
            short_name=f"市{i + 1}局",
            kind="member",
            region=city,
            sort_order=10 + i,
        )
        for i in range(40)
    ]
    from shian.framework.sample import load_sample_framework

    framework = load_sample_framework(owner_region=city)
    campaign = Campaign.objects.create(
        name="绵阳市创建国家食品安全示范城市",
        region=city,
        level="national_city",
        framework=framework,
        office=office,
        started_on=datetime.date(2022, 1, 1),
    )
    Milestone.objects.create(campaign=campaign, kind="provincial_review", date=datetime.date(2023, 10, 1))
    return city, towns, office, units, framework, campaign


def build_work(rng, campaign, units, framework):
    from django.utils import timezone

    from shian.dispatch.models import DispatchReport, DispatchRound
    from shian.rectification.models import Problem
    from shian.workplan.models import Task

    items = list(framework.items())
    tasks = []
    for item in items:
        for unit in rng.sample(units, 2):
            done = rng.random() < 0.4
            tasks.append(
                Task(
                    campaign=campaign,
                    item=item,
                    title=item.content[:100],
                    unit=unit,
                    deadline=datetime.date(2023, rng.randint(1, 12), 28),
                    status="done" if done else "in_progress",
                    completed_at=timezone.make_aware(datetime.datetime(2023, rng.randint(1, 6), 15))
                    if done
                    else None,
                )
            )
    Task.objects.bulk_create(tasks)
    for m in range(1, 7):
        deadline = timezone.make_aware(datetime.datetime(2023, m, 25, 18))
        rnd = DispatchRound.objects.create(
            campaign=campaign,
            title=f"2023年{m}月调度",
            period_label=f"2023年{m}月",
            deadline=deadline,
            opened_at=deadline - datetime.timedelta(days=10),
            status="closed",
        )
        DispatchReport.objects.bulk_create(
            [
                DispatchReport(
                    round=rnd,
                    unit=u,
                    status="submitted" if rng.random() < 0.9 else "missing",
                    submitted_at=deadline - datetime.timedelta(hours=rng.randint(-30, 100)),
                    narrative="完成本月创建任务，开展专项检查。",
                )
                for u in units
            ]
        )
    Problem.objects.bulk_create(
        [
            Problem(
                campaign=campaign,
                seq=i + 1,
                description=f"第{i + 1}个问题：佐证材料不完整",
                unit=rng.choice(units),
                severity=rng.choice(["red", "orange", "yellow", "blue"]),
                deadline=datetime.date(2023, rng.randint(1, 12), 1),
                status=rng.choice(["open", "in_progress", "verified"]),
                points=Decimal("0.5"),
            )
            for i in range(200)
        ]
    )
    return len(tasks)


def build_indicators(framework, city):
    from shian.supervision.models import IndicatorDefinition

    items = framework.items()

    def item(kw):
        return items.filter(content__contains=kw).first()

    counted = ["监督抽检", "评价性抽检", "风险监测"]
    for i, (code, name, formula, num, den, scale, unit, target, kw) in enumerate(
        [
            (
                "sampling_per_1000",
                "食品抽检量",
                "per_1000",
                {"source": "sampling", "filters": {"task_type__in": counted}},
                {},
                1,
                "批次/千人·年",
                4,
                "抽检量",
            ),
            (
                "farm_per_1000",
                "农产品定量检测量",
                "per_1000",
                {"source": "sampling", "filters": {"task_type": "农产品定量检测"}},
                {},
                1,
                "批次/千人·年",
                1,
                "农产品",
            ),
            (
                "eval_pass_rate",
                "评价性抽检合格率",
                "ratio",
                {"source": "sampling", "filters": {"task_type": "评价性抽检", "result": "合格"}},
                {"source": "sampling", "filters": {"task_type": "评价性抽检"}},
                100,
                "%",
                98,
                "合格率",
            ),
            (
                "disposal_rate",
                "不合格食品核查处置率",
                "ratio",
                {"source": "sampling", "filters": {"result": "不合格", "disposal_status": "已处置"}},
                {"source": "sampling", "filters": {"result": "不合格"}},
                100,
                "%",
                100,
                "处置",
            ),
            (
                "complaint_on_time",
                "投诉举报按时办结率",
                "ratio",
                {"source": "complaints", "filters": {"closed_on__lte": "F:deadline"}},
                {"source": "complaints"},
                100,
                "%",
                95,
                "投诉",
            ),
        ],
        start=1,
    ):
        IndicatorDefinition.objects.create(
            code=code,
            name=name,
            formula=formula,
            numerator=num,
            denominator=den,
            scale=Decimal(scale),
            value_unit=unit,
            target=Decimal(target),
            owner_region=city,
            seq=i,
            scoring_item=item(kw) or items.first(),
        )


def load_other_ledgers(rng, towns, complaints=50_000, cases=20_000):
    from shian.supervision.models import CaseRecord, ComplaintRecord

    start = datetime.date(2021, 1, 1)
    rows = []
    for i in range(complaints):
        t = towns[rng.randrange(len(towns))]
        d = start + datetime.timedelta(days=rng.randrange(1095))
        closed = d + datetime.timedelta(days=rng.randint(1, 12))
        rows.append(
            ComplaintRecord(
                number=f"TS{i:08d}",
                region=t,
                region_path=t.path,
                year=d.year,
                ym=d.year * 100 + d.month,
                received_on=d,
                deadline=d + datetime.timedelta(days=10),
                closed_on=closed,
            )
        )
    ComplaintRecord.objects.bulk_create(rows, batch_size=5000)
    rows = []
    for i in range(cases):
        t = towns[rng.randrange(len(towns))]
        d = start + datetime.timedelta(days=rng.randrange(1095))
        rows.append(
            CaseRecord(
                number=f"AJ{i:08d}",
                region=t,
                region_path=t.path,
                year=d.year,
                ym=d.year * 100 + d.month,
                opened_on=d,
                fine_amount=Decimal(rng.randint(0, 50_000)),
            )
        )
    CaseRecord.objects.bulk_create(rows, batch_size=5000)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--pg", action="store_true", help="PostgreSQL instead of SQLite")
    parser.add_argument("--slowest", type=int, default=6, help="print the N slowest queries of the first run")
    parser.add_argument(
        "--covering-index",
        action="store_true",
        help="then add a covering index on the sampling ledger (this throwaway database only) and "
        "time again — the figure behind the recommendation to the supervision app",
    )
    args = parser.parse_args()

    from _setup import django_setup, migrate, throwaway_url

    url, drop = throwaway_url("postgresql" if args.pg else "sqlite")
    django_setup(url)
    try:
        migrate()
        from django.db import connection
        from indicator_query import load

        from shian.reports.models import Document

        rng = random.Random(11)
        t0 = time.perf_counter()
        city, towns, office, units, framework, campaign = build_city(rng)
        n_tasks = build_work(rng, campaign, units, framework)
        build_indicators(framework, city)
        load(args.rows, towns)
        load_other_ledgers(rng, towns)
        print(
            f"数据准备：{time.perf_counter() - t0:.1f} s（{connection.vendor}；{len(towns)}个乡镇，{len(units)}个成员单位，"
            f"{n_tasks}项任务，抽检{args.rows:,}条，投诉50,000条，案件20,000条）"
        )

        doc = Document(
            campaign=campaign, kind="summary", period="2023-H1", issued_on=datetime.date(2023, 7, 10)
        )
        timed_runs(args, doc, "半年工作总结 .docx")
        from shian.supervision import batch

        batch.ENABLED = (
            False  # the same document with the engine's one-query-per-source reads, for comparison
        )
        timed_runs(args, doc, "对照：指标逐项读取台账（不批量）")
        batch.ENABLED = True
        if args.covering_index:
            with connection.cursor() as c:
                c.execute(
                    "CREATE INDEX bench_samp_cover ON supervision_samplingrecord "
                    "(ym, region_id, task_type, result, disposal_status)"
                )
                c.execute(
                    "ANALYZE supervision_samplingrecord" if connection.vendor == "postgresql" else "ANALYZE"
                )
            timed_runs(args, doc, "加覆盖索引 (ym, region_id, task_type, result, disposal_status) 后")
    finally:
        connection.close()
        drop()


def timed_runs(args, doc, label):
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from shian.reports import gbt9704 as g
    from shian.reports.documents import draft, resolve

    times = []
    for run in range(args.runs):
        reset_queries()
        with CaptureQueriesContext(connection) as ctx:
            t = time.perf_counter()
            d = draft(doc)
            data = g.to_bytes(g.render(resolve(d, {})))
            times.append(time.perf_counter() - t)
        if run == 0:
            q_time = sum(float(q["time"]) for q in ctx.captured_queries)
            print(
                f"首次：{times[0]:.3f} s，{len(ctx.captured_queries)}条查询（合计 {q_time:.3f} s），"
                f"docx {len(data) / 1024:.0f} KB"
            )
            for q in sorted(ctx.captured_queries, key=lambda q: -float(q["time"]))[: args.slowest]:
                print(f"  {float(q['time']):.3f} s  {q['sql'][:150]}")
            print(
                f"所用数据：抽检{d.figures.get('sampling')}批次，占年度目标{d.figures.get('sampling_share')}，"
                f"投诉{d.figures.get('complaints')}件，案件{d.figures.get('cases')}件"
            )
    print(
        f"{label}：中位数 {statistics.median(times):.3f} s，最快 {min(times):.3f} s，"
        f"最慢 {max(times):.3f} s（{args.runs}次；目标 < 2 s）"
    )


if __name__ == "__main__":
    main()
