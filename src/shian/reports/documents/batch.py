"""Many computed indicators of one region, evaluated with their ledger reads batched.

`supervision.engine.evaluate` reads the ledgers once per source of each indicator: five sampling
indicators over a half-year of a city are ten scans of the same few hundred thousand rows. Here the
sources every indicator will ask for are collected first and read with one grouped query per
(ledger, period), one conditional aggregate per source; `evaluate` then finds them ready.

The engine belongs to the supervision app and has no batch entry point yet, so the reports side
answers `engine._ledger_values` from that prefetch through a wrapper that consults a context
variable: outside `evaluate_many` (other threads, other callers) the wrapper calls the original
unchanged, and any source not prefetched falls through to it as well. If the engine's internals
change shape, batching switches itself off and the documents are computed exactly as before.
"""

from __future__ import annotations

import contextvars
import inspect
import json

from django.db import transaction
from django.db.models import Count, Sum

ENABLED = True  # the benchmark switches it off to time the one-by-one reads against the batch
_PREFETCHED: contextvars.ContextVar[dict | None] = contextvars.ContextVar("shian_ledger_prefetch", default=None)


def _engine():
    try:
        from shian.supervision import engine
    except (ImportError, LookupError):
        return None
    return engine


def _key(spec, tree_root_id, period) -> tuple:
    return (spec.get("source"), json.dumps(spec.get("filters") or {}, sort_keys=True, ensure_ascii=False, default=str),
            spec.get("agg") or "count", spec.get("field") or "", tree_root_id, period.start_ym, period.end_ym)


def _install(engine) -> bool:
    """Wrap `engine._ledger_values` once so that it answers from the prefetch when one is active."""
    original = getattr(engine, "_ledger_values", None)
    if original is None or not hasattr(engine, "LEDGER_MODELS") or not hasattr(engine, "_filters_q"):
        return False
    if getattr(original, "_shian_batched", False):
        return True

    def _ledger_values(spec, tree, period):
        cache = _PREFETCHED.get()
        if cache is not None:
            hit = cache.get(_key(spec, tree.root.pk, period))
            if hit is not None:
                return dict(hit)
        return original(spec, tree, period)

    _ledger_values._shian_batched = True
    _ledger_values.__wrapped__ = original
    engine._ledger_values = _ledger_values
    return True


def _sources(engine, defn, period):
    """(spec, period) of every ledger source `evaluate(defn, …, period)` reads (as the engine does)."""
    formula = defn.formula
    out = [(defn.numerator or {}, period)]
    if formula == "ratio":
        out.append((defn.denominator or {}, period))
    elif formula == "share_of_target":
        out.append((defn.denominator or {}, engine.parse_period(str(period.year))))
    elif formula == "yoy":
        out.append((defn.numerator or {}, period.shifted_years(-1)))
    return [(s, p) for s, p in out if s.get("source") in engine.LEDGER_MODELS]


def prefetch(engine, tree, wanted) -> dict:
    """{key: {region_id: Decimal}} for the wanted (spec, period) pairs: one query per (ledger, period)."""
    from decimal import Decimal

    groups: dict[tuple, dict] = {}
    for spec, period in wanted:
        key = _key(spec, tree.root.pk, period)
        groups.setdefault((spec["source"], period.start_ym, period.end_ym), {})[key] = spec
    ids = list(tree.nodes)
    out = {}
    for (source, start, end), specs in groups.items():
        model = engine.LEDGER_MODELS[source]
        aggs = {}
        for i, spec in enumerate(specs.values()):
            q = engine._filters_q(model, spec.get("filters") or {})
            aggs[f"v{i}"] = (Sum(spec["field"], filter=q) if spec.get("agg") == "sum" else Count("pk", filter=q))
        rows = (model.objects.filter(region_id__in=ids, ym__gte=start, ym__lte=end).order_by()
                .values("region_id").annotate(**aggs))
        keys = list(specs)
        for key in keys:
            out[key] = {}
        for row in rows:
            for i, key in enumerate(keys):
                v = row[f"v{i}"]
                if v:  # the engine leaves out regions without matching rows; they roll up as 0 either way
                    out[key][row["region_id"]] = Decimal(v)
    return out


def evaluate_many(pairs, region):
    """[(defn, Evaluation | None)] for [(defn, period)] of `region`; None where a definition fails
    (one bad definition must not sink a whole document or dashboard)."""
    engine = _engine()
    if engine is None:
        return []
    pairs = list(pairs)
    tree = engine.Tree.load(region) if hasattr(engine, "Tree") else None
    takes_tree = tree is not None and "tree" in inspect.signature(engine.evaluate).parameters
    cache = None
    if ENABLED and tree is not None and _install(engine):
        wanted = []
        for defn, period in pairs:
            try:
                wanted += _sources(engine, defn, engine.parse_period(period) if isinstance(period, str) else period)
            except Exception:  # noqa: BLE001 — left to evaluate() below, which reports it the usual way
                continue
        try:
            with transaction.atomic():  # a savepoint: a failed batch must not poison the caller's transaction
                cache = prefetch(engine, tree, wanted)
        except Exception:  # noqa: BLE001 — a source the batch cannot express: read one by one as before
            cache = None
    token = _PREFETCHED.set(cache)
    try:
        out = []
        for defn, period in pairs:
            try:
                ev = engine.evaluate(defn, region, period, tree=tree) if takes_tree else engine.evaluate(defn, region, period)
            except Exception:  # noqa: BLE001
                ev = None
            out.append((defn, ev))
        return out
    finally:
        _PREFETCHED.reset(token)
