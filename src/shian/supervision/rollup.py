"""Indicator roll-ups: ledger sources pre-aggregated per region and month.

An indicator reads a ledger source (ledger, filters, aggregate, field) over a region subtree and a run
of months. Over a city's or a province's million records that is a scan per read; here each source is
summed once per (region, month) into `LedgerRollup`, and a read sums a few thousand roll-up rows.

Kept correct by marks, not by timing: every write to a ledger — the ORM paths through
`LedgerQuerySet` and `LedgerRecord.save/delete`, the importer's raw SQL path explicitly — inserts a
`RollupDirty(source, ym)` row in the same transaction as the change. A read first recomputes the
marked months of its ledger for every kept source (one grouped query per month batch) and deletes
exactly the marks it saw, so a mark written meanwhile by another transaction survives for the next
read. A source seen for the first time is built whole. Switch off with SHIAN_ROLLUPS=0 (the
benchmark compares both).
"""

from __future__ import annotations

import hashlib
import json
import os
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Sum

ENABLED = os.environ.get("SHIAN_ROLLUPS", "1") != "0"


def spec_key(spec: dict) -> str:
    canonical = {
        "source": spec.get("source"),
        "filters": spec.get("filters") or {},
        "agg": spec.get("agg") or "count",
        "field": (spec.get("field") or "") if spec.get("agg") == "sum" else "",
    }
    text = json.dumps(canonical, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def mark_dirty(source: str | None, yms) -> None:
    """Months of `source` whose roll-ups must be recomputed (call inside the writing transaction)."""
    from shian.supervision.models import RollupDirty

    yms = {int(y) for y in yms if y}
    if source and yms:
        RollupDirty.objects.bulk_create([RollupDirty(source=source, ym=y) for y in sorted(yms)])


def _aggregates(model, specs):
    from shian.supervision.engine import _filters_q, sum_of

    return {
        f"v{spec.pk}": sum_of(spec.spec["field"], filter=_filters_q(model, spec.spec.get("filters") or {}))
        if spec.spec.get("agg") == "sum"
        else Count("pk", filter=_filters_q(model, spec.spec.get("filters") or {}))
        for spec in specs
    }


def _compute(model, specs, yms=None) -> None:
    """(Re)write the roll-up rows of `specs` for the months `yms` (None: every month)."""
    from shian.supervision.models import LedgerRollup

    if not specs:
        return
    old = LedgerRollup.objects.filter(spec__in=specs)
    rows = model.objects.order_by()
    if yms is not None:
        old = old.filter(ym__in=yms)
        rows = rows.filter(ym__in=yms)
    old.delete()
    new = []
    for row in rows.values("region_id", "ym").annotate(**_aggregates(model, specs)):
        for spec in specs:
            v = row[f"v{spec.pk}"]
            if v:
                new.append(LedgerRollup(spec=spec, region_id=row["region_id"], ym=row["ym"], value=v))
    LedgerRollup.objects.bulk_create(new, batch_size=5000)


def refresh(source: str) -> None:
    """Recompute the marked months of `source` for every kept spec, and delete exactly those marks."""
    from shian.supervision.engine import LEDGER_MODELS
    from shian.supervision.models import RollupDirty, RollupSpec

    with transaction.atomic():
        marks = list(RollupDirty.objects.filter(source=source).values_list("pk", "ym"))
        if not marks:
            return
        specs = list(RollupSpec.objects.filter(source=source))
        _compute(LEDGER_MODELS[source], specs, sorted({ym for _, ym in marks}))
        RollupDirty.objects.filter(pk__in=[pk for pk, _ in marks]).delete()


def _kept(specs: list[dict]) -> dict:
    """{spec_key: RollupSpec} for `specs`, fresh: one query when nothing changed; marked months are
    recomputed and specs never asked for before are built whole, one grouped query per source."""
    from shian.supervision.engine import LEDGER_MODELS
    from shian.supervision.models import RollupDirty, RollupSpec

    wanted = {spec_key(s): s for s in specs}
    dirty = RollupDirty.objects.filter(source=OuterRef("source"))
    found = {r.key: r for r in RollupSpec.objects.filter(key__in=list(wanted)).annotate(dirty=Exists(dirty))}
    missing = {k: s for k, s in wanted.items() if k not in found}
    # A source gaining specs is refreshed first, so the marks it holds are spent on the specs it had.
    for source in sorted(
        {r.source for r in found.values() if r.dirty} | {s["source"] for s in missing.values()}
    ):
        refresh(source)
    by_source: dict[str, list] = {}
    for key, spec in missing.items():
        by_source.setdefault(spec["source"], []).append(
            RollupSpec(source=spec["source"], key=key, spec=json.loads(json.dumps(spec, default=str)))
        )
    for source, new in sorted(by_source.items()):
        with transaction.atomic():
            created = RollupSpec.objects.bulk_create(new)
            if any(r.pk is None for r in created):  # a backend without RETURNING
                created = list(RollupSpec.objects.filter(key__in=[r.key for r in new]))
            _compute(LEDGER_MODELS[source], created)
            found.update({r.key: r for r in created})
    return found


def definition_specs(definitions) -> list[dict]:
    """The ledger sources the definitions read (numerator, denominator), as roll-up specs."""
    from shian.supervision.engine import LEDGER_MODELS

    specs = []
    for defn in definitions:
        for spec in (defn.numerator or {}, defn.denominator or {}):
            model = LEDGER_MODELS.get(spec.get("source"))
            if model is not None and hasattr(model, "source"):
                specs.append(spec)
    return specs


def build(specs: list[dict], *, rebuild: bool = False) -> dict[str, int]:
    """Roll-ups of `specs` made ready ahead of the first read (the `shian rollups` command, the job
    after an indicator is saved); `rebuild` drops and recomputes them. {source: specs kept}."""
    from shian.supervision.models import RollupSpec

    if rebuild:
        RollupSpec.objects.filter(key__in=[spec_key(s) for s in specs]).delete()
    kept = _kept(specs)
    counts: dict[str, int] = {}
    for row in kept.values():
        counts[row.source] = counts.get(row.source, 0) + 1
    return counts


def values(spec: dict, region_ids, start_ym: int, end_ym: int) -> dict | None:
    """{region_id: Decimal} of `spec` over the months, for the regions given (rows on those regions only);
    None when the roll-up cannot answer now (the caller reads the ledger instead)."""
    many = values_many([spec], region_ids, start_ym, end_ym)
    return None if many is None else many[spec_key(spec)]


def values_many(specs: list[dict], region_ids, start_ym: int, end_ym: int) -> dict[str, dict] | None:
    """`values` for several specs of one period at once: {spec_key: {region_id: Decimal}}, two queries."""
    from shian.supervision.engine import LEDGER_MODELS
    from shian.supervision.models import LedgerRollup

    if not ENABLED or not specs:
        return None
    if any(getattr(LEDGER_MODELS[s["source"]], "source", None) != s["source"] for s in specs):
        return None  # a ledger that does not mark its writes (another app's source) is read directly
    try:
        rollups = _kept(specs)
    except IntegrityError:  # another request is building the same source right now
        return None
    by_pk = {r.pk: k for k, r in rollups.items()}
    out = {k: {} for k in rollups}
    rows = (
        LedgerRollup.objects.filter(
            spec_id__in=list(by_pk), ym__gte=start_ym, ym__lte=end_ym, region_id__in=list(region_ids)
        )
        .order_by()
        .values("spec_id", "region_id")
        .annotate(v=Sum("value"))
        .values_list("spec_id", "region_id", "v")
    )
    for spec_id, rid, v in rows:
        out[by_pk[spec_id]][rid] = Decimal(v)
    return out
