"""Indicator roll-ups answer exactly what a direct read of the ledger answers, after every kind of write:
ORM save and delete, a moved date, queryset update/delete, bulk create/update, imports and correction
files (the raw SQL paths), and a write that lands while a refresh is running."""

import datetime
import random
from decimal import Decimal

import pytest

from shian.supervision import engine, rollup
from shian.supervision.importer import import_ledger
from shian.supervision.models import CaseRecord, LedgerRollup, RollupDirty, SamplingRecord
from shian.supervision.periods import parse_period
from shian.supervision.tests.test_import import HEAD, row, xlsx

d = datetime.date

SPECS = [
    {"source": "sampling"},
    {"source": "sampling", "filters": {"task_type": "评价性抽检", "result": "合格"}},
    {"source": "sampling", "filters": {"task_type__in": ["监督抽检", "评价性抽检"]}},
    {"source": "cases", "agg": "sum", "field": "fine_amount+confiscation_amount"},
    {"source": "cases", "filters": {"transferred_police": True}},
]
PERIODS = ["2026-03", "2026-H1", "2026", "2025..2026"]


def _both(spec, region, period):
    tree = engine.Tree.load(region)
    p = parse_period(period)
    rolled = rollup.values(spec, tree.nodes, p.start_ym, p.end_ym)
    saved = rollup.ENABLED
    rollup.ENABLED = False
    try:
        direct = engine._ledger_values(spec, tree, p)
    finally:
        rollup.ENABLED = saved
    return rolled, {k: v for k, v in direct.items() if v}


def assert_agree(cast):
    for spec in SPECS:
        for region in (cast.county, cast.town, cast.other_county):
            for period in PERIODS:
                rolled, direct = _both(spec, region, period)
                assert rolled == direct, (spec, region.name, period)


def _sample(cast, n, day, region=None, **kw):
    return SamplingRecord.objects.create(
        number=f"R{n}",
        region=region or cast.town,
        sampled_on=day,
        task_type=kw.get("task_type", "评价性抽检"),
        result=kw.get("result", "合格"),
    )


def test_every_orm_write_path_keeps_the_rollups_exact(cast):
    s1 = _sample(cast, 1, d(2026, 3, 10))
    _sample(cast, 2, d(2026, 4, 1), region=cast.town2, result="不合格")
    CaseRecord.objects.create(
        number="K1", region=cast.town, opened_on=d(2026, 5, 1), fine_amount=Decimal(1500)
    )
    assert_agree(cast)  # built whole on first read
    assert LedgerRollup.objects.exists() and not RollupDirty.objects.exists()

    s1.sampled_on = d(2025, 11, 30)  # moves to another month and year
    s1.save()
    assert_agree(cast)
    SamplingRecord.objects.filter(number="R2").update(result="合格")
    assert_agree(cast)
    SamplingRecord.objects.bulk_create(
        [
            SamplingRecord(
                number=f"B{i}",
                region=cast.town if i % 2 else cast.county,
                region_path=(cast.town if i % 2 else cast.county).path,
                sampled_on=d(2026, 1 + i % 6, 5),
                year=2026,
                ym=202601 + i % 6,
                task_type="监督抽检",
                result="合格",
            )
            for i in range(20)
        ]
    )
    assert_agree(cast)
    bs = list(SamplingRecord.objects.filter(number__startswith="B")[:5])
    for b in bs:
        b.task_type = "评价性抽检"
    SamplingRecord.objects.bulk_update(bs, ["task_type"])
    assert_agree(cast)
    SamplingRecord.objects.filter(number__startswith="B1").delete()
    s1.delete()
    CaseRecord.objects.filter(number="K1").update(confiscation_amount=Decimal(200), transferred_police=True)
    assert_agree(cast)


def test_imports_and_correction_files_keep_the_rollups_exact(cast):
    assert import_ledger("sampling", xlsx([HEAD, row("S1", "2026-03-02"), row("S2", "2026-04-02")])).ok
    assert_agree(cast)
    # a correction file moves S1 to May and fails S2; a new row arrives in June
    fixed = [HEAD, row("S1", "2026-05-02"), row("S2", "2026-04-02", result="不合格"), row("S3", "2026-06-01")]
    assert import_ledger("sampling", xlsx(fixed)).ok
    assert_agree(cast)
    rolled, _ = _both({"source": "sampling"}, cast.county, "2026-03")
    assert rolled == {}  # nothing left in March


@pytest.mark.django_db(transaction=True)
def test_the_staged_sqlite_import_path_marks_its_months(cast):
    """Outside a transaction the SQLite importer stages to a file and merges at the end (raw SQL)."""
    assert import_ledger("sampling", xlsx([HEAD, row("T1", "2026-02-02")])).ok
    assert_agree(cast)
    assert import_ledger("sampling", xlsx([HEAD, row("T1", "2026-08-02"), row("T2", "2026-02-03")])).ok
    assert_agree(cast)


