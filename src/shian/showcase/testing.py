"""Test helpers: a project of the cast's campaign, written straight to the database."""

import datetime as dt

from shian.showcase.models import Milestone, Project

TEXTS = {"practice": "做法", "results": "成效", "innovation": "创新", "replicability": "可复制"}


def make_project(campaign, lead_unit, title="智慧食安", complete=False, **fields) -> Project:
    defaults = {"campaign": campaign, "title": title, "direction": "innovation", "lead_unit": lead_unit}
    if complete:
        defaults.update(TEXTS)
    defaults.update(fields)
    p = Project(**defaults)
    p.full_clean()
    p.save()
    if complete:
        Milestone.objects.create(project=p, title="方案印发", due_on=dt.date(2026, 1, 1))
    return p
