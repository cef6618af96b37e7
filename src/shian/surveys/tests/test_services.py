import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from shian.surveys import services
from shian.surveys.figures import quota_fill, rates_by_township, survey_rates
from shian.surveys.models import DeviceMark, Response


@pytest.fixture
def survey(cast):
    return services.create_survey(cast.campaign, actor=cast.office_user, kind="satisfaction")


def all_answers(survey, index):
    return {str(q.seq): index for q in survey.questions.all()}


def test_template_questionnaire_with_scores(survey):
    assert survey.questions.count() == 8
    q = survey.questions.first()
    assert [o["score"] for o in q.options] == [100, 80, 60, 30, 0]


def test_only_the_office_of_the_region_creates(cast):
    for user in (cast.other_office_user, cast.leader, cast.edu_liaison):
        with pytest.raises(PermissionDenied):
            services.create_survey(cast.campaign, actor=user, kind="satisfaction")


def test_score_and_positive(survey, cast):
    link = services.create_link(survey, actor=cast.office_user, township=cast.town)
    r = services.submit_response(link, all_answers(survey, 1), device="d" * 22)
    assert r.score == Decimal("80.00") and r.positive and r.township == cast.town
    r2 = services.submit_response(link, all_answers(survey, 3), device="e" * 22)
    assert r2.score == Decimal("30.00") and not r2.positive


def test_missing_answer_names_the_question(survey, cast):
    link = services.create_link(survey, actor=cast.office_user, township=cast.town)
    answers = all_answers(survey, 0)
    del answers["3"]
    with pytest.raises(ValidationError, match="第3题"):
        services.submit_response(link, answers, device="d" * 22)
    answers["3"] = 9
    with pytest.raises(ValidationError, match="第3题的选项无效"):
        services.submit_response(link, answers, device="d" * 22)
    assert not Response.objects.exists() and not DeviceMark.objects.exists()


def test_one_answer_per_device(survey, cast):
    link = services.create_link(survey, actor=cast.office_user, township=cast.town)
    services.submit_response(link, all_answers(survey, 0), device="a" * 22)
    with pytest.raises(ValidationError, match="已提交过"):
        services.submit_response(link, all_answers(survey, 0), device="a" * 22)
    assert survey.responses.count() == 1
    # Another survey accepts the same device; the mark is a keyed hash, not the token.
    other = services.create_survey(cast.campaign, actor=cast.office_user, kind="support")
    services.submit_response(
        services.create_link(other, actor=cast.office_user),
        all_answers(other, 0),
        device="a" * 22,
        township=cast.town,
    )
    marks = set(DeviceMark.objects.values_list("fingerprint", flat=True))
    assert len(marks) == 2 and "a" * 22 not in marks


def test_answers_are_unlinkable_to_devices():
    fields = {f.name for f in Response._meta.get_fields()}
    assert not fields & {"device", "fingerprint", "token", "ip", "address", "link"}
    assert {f.related_model for f in DeviceMark._meta.get_fields() if f.is_relation} == {
        f.related_model for f in DeviceMark._meta.get_fields() if f.name == "survey"
    }


def test_quota_arithmetic_and_closing(survey, cast):
    services.set_quota(survey, cast.town, 2, actor=cast.office_user)
    services.set_quota(survey, cast.town2, 5, actor=cast.office_user)
    link = services.create_link(survey, actor=cast.office_user)
    for i in range(2):
        services.submit_response(link, all_answers(survey, 0), device=f"{i}" * 22, township=cast.town)
    with pytest.raises(ValidationError, match="满额"):
        services.submit_response(link, all_answers(survey, 0), device="x" * 22, township=cast.town)
    services.submit_response(link, all_answers(survey, 4), device="y" * 22, township=cast.town2)
    fill = {row["township"]: (row["target"], row["done"], row["share"]) for row in quota_fill(survey)}
    assert fill[cast.town] == (2, 2, 1.0)
    assert fill[cast.town2] == (5, 1, 0.2)
    # The refused answer left no device mark: that phone may answer for another township.
    assert DeviceMark.objects.filter(survey=survey).count() == 3


