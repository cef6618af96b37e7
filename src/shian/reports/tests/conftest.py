"""Data the document tests share: a dispatch round of the cast's county with on-time, late and
missing reports, and a self-assessment / provincial review with scores, a deduction and gate answers."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone


@pytest.fixture(autouse=True)
def tasks_since_campaign_start(request):
    """The cast's tasks were made when its campaigns started (documents count tasks as of their date,
    so a task created by the fixture "now" would not exist for last month's 简报)."""
    from shian.workplan.models import Task

    if "cast" not in request.fixturenames:
        return
    cast = request.getfixturevalue("cast")
    Task.objects.filter(campaign__in=[cast.campaign, cast.other_campaign]).update(
        created_at=timezone.make_aware(datetime.datetime.combine(cast.campaign.started_on, datetime.time(9)))
    )


@pytest.fixture
def dispatch_round(cast):
    from shian.dispatch.models import DispatchReport, DispatchRound

    # at noon Beijing time, so the reports around it fall on the days (and months) the tests expect
    # whatever the hour the suite runs
    deadline = timezone.localtime(timezone.now() - datetime.timedelta(days=2)).replace(
        hour=12, minute=0, second=0, microsecond=0
    )
    rnd = DispatchRound.objects.create(
        campaign=cast.campaign,
        title="5月创建工作调度",
        period_label="2026年5月",
        deadline=deadline,
        opened_at=deadline - datetime.timedelta(days=7),
    )
    DispatchReport.objects.create(
        round=rnd,
        unit=cast.edu,
        status="submitted",
        submitted_at=deadline - datetime.timedelta(hours=5),
        narrative="检查学校食堂32家，督促整改问题7个",
    )
    DispatchReport.objects.create(
        round=rnd,
        unit=cast.town_unit,
        status="submitted",
        submitted_at=deadline + datetime.timedelta(days=1),
        narrative="召开推进会1次",
    )
    DispatchReport.objects.create(round=rnd, unit=cast.market, status="missing")
    return rnd


@pytest.fixture
def other_round(cast):
    from shian.dispatch.models import DispatchRound

    return DispatchRound.objects.create(
        campaign=cast.other_campaign, title="盐亭调度", deadline=timezone.now()
    )


@pytest.fixture
def scored(cast):
    """Self-assessment: 1.1 → 3 (deduction 1: 权重低于3%), 1.2 → 2, 2.1 → 4, bonus 3.1 → 6; no veto;
    satisfaction 82%. Base 9 of 11, bonus 6, total 15; pass line 90 → 未达到."""
    from shian.scoring.models import Assessment, Deduction, ItemScore, VetoAnswer

    a = Assessment.objects.create(
        campaign=cast.campaign,
        kind="self",
        title="2026年自评",
        held_on=timezone.localdate(),
        satisfaction=Decimal("0.82"),
    )
    pts = dict(zip(cast.items, [Decimal(3), Decimal(2), Decimal(4), Decimal(6)], strict=True))
    scores = {item: ItemScore.objects.create(assessment=a, item=item, points=p) for item, p in pts.items()}
    Deduction.objects.create(
        score=scores[cast.items[0]], description="食品安全考核权重低于3%", points=Decimal(1)
    )
    for gate in cast.framework.gates.filter(kind="veto"):
        VetoAnswer.objects.create(assessment=a, gate=gate, occurred=False)
    return a


@pytest.fixture
def review(cast, scored):
    from shian.scoring.models import Assessment, Interview, ItemScore, ReviewGroup

    a = Assessment.objects.create(
        campaign=cast.campaign,
        kind="provincial",
        title="省级初评",
        held_on=timezone.localdate(),
        reviewer="省食品安全办",
        satisfaction=Decimal("0.8"),
    )
    for item, p in zip(cast.items, [4, 2, 5, 8], strict=True):
        ItemScore.objects.create(
            assessment=a, item=item, points=Decimal(p), evidence_ids=[1, 2] if p == 4 else [3]
        )
    group = ReviewGroup.objects.create(assessment=a, name="第一评审组", leader=cast.expert)
    group.members.add(cast.expert)
    group.items.add(*cast.items)
    Interview.objects.create(
        assessment=a, group=group, interviewee="李县长", position="县长", unit=cast.office
    )
    return a
