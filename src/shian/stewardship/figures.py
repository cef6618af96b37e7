"""包保 figures: visits done vs required per township (rankings use it)."""

import datetime

from django.db.models import Count, Q

from shian.organisation.models import Region
from shian.stewardship import services
from shian.stewardship.models import Binding, Cadre, Commitment, StewardVisit


def visit_compliance(region: Region, as_of: datetime.date) -> list[dict]:
    """Per township under `region`: visits required so far this year (each active binding's yearly
    frequency prorated to `as_of`, rounded down) and visits done in the year up to `as_of`."""
    rule_map = services.rules()
    start = datetime.date(as_of.year, 1, 1)
    elapsed = ((as_of - start).days + 1) / (365 if as_of.year % 4 else 366)
    towns = Region.objects.filter(path__startswith=region.path, level__gte=region.level + 1)
    towns = [t for t in towns if t.level == region.level + 1] or [region]
    rows = []
    for town in towns:
        bindings = Binding.objects.filter(is_active=True, business__region__path__startswith=town.path)
        required = sum(
            int(rule_map[lvl].visits_per_year * elapsed) * n
            for lvl, n in bindings.values_list("cadre__level").annotate(n=Count("id"))
            if lvl in rule_map
        )
        done = StewardVisit.objects.filter(
            Q(business__region__path__startswith=town.path), visited_on__gte=start, visited_on__lte=as_of
        ).count()
        rows.append(
            {
                "region": town,
                "required": required,
                "done": done,
                "rate": (done / required) if required else None,
            }
        )
    return rows


def _towns(region: Region) -> list:
    towns = list(Region.objects.filter(parent=region).order_by("code"))
    return towns or [region]


def commitment_coverage(region: Region, year: int) -> list[dict]:
    """Per township under `region` (county cadres under the county itself): active cadres with bindings,
    how many signed their 三张清单一承诺书 of `year`, and the rate."""
    cadres = (
        Cadre.objects.filter(is_active=True, region__path__startswith=region.path, bindings__is_active=True)
        .distinct()
        .values_list("pk", "region__path")
    )
    signed = set(
        Commitment.objects.filter(year=year, cadre__region__path__startswith=region.path)
        .exclude(signed_scan="")
        .values_list("cadre_id", flat=True)
    )
    areas = [region] + [t for t in _towns(region) if t != region]
    rows = {a.pk: {"region": a, "cadres": 0, "signed": 0} for a in areas}
    for pk, path in cadres:
        area = next((t for t in areas[1:] if path.startswith(t.path)), region)
        rows[area.pk]["cadres"] += 1
        rows[area.pk]["signed"] += pk in signed
    out = [r for r in rows.values() if r["cadres"] or r["region"] != region]
    for r in out:
        r["rate"] = r["signed"] / r["cadres"] if r["cadres"] else None
    return out
