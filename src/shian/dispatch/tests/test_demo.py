"""The demo populators of workplan and dispatch run on a small organisation and leave consistent data."""

import random
from types import SimpleNamespace

import pytest
from django.utils import timezone

from shian.dispatch import services
from shian.dispatch.choices import RoundStatus
from shian.dispatch.models import DispatchRound
from shian.workplan.models import Task

pytestmark = pytest.mark.django_db


def test_demo_populates_tasks_and_three_rounds(cast):
    Task.objects.filter(campaign=cast.campaign).delete()
    users = {
        "office": cast.office_user,
        "edu": cast.edu_liaison,
        "market": cast.market_liaison,
        "town": cast.town_liaison,
    }
    ctx = SimpleNamespace(
        campaign=cast.campaign,
        framework=cast.framework,
        county=cast.county,
        office=cast.office,
        member_units=[cast.edu, cast.market],
        township_units=[cast.town_unit],
        users=users,
        admin=cast.admin,
        today=timezone.localdate(),
        rng=random.Random(2024),
    )
    from shian.dispatch import demo as dispatch_demo
    from shian.workplan import demo as workplan_demo

    workplan_demo.populate(ctx)
    assert Task.objects.filter(campaign=cast.campaign, parent__isnull=True).count() == 5
    dispatch_demo.populate(ctx)
    rounds = list(DispatchRound.objects.filter(campaign=cast.campaign).order_by("opened_at"))
    assert [r.status for r in rounds] == [RoundStatus.CLOSED, RoundStatus.CLOSED, RoundStatus.OPEN]
    for r in rounds[:2]:
        assert r.deadline < timezone.now()
        s = services.round_summary(r)
        assert s["total"] == len(s["on_time"]) + len(s["late"]) + len(s["missing"]) > 0
    # Every submitted report of a closed round has a submission time and a narrative.
    for r in rounds[:2]:
        for rep in r.reports.filter(status="submitted"):
            assert rep.submitted_at and rep.narrative