def test_quota_refuses_a_township_outside_or_a_bad_target(survey, cast):
    with pytest.raises(ValidationError):
        services.set_quota(survey, cast.county, 3, actor=cast.office_user)
    with pytest.raises(ValidationError, match="目标样本量"):
        services.set_quota(survey, cast.town, 0, actor=cast.office_user)
    with pytest.raises(PermissionDenied):
        services.set_quota(survey, cast.town, 3, actor=cast.other_office_user)


def test_closed_survey_refuses(survey, cast):
    link = services.create_link(survey, actor=cast.office_user, township=cast.town)
    services.set_open(survey, False, actor=cast.office_user, expected_version=survey.version)
    with pytest.raises(ValidationError, match="停止收集"):
        services.submit_response(link, all_answers(survey, 0), device="a" * 22)


def test_rates_by_township_and_period(survey, cast):
    link = services.create_link(survey, actor=cast.office_user)
    day = datetime.date(2026, 5, 1)
    for i, (town, idx) in enumerate([(cast.town, 0), (cast.town, 4), (cast.town2, 1), (cast.town2, 0)]):
        services.submit_response(link, all_answers(survey, idx), device=f"{i}" * 22, township=town, today=day)
    rows = {r.region_id: r for r in rates_by_township(cast.campaign, "satisfaction", day, day)}
    assert (rows[cast.town.pk].n, rows[cast.town.pk].positive) == (2, 1)
    assert rows[cast.town2.pk].rate == 1.0
    assert rates_by_township(cast.campaign, "satisfaction", day + datetime.timedelta(days=1)) == []
    overall, _ = survey_rates(survey)
    assert (overall.n, overall.positive) == (4, 3)


def test_apply_to_assessment(survey, cast):
    from shian.scoring.services import create_assessment

    assessment = create_assessment(cast.campaign, actor=cast.office_user, title="自评", kind="self")
    link = services.create_link(survey, actor=cast.office_user, township=cast.town)
    for i, idx in enumerate((0, 0, 0, 4)):
        services.submit_response(link, all_answers(survey, idx), device=f"{i}" * 22)
    services.apply_to_assessment(
        survey, assessment, actor=cast.office_user, expected_version=assessment.version
    )
    assessment.refresh_from_db()
    assert assessment.satisfaction == Decimal("0.7500")


def test_quiz_for_a_unit(cast):
    quiz = services.create_survey(cast.campaign, actor=cast.edu_liaison, kind="quiz", unit=cast.edu)
    assert quiz.threshold == 80
    link = services.create_link(quiz, actor=cast.edu_liaison, unit=cast.edu)
    key = {str(q.seq): next(i for i, o in enumerate(q.options) if o["correct"]) for q in quiz.questions.all()}
    with pytest.raises(ValidationError, match="姓名"):
        services.submit_response(link, key, device="a" * 22)
    r = services.submit_response(link, key, device="a" * 22, respondent="张三")
    assert r.score == 100 and r.positive and r.unit == cast.edu
    with pytest.raises(PermissionDenied):
        services.create_survey(cast.campaign, actor=cast.other_liaison, kind="quiz", unit=cast.edu)


def test_most_missed_questions(cast):
    from shian.surveys.figures import most_missed, pass_by_unit

    quiz = services.create_survey(cast.campaign, actor=cast.office_user, kind="quiz")
    link = services.create_link(quiz, actor=cast.office_user, unit=cast.edu)
    qs = list(quiz.questions.all())
    key = {str(q.seq): next(i for i, o in enumerate(q.options) if o["correct"]) for q in qs}
    wrong2 = {**key, "2": (key["2"] + 1) % 4}
    services.submit_response(link, key, device="a" * 22, respondent="甲")
    services.submit_response(link, wrong2, device="b" * 22, respondent="乙")
    services.submit_response(link, {**wrong2, "5": (key["5"] + 1) % 4}, device="c" * 22, respondent="丙")
    rows = most_missed(quiz)
    assert [(r["question"].seq, r["missed"]) for r in rows] == [(2, 2), (5, 1)]
    assert rows[0]["share"] == pytest.approx(2 / 3)
    (unit,) = pass_by_unit(quiz)
    # 8 questions: one wrong → 87.5 (pass at 80), two wrong → 75 (fail)
    assert (unit.label, unit.n, unit.positive) == (cast.edu.name, 3, 2)
