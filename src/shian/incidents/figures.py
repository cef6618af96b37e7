"""Figures other apps read (the assessment's 否决项, the documents): plain functions, no scoping — the
caller has already decided the user may see `region`."""

import datetime as dt

from shian.incidents.models import Incident


def incidents_in(region, start: dt.date, end: dt.date):
    """Incidents in `region`'s subtree that occurred within [start, end]."""
    return Incident.objects.filter(
        region__path__startswith=region.path, occurred_on__gte=start, occurred_on__lte=end
    ).select_related("region")


def veto_incidents(region, start: dt.date, end: dt.date) -> list[Incident]:
    """The incidents that trigger a 否决项 for `region` over the criteria's period [start, end]."""
    return list(incidents_in(region, start, end).vetoing().order_by("occurred_on", "id"))


def incident_counts(region, start: dt.date, end: dt.date) -> dict:
    """{"total": n, "veto": n, "by_level": {label: n}, "by_kind": {label: n}} for the period."""
    rows = list(incidents_in(region, start, end))
    by_level, by_kind = {}, {}
    for row in rows:
        by_level[row.get_level_display()] = by_level.get(row.get_level_display(), 0) + 1
        by_kind[row.get_kind_display()] = by_kind.get(row.get_kind_display(), 0) + 1
    return {
        "total": len(rows),
        "veto": sum(1 for r in rows if r.triggers_veto),
        "by_level": by_level,
        "by_kind": by_kind,
    }
