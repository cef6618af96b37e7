"""Many computed indicators of one region, evaluated with their ledger reads batched.

`supervision.engine.evaluate` reads the ledgers once per source of each indicator: five sampling
indicators over a half-year of a city are ten scans of the same few hundred thousand rows. Here the
sources every indicator will ask for are collected first and read with one grouped query per
(ledger, period), one conditional aggregate per source; `evaluate` then finds them ready.

The prefetch is handed to the engine through `engine.PREFETCHED` (a context variable): outside
`evaluate_many` (other threads, other callers) nothing changes, and any source not prefetched is read
by the engine as usual. Documents and the dashboard use this for their many figures.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Count

from shian.supervision import engine, rollup

ENABLED = True  # the benchmark switches it off to time the one-by-one reads against the batch


def _sources(defn, period):
    """(spec, period) of every ledger source `evaluate(defn, …, period)` reads (as the engine does)."""
    formula = defn.formula
    out = [(defn.numerator or {}, period)]
    if formula == "ratio":
        out.append((defn.denominator or {}, period))
    elif formula == "share_of_target":
        out.append((defn.denominator or {}, engine.parse_period(str(period.year))))
    elif formula == "yoy":
        out.append((defn.numerator or {}, period.shifted_years(-1)))
    return [(s, p) for s, p in out if s.get("source") in engine.LEDGER_MODELS or s.get("source") == "metric"]


def prefetch(tree, wanted) -> dict:
    """{key: {region_id: Decimal}} for the wanted (spec, period) pairs: one query per (ledger, period)."""
    from decimal import Decimal

    out = _prefetch_metrics(tree, [(s, p) for s, p in wanted if s.get("source") == "metric"])
    wanted = [(s, p) for s, p in wanted if s.get("source") != "metric"]
    groups: dict[tuple, dict] = {}
    for spec, period in wanted:
        key = engine.source_key(spec, tree.root.pk, period)
        groups.setdefault((spec["source"], period.start_ym, period.end_ym), {})[key] = spec
    ids = list(tree.nodes)
    for (source, start, end), specs in groups.items():
        rolled = rollup.values_many(list(specs.values()), ids, start, end)
        if rolled is not None:  # pre-aggregated per region and month (supervision/rollup.py)
            for key, spec in specs.items():
                out[key] = rolled[rollup.spec_key(spec)]
            continue
        model = engine.LEDGER_MODELS[source]
        aggs = {}
        for i, spec in enumerate(specs.values()):
            q = engine._filters_q(model, spec.get("filters") or {})
            aggs[f"v{i}"] = (
                engine.sum_of(spec["field"], filter=q) if spec.get("agg") == "sum" else Count("pk", filter=q)
            )
        rows = (
            model.objects.filter(region_id__in=ids, ym__gte=start, ym__lte=end)
            .order_by()
            .values("region_id")
            .annotate(**aggs)
        )
        keys = list(specs)
        for key in keys:
            out[key] = {}
        for row in rows:
            for i, key in enumerate(keys):
                v = row[f"v{i}"]
                if v:  # the engine leaves out regions without matching rows; they roll up as 0 either way
                    out[key][row["region_id"]] = Decimal(v)
    return out


def _prefetch_metrics(tree, wanted) -> dict:
    """Metric sources as `engine._metric_values` reads them: one query for the metrics, one for the values
    of all of them over the widest period asked, then split per (metric, period) here."""
    from shian.supervision.choices import MetricAggregation
    from shian.supervision.models import Metric, MetricValue

    if not wanted:
        return {}
    codes = {spec.get("metric") for spec, _ in wanted}
    metrics = {m.code: m for m in Metric.objects.filter(code__in=codes)}
    if len(metrics) != len(codes):
        raise LookupError("unknown metric")  # evaluate_many falls back to the engine, which reports it
    start = min(p.start_ym for _, p in wanted)
    end = max(p.end_ym for _, p in wanted)
    rows = list(
        MetricValue.objects.filter(
            metric__in=metrics.values(), region_path__startswith=tree.root.path, ym__gte=start, ym__lte=end
        )
        .order_by("metric_id", "region_id", "-ym")
        .values_list("metric_id", "region_id", "ym", "value")
    )
    out = {}
    for spec, period in wanted:
        metric = metrics[spec["metric"]]
        values = {}
        for mid, rid, ym, v in rows:
            if mid != metric.pk or not (period.start_ym <= ym <= period.end_ym):
                continue
            if metric.aggregation == MetricAggregation.SUM:
                if v is not None:  # SUM() skips NULLs
                    values[rid] = values.get(rid, 0) + v
            else:
                values.setdefault(rid, v)  # rows come newest first: the latest value of the period
        out[engine.metric_key(spec, tree.root.pk, period)] = values
    return out


def evaluate_many(pairs, region):
    """[(defn, Evaluation | None)] for [(defn, period)] of `region`; None where a definition fails
    (one bad definition must not sink a whole document or dashboard).

    The values are cached until any business data changes (shian.core.cache: ledger imports and
    corrections, metric entry and definition edits all write the audit log)."""
    from shian.core.cache import cached

    pairs = list(pairs)
    if not pairs:
        return []
    parts = [region.pk, *((defn.pk, defn.version, str(getattr(p, "code", p))) for defn, p in pairs)]
    evaluations = cached("indicators", parts, lambda: [ev for _, ev in _evaluate_many(pairs, region)])
    return list(zip([defn for defn, _ in pairs], evaluations, strict=True))


def _evaluate_many(pairs, region):
    tree = engine.Tree.load(region)
    cache = None
    if ENABLED:
        wanted = []
        for defn, period in pairs:
            try:
                wanted += _sources(defn, engine.parse_period(period) if isinstance(period, str) else period)
            except Exception:  # noqa: BLE001 — left to evaluate() below, which reports it the usual way
                continue
        try:
            with transaction.atomic():  # a savepoint: a failed batch must not poison the caller's transaction
                cache = prefetch(tree, wanted)
        except Exception:  # noqa: BLE001 — a source the batch cannot express: read one by one as before
            cache = None
    token = engine.PREFETCHED.set(cache)
    try:
        out = []
        for defn, period in pairs:
            try:
                ev = engine.evaluate(defn, region, period, tree=tree)
            except Exception:  # noqa: BLE001
                ev = None
            out.append((defn, ev))
        return out
    finally:
        engine.PREFETCHED.reset(token)