def test_a_write_during_a_refresh_is_not_lost(cast, monkeypatch):
    _sample(cast, 1, d(2026, 3, 10))
    assert_agree(cast)
    _sample(cast, 2, d(2026, 3, 11))
    real = rollup._compute
    late = {}

    def compute_then_another_write_lands(model, specs, yms=None):
        real(model, specs, yms)
        if not late:  # another transaction writes to the same month after the refresh has read it
            late["row"] = _sample(cast, 3, d(2026, 3, 12))

    monkeypatch.setattr(rollup, "_compute", compute_then_another_write_lands)
    tree = engine.Tree.load(cast.county)
    rollup.values({"source": "sampling"}, tree.nodes, 202603, 202603)
    assert RollupDirty.objects.filter(source="sampling", ym=202603).exists()  # its mark survived
    monkeypatch.setattr(rollup, "_compute", real)
    assert_agree(cast)


def test_random_writes_keep_agreeing(cast):
    rng = random.Random(20261202)
    towns = [cast.town, cast.town2, cast.county, cast.other_county]
    made = []
    for step in range(40):
        op = rng.choice(["create", "create", "move", "update", "delete"])
        if op == "create" or not made:
            made.append(
                _sample(
                    cast,
                    step,
                    d(rng.choice([2025, 2026]), rng.randint(1, 12), 1),
                    region=rng.choice(towns),
                    task_type=rng.choice(["监督抽检", "评价性抽检"]),
                    result=rng.choice(["合格", "不合格"]),
                )
            )
        elif op == "move":
            r = rng.choice(made)
            r.sampled_on = d(2026, rng.randint(1, 12), 2)
            r.save()
        elif op == "update":
            SamplingRecord.objects.filter(pk=rng.choice(made).pk).update(
                result=rng.choice(["合格", "不合格"])
            )
        else:
            made.pop(rng.randrange(len(made))).delete()
        if step % 5 == 4:
            assert_agree(cast)
    assert_agree(cast)


def test_switched_off_the_engine_reads_the_ledger(cast, monkeypatch):
    _sample(cast, 1, d(2026, 3, 10))
    monkeypatch.setattr(rollup, "ENABLED", False)
    tree = engine.Tree.load(cast.county)
    assert rollup.values({"source": "sampling"}, tree.nodes, 202601, 202612) is None
    assert engine._ledger_values({"source": "sampling"}, tree, parse_period("2026")) == {cast.town.pk: 1}
    assert not LedgerRollup.objects.exists()


@pytest.mark.parametrize("rows", [10, 400])
def test_upkeep_after_writes_is_a_fixed_number_of_queries(cast, rows, django_assert_max_num_queries):
    from shian.supervision.tests.factories import bulk_samples

    tree = engine.Tree.load(cast.county)
    rollup.values_many(SPECS[:3], tree.nodes, 202601, 202612)  # built
    bulk_samples(cast.town, rows)  # spread over months: many marks
    assert RollupDirty.objects.exists()
    with django_assert_max_num_queries(12):  # the spec lookup, one refresh of the source, the read
        rollup.values_many(SPECS[:3], tree.nodes, 202601, 202612)
    assert not RollupDirty.objects.exists()


def test_rollups_command_builds_ahead_and_rebuild_repairs(cast):
    """`shian rollups` builds every indicator's roll-ups before any read; --rebuild recomputes rows that
    a write outside the ORM and the importer (raw SQL by hand) left stale."""
    import io

    from django.core.management import call_command
    from django.db import connection

    from shian.supervision.models import RollupSpec
    from shian.supervision.tests.factories import indicator

    _sample(cast, 1, d(2026, 3, 10))
    _sample(cast, 2, d(2026, 4, 1), region=cast.town2, result="不合格")
    indicator(numerator={"source": "sampling", "agg": "count"})
    indicator(
        code="evalpass",
        formula="ratio",
        numerator={"source": "sampling", "filters": {"task_type": "评价性抽检", "result": "合格"}},
        denominator={"source": "sampling", "filters": {"task_type": "评价性抽检"}},
    )
    out = io.StringIO()
    call_command("rollups", stdout=out)
    assert "sampling：3 个汇总口径" in out.getvalue()
    assert RollupSpec.objects.count() == 3 and LedgerRollup.objects.exists()

    with connection.cursor() as c:  # behind the marks' back
        c.execute(f"UPDATE {SamplingRecord._meta.db_table} SET result = '合格' WHERE number = 'R2'")
    spec = {"source": "sampling", "filters": {"task_type": "评价性抽检", "result": "合格"}}
    rolled, direct = _both(spec, cast.county, "2026")
    assert rolled != direct
    call_command("rollups", "--rebuild", stdout=io.StringIO())
    rolled, direct = _both(spec, cast.county, "2026")
    assert rolled == direct


def test_saving_an_indicator_builds_its_rollups_in_the_background(cast, django_capture_on_commit_callbacks):
    from shian.core.models import Job
    from shian.supervision import services
    from shian.supervision.models import IndicatorDefinition, RollupSpec

    _sample(cast, 1, d(2026, 3, 10))
    defn = IndicatorDefinition(
        code="x1",
        name="抽检量",
        formula="total",
        numerator={"source": "sampling", "filters": {"result": "合格"}},
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.save_indicator(defn, actor=cast.office_user)
    job = Job.objects.get(kind="supervision.build_rollups")
    assert job.status == Job.Status.SUCCEEDED, job.message
    assert RollupSpec.objects.filter(key=rollup.spec_key(defn.numerator)).exists()
