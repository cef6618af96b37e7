"""Each signal from the lower apps, computed over a period, answered per subject (township units for
area figures), and the 降级 situation from a veto-type incident."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from shian.organisation.models import Unit
from shian.rankings import builtin_signals as bs
from shian.rankings.signals import all_signals, get_signal

D = datetime.date
MAY = (D(2026, 5, 1), D(2026, 5, 31))


def _at(day, hour=10):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _town2_unit(cast):
    return Unit.objects.create(name="芦溪镇人民政府", short_name="芦溪镇", kind="township", region=cast.town2)


def test_material_approval_rate_counts_reviews_in_the_period(cast):
    from shian.evidence.models import Material

    def mat(unit, status, reviewed_on):
        return Material.objects.create(
            campaign=cast.campaign,
            unit=unit,
            title="材料",
            status=status,
            submitted_at=_at(reviewed_on),
            reviewed_at=_at(reviewed_on) if status != "pending" else None,
        )

    mat(cast.edu, "approved", D(2026, 5, 3))
    mat(cast.edu, "returned", D(2026, 5, 31))
    mat(cast.edu, "approved", D(2026, 6, 1))  # next month
    mat(cast.market, "pending", D(2026, 5, 3))  # not reviewed: no data
    assert bs.material_approval(cast.campaign, *MAY) == {cast.edu.pk: 50.0}


def test_inspection_scores_average_the_visits_in_each_townships_area(cast):
    from shian.inspections.models import Visit
    from shian.inspections.testing import drawn_plan_with_visits

    plan, visits = drawn_plan_with_visits(cast)
    town_visits = [v for v in visits if v.business.region_id == cast.town.pk][:2]
    for v, score in zip(town_visits, (80, 90), strict=True):
        Visit.objects.filter(pk=v.pk).update(
            status="submitted", score=score, submitted_at=_at(D(2026, 5, 20))
        )
    late = [v for v in visits if v.business.region_id == cast.town.pk][2]
    Visit.objects.filter(pk=late.pk).update(status="submitted", score=10, submitted_at=_at(D(2026, 6, 2)))
    assert bs.inspection_scores(cast.campaign, *MAY) == {cast.town_unit.pk: 85.0}


def test_visit_compliance_reads_the_stewardship_figure_per_township(cast, monkeypatch):
    town2 = _town2_unit(cast)
    calls = []

    def fake(region, as_of):
        calls.append((region, as_of))
        return [
            {"region": cast.town, "required": 4, "done": 3, "rate": 0.75},
            {"region": cast.town2, "required": 0, "done": 2, "rate": None},
        ]

    monkeypatch.setattr(bs.stewardship_figures, "visit_compliance", fake)
    assert bs.visit_compliance(cast.campaign, *MAY) == {cast.town_unit.pk: 75.0}
    assert calls == [(cast.county, D(2026, 5, 31))] and town2.pk


def test_survey_rates_by_township(cast):
    from shian.surveys.models import Response, Survey

    survey = Survey.objects.create(campaign=cast.campaign, kind="satisfaction", title="满意度调查")
    for positive, day in ((True, 3), (True, 4), (False, 5), (False, 5)):
        Response.objects.create(
            survey=survey, township=cast.town, submitted_on=D(2026, 5, day), score=1, positive=positive
        )
    Response.objects.create(
        survey=survey, township=cast.town, submitted_on=D(2026, 6, 1), score=1, positive=True
    )
    assert get_signal("survey_satisfaction").compute(cast.campaign, *MAY) == {cast.town_unit.pk: 50.0}


def test_an_indicator_is_a_signal_against_its_target(cast):
    from shian.supervision.tests.factories import indicator, sample

    town2 = _town2_unit(cast)
    indicator("town_samples", name="抽检批次", formula="total", target=4, value_unit="批次")
    for i in range(4):
        sample(cast.town, D(2026, 5, 2 + i))
    sample(cast.town2, D(2026, 5, 9))
    sample(cast.town2, D(2026, 4, 9))  # the previous month
    signal = get_signal("indicator:town_samples")
    assert signal.label == "抽检批次（对标目标）" and signal.unit_kind == "township"
    assert "indicator:town_samples" in {s.key for s in all_signals()}
    assert signal.compute(cast.campaign, *MAY) == {cast.town_unit.pk: 100.0, town2.pk: 25.0}
    # the quarter is evaluated as the supervision period 2026-Q2
    assert signal.compute(cast.campaign, D(2026, 4, 1), D(2026, 6, 30))[town2.pk] == 50.0


def test_achievement_against_a_target_either_way():
    assert bs.achievement(45, 90, "gte") == 50.0 and bs.achievement(95, 90, "gte") == 100.0
    assert bs.achievement(2, 4, "lte") == 100.0 and bs.achievement(8, 4, "lte") == 50.0
    assert bs.achievement(None, 4, "gte") is None and bs.achievement(7, None, "gte") == 7.0


def test_a_veto_incident_demotes_the_township_and_the_lead_unit(cast):
    from shian.incidents.testing import make_incident

    make_incident(cast.town, occurred_on=D(2026, 5, 10), concealed=True, lead_unit=cast.market)
    make_incident(cast.town, title="一般事件", occurred_on=D(2026, 5, 11))  # not a veto
    subjects = [(cast.town_unit.pk, "潼川镇"), (cast.market.pk, "市场监管局"), (cast.edu.pk, "教育局")]
    out = bs.demotions(cast.campaign, subjects, *MAY)
    assert set(out) == {cast.town_unit.pk, cast.market.pk}
    assert "否决" in out[cast.town_unit.pk]
    assert bs.demotions(cast.campaign, subjects, D(2026, 6, 1), D(2026, 6, 30)) == {}


def _round(cast, title, deadline):
    from shian.dispatch.models import DispatchRound

    return DispatchRound.objects.create(campaign=cast.campaign, title=title, deadline=_at(deadline, 17))


def _report(rnd, unit, submitted_on=None):
    from shian.dispatch.models import DispatchReport

    return DispatchReport.objects.create(
        round=rnd,
        unit=unit,
        status="submitted" if submitted_on else "missing",
        submitted_at=_at(submitted_on, 9) if submitted_on else None,
    )


def test_three_late_rounds_running_propose_one_interview(cast, django_capture_on_commit_callbacks):
    from shian.rankings import services
    from shian.rankings.models import Interview

    rounds = [_round(cast, f"{m}月调度", D(2026, m, 10)) for m in (2, 3, 4, 5)]
    _report(rounds[0], cast.market, D(2026, 2, 9))  # on time, but three late ones follow
    for rnd, day in zip(rounds[1:], (D(2026, 3, 11), None, D(2026, 5, 12)), strict=True):
        _report(rnd, cast.market, day)
    for rnd, day in zip(rounds, (None, None, D(2026, 4, 9), None), strict=True):
        _report(rnd, cast.edu, day)  # 教育局 was on time once in the last three
    assert bs.late_rounds(cast.campaign, 3) == {cast.market.pk: ["3月调度", "4月调度", "5月调度"]}
    with pytest.raises(PermissionDenied):
        services.propose_rule_interviews(cast.campaign, actor=cast.edu_liaison)
    with django_capture_on_commit_callbacks(execute=True):
        created = services.propose_rule_interviews(cast.campaign, actor=cast.office_user)
    assert [i.unit for i in created] == [cast.market] and "连续3轮" in created[0].reason
    assert services.propose_rule_interviews(cast.campaign, actor=cast.office_user) == []  # still open
    assert Interview.objects.count() == 1


def test_a_township_failing_an_indicator_is_proposed_for_interview(cast):
    from shian.rankings import services
    from shian.supervision.tests.factories import indicator, sample

    town2 = _town2_unit(cast)
    indicator("town_samples", name="抽检批次", formula="total", target=2, value_unit="批次")
    sample(cast.town, D(2026, 5, 2))
    sample(cast.town, D(2026, 5, 3))
    sample(cast.town2, D(2026, 5, 9))
    assert bs.failed_indicators(cast.campaign, "2026") == {town2.pk: ["抽检批次"]}
    created = services.propose_rule_interviews(cast.campaign, actor=cast.office_user, indicator_period="2026")
    assert [(i.unit, i.reason) for i in created] == [(town2, "2026指标未达标（抽检批次）")]
    assert (
        services.propose_rule_interviews(cast.campaign, actor=cast.office_user, indicator_period="2026") == []
    )
