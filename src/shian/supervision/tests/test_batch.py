"""Indicators evaluated together read each ledger once per period, and give exactly what the engine
gives one by one."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shian.supervision import batch

d = datetime.date


@pytest.fixture
def ledgers(cast):
    from shian.supervision.models import CaseRecord, ComplaintRecord, IndicatorDefinition, SamplingRecord

    rows = [
        ("监督抽检", "合格", "", cast.town, d(2026, 3, 10)),
        ("评价性抽检", "合格", "", cast.town, d(2026, 2, 1)),
        ("评价性抽检", "不合格", "已处置", cast.town2, d(2026, 4, 1)),
        ("监督抽检", "不合格", "", cast.county, d(2026, 5, 2)),
        ("监督抽检", "合格", "", cast.town, d(2025, 3, 1)),  # last year: only the year-on-year one reads it
        ("监督抽检", "合格", "", cast.other_county, d(2026, 3, 10)),
    ]  # the other county: never counted
    for n, (task, result, disposal, region, day) in enumerate(rows):
        SamplingRecord.objects.create(
            number=f"S{n}",
            region=region,
            sampled_on=day,
            task_type=task,
            result=result,
            disposal_status=disposal,
        )
    ComplaintRecord.objects.create(
        number="C1",
        region=cast.town2,
        received_on=d(2026, 4, 1),
        deadline=d(2026, 4, 8),
        closed_on=d(2026, 4, 5),
    )
    ComplaintRecord.objects.create(
        number="C2",
        region=cast.county,
        received_on=d(2026, 4, 1),
        deadline=d(2026, 4, 8),
        closed_on=d(2026, 4, 20),
    )
    CaseRecord.objects.create(
        number="A1", region=cast.town, opened_on=d(2026, 5, 1), fine_amount=Decimal(15000)
    )
    CaseRecord.objects.create(
        number="A2", region=cast.town2, opened_on=d(2026, 6, 1), fine_amount=Decimal(2500)
    )
    common = {"scoring_item": cast.items[2], "owner_region": cast.county}
    sampling = {"source": "sampling"}
    return [
        IndicatorDefinition.objects.create(
            code="per1000",
            name="食品抽检量",
            formula="per_1000",
            target=Decimal(4),
            numerator={**sampling, "filters": {"task_type__in": ["监督抽检", "评价性抽检"]}},
            **common,
        ),
        IndicatorDefinition.objects.create(
            code="evalpass",
            name="评价性抽检合格率",
            formula="ratio",
            scale=100,
            numerator={**sampling, "filters": {"task_type": "评价性抽检", "result": "合格"}},
            denominator={**sampling, "filters": {"task_type": "评价性抽检"}},
            target=Decimal(98),
            **common,
        ),
        IndicatorDefinition.objects.create(
            code="ontime",
            name="投诉举报按时办结率",
            formula="ratio",
            scale=100,
            numerator={"source": "complaints", "filters": {"closed_on__lte": "F:deadline"}},
            denominator={"source": "complaints"},
            target=Decimal(95),
            **common,
        ),
        IndicatorDefinition.objects.create(
            code="fines",
            name="罚款金额",
            formula="total",
            numerator={"source": "cases", "agg": "sum", "field": "fine_amount"},
            **common,
        ),
        IndicatorDefinition.objects.create(
            code="yoy",
            name="监督抽检同比",
            formula="yoy",
            scale=100,
            numerator={**sampling, "filters": {"task_type": "监督抽检"}},
            **common,
        ),
    ]


def _ledger_queries(ctx):
    return [q["sql"] for q in ctx.captured_queries if "supervision_samplingrecord" in q["sql"]]


def test_batch_gives_what_the_engine_gives_one_by_one(cast, ledgers):
    from shian.supervision import engine

    pairs = [(defn, "2026-H1") for defn in ledgers]
    got = {defn.code: ev for defn, ev in batch.evaluate_many(pairs, cast.county)}
    one_by_one = {defn.code: engine.evaluate(defn, cast.county, "2026-H1") for defn in ledgers}
    for code, ev in one_by_one.items():
        assert (got[code].value, got[code].numerator, got[code].denominator, got[code].met) == (
            ev.value,
            ev.numerator,
            ev.denominator,
            ev.met,
        ), code
    # by hand: 评价性 1 passed of 2 → 50%; complaints 1 of 2 on time → 50%; fines 15000 + 2500;
    # 监督抽检 2 this half-year against 1 a year before → +100%; 3 of 监督/评价 per 1050 thousand people
    assert got["evalpass"].value == Decimal("50.0000") and got["evalpass"].met is False
    assert got["ontime"].value == Decimal("50.0000")
    assert got["fines"].value == Decimal("17500.0000")
    assert got["yoy"].value == Decimal("100.0000")
    assert got["per1000"].numerator == Decimal(4)


def test_batch_reads_each_ledger_once_per_period(cast, ledgers, monkeypatch):
    from shian.supervision import engine, rollup

    monkeypatch.setattr(rollup, "ENABLED", False)  # the ledger reads themselves (rollups: test_rollup.py)
    pairs = [(defn, "2026-H1") for defn in ledgers]
    with CaptureQueriesContext(connection) as one_by_one:
        for defn, period in pairs:
            engine.evaluate(defn, cast.county, period)
    with CaptureQueriesContext(connection) as batched:
        batch.evaluate_many(pairs, cast.county)
    # per1000 1 + evalpass 2 + yoy 2 sampling reads one by one; batched: 2026-H1 once, 2025-H1 once
    assert len(_ledger_queries(one_by_one)) == 5
    assert len(_ledger_queries(batched)) == 2


def test_a_broken_definition_gives_none_and_the_rest_still_count(cast, ledgers):
    broken = ledgers[0]
    broken.numerator = {
        "source": "sampling",
        "agg": "sum",
        "field": "no_such_field",
    }  # the whole batch falls back
    got = dict(batch.evaluate_many([(broken, "2026-H1"), (ledgers[1], "2026-H1")], cast.county))
    assert got[broken] is None
    assert got[ledgers[1]].value == Decimal("50.0000")


def test_outside_a_batch_the_engine_reads_as_before(cast, ledgers):
    from shian.supervision import engine

    batch.evaluate_many([(ledgers[0], "2026-H1")], cast.county)  # a batch before must leave nothing behind
    with CaptureQueriesContext(connection) as ctx:
        ev = engine.evaluate(ledgers[1], cast.county, "2026-H1")
    assert len(_ledger_queries(ctx)) == 2 and ev.value == Decimal("50.0000")
