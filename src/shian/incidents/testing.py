"""Test and demo helpers: an incident written straight to the database."""

import datetime as dt

from shian.incidents.models import Incident


def make_incident(region, title="食物中毒事件", **fields) -> Incident:
    defaults = {
        "region": region,
        "title": title,
        "occurred_on": dt.date(2026, 6, 1),
        "kind": "poisoning",
        "level": "iv",
    }
    defaults.update(fields)
    incident = Incident(**defaults)
    incident.full_clean()
    incident.save()
    return incident
