"""The completeness matrix: every requirement of a campaign's framework with its coverage status
(missing / uploaded / approved / returned / out-of-period), the points at stake, and its files.

A constant number of queries whatever the size: requirements (with items, indicators, categories,
providers), the items' lead units, and the user's materials.
"""

from collections import OrderedDict
from dataclasses import dataclass, field
from decimal import Decimal

from shian.evidence.choices import COVERAGE_CSS, Coverage, Flag, MaterialStatus
from shian.framework.choices import UnitRole
from shian.framework.models import ItemUnit, ScoringItem
from shian.organisation.choices import Role


@dataclass
class Cell:
    requirement: object
    unit: object
    status: str
    materials: list = field(default_factory=list)

    @property
    def label(self):
        return Coverage(self.status).label

    @property
    def css(self):
        return COVERAGE_CSS[self.status]

    @property
    def points(self) -> Decimal:
        return self.requirement.item.points

    @property
    def is_gap(self):
        return self.status != Coverage.APPROVED


# A pending file flagged with one of these is no evidence at all: it does not make a requirement "uploaded".
NOT_EVIDENCE = {Flag.EMPTY, Flag.UNREADABLE}


def _is_void(material) -> bool:
    return material.status == MaterialStatus.PENDING and any(
        f.get("code") in NOT_EVIDENCE for f in material.flags
    )


def coverage_of(materials) -> str:
    """A requirement is green only when every material filed under it is approved: a returned
    file is still a gap until fixed, a pending one still awaits the reviewer. Pending files that
    are empty or unreadable do not count (a blank scan is still a missing material)."""
    materials = [m for m in materials if not _is_void(m)]
    if not materials:
        return Coverage.MISSING
    statuses = {m.status for m in materials}
    if MaterialStatus.RETURNED in statuses:
        return Coverage.RETURNED
    pending = [m for m in materials if m.status == MaterialStatus.PENDING]
    if pending:
        if all(any(f.get("code") == Flag.OUT_OF_PERIOD for f in m.flags) for m in pending):
            return Coverage.OUT_OF_PERIOD
        return Coverage.UPLOADED
    return Coverage.APPROVED


def build_matrix(campaign, user, unit_id=None) -> dict:
    from shian.evidence.models import Material
    from shian.evidence.services import requirements_for

    reqs = list(requirements_for(campaign))
    expert = user.role == Role.EXPERT and not user.is_admin
    if expert:  # a review group's expert sees the requirements of the items their groups hold, nothing else
        held = set(
            ScoringItem.objects.filter(
                review_groups__members=user, review_groups__assessment__campaign=campaign
            ).values_list("pk", flat=True)
        )  # through the relation: evidence sits below scoring
        reqs = [r for r in reqs if r.item_id in held]
    leads = {}
    for a in ItemUnit.objects.filter(item__in={r.item_id for r in reqs}, role=UnitRole.LEAD).select_related(
        "unit"
    ):
        leads.setdefault(a.item_id, a.unit)
    materials = (
        Material.objects.restrict(user, "view")
        .filter(campaign=campaign, requirement__isnull=False)
        .select_related("unit", "current")
        .order_by("submitted_at", "id")
    )
    by_req = {}
    for m in materials:
        by_req.setdefault(m.requirement_id, []).append(m)
    own_only = not (user.is_admin or user.region_scope is not None or expert)
    cells = []
    for req in reqs:
        unit = req.provider or leads.get(req.item_id)
        ms = by_req.get(req.pk, [])
        if unit_id and (unit is None or unit.pk != unit_id) and not any(m.unit_id == unit_id for m in ms):
            continue
        if own_only and (unit is None or unit.pk != user.unit_id) and not ms:
            continue
        if unit_id:
            ms = [m for m in ms if m.unit_id == unit_id]
        cells.append(Cell(req, unit, coverage_of(ms), ms))

    indicators = OrderedDict()
    for cell in cells:
        indicator = cell.requirement.item.indicator
        group = indicators.setdefault(
            indicator.pk,
            {"indicator": indicator, "category": indicator.category, "cells": [], "gap_items": {}},
        )
        group["cells"].append(cell)
        if cell.is_gap:
            group["gap_items"][cell.requirement.item_id] = cell.points
    for group in indicators.values():
        group["points_at_stake"] = sum(group["gap_items"].values(), Decimal(0))
        group["complete"] = not group["gap_items"]

    units = OrderedDict()
    for cell in cells:
        key = cell.unit.pk if cell.unit else 0
        row = units.setdefault(
            key, {"unit": cell.unit, "counts": dict.fromkeys(Coverage.values, 0), "total": 0, "gap_items": {}}
        )
        row["counts"][cell.status] += 1
        row["total"] += 1
        if cell.is_gap:
            row["gap_items"][cell.requirement.item_id] = cell.points
    unit_rows = sorted(
        units.values(),
        key=lambda r: (
            r["unit"] is None,
            r["unit"].sort_order if r["unit"] else 0,
            r["unit"].name if r["unit"] else "",
        ),
    )
    for row in unit_rows:
        row["points_at_stake"] = sum(row["gap_items"].values(), Decimal(0))
        row["count_list"] = [
            (s, Coverage(s).label, COVERAGE_CSS[s], row["counts"][s]) for s in Coverage.values
        ]

    totals = dict.fromkeys(Coverage.values, 0)
    gap_items = {}
    for cell in cells:
        totals[cell.status] += 1
        if cell.is_gap:
            gap_items[cell.requirement.item_id] = cell.points
    return {
        "cells": cells,
        "indicators": list(indicators.values()),
        "units": unit_rows,
        "totals": [(s, Coverage(s).label, COVERAGE_CSS[s], totals[s]) for s in Coverage.values],
        "total": len(cells),
        "points_at_stake": sum(gap_items.values(), Decimal(0)),
        "complete": bool(cells) and not gap_items,
    }
