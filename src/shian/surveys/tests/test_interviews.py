"""Interviewer mode: assignments, call outcomes, answers entered on the respondent's behalf, response rates."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from shian.surveys import services
from shian.surveys.figures import response_rates
from shian.surveys.models import CallRecord, Response


@pytest.fixture
def survey(cast):
    return services.create_survey(cast.campaign, actor=cast.office_user, kind="satisfaction")


@pytest.fixture
def assignment(survey, cast):
    return services.assign_interviewer(survey, cast.town_liaison, actor=cast.office_user, channel="phone")


def answers(survey, index=1):
    return {str(q.seq): index for q in survey.questions.current()}


def test_only_the_office_assigns_people_of_its_own_county(survey, cast):
    with pytest.raises(PermissionDenied):
        services.assign_interviewer(survey, cast.town_liaison, actor=cast.leader)
    with pytest.raises(ValidationError, match="范围"):
        services.assign_interviewer(survey, cast.other_liaison, actor=cast.office_user)
    with pytest.raises(ValidationError, match="电话或入户"):
        services.assign_interviewer(survey, cast.town_liaison, actor=cast.office_user, channel="link")
    with pytest.raises(ValidationError, match="领导账号，不能担任访问员"):
        services.assign_interviewer(survey, cast.leader, actor=cast.office_user)
    assert not survey.interviewers.exists()


def test_an_answered_call_stores_the_answers_in_the_interviewers_channel(survey, assignment, cast):
    call = services.record_call(
        assignment,
        "answered",
        actor=cast.town_liaison,
        answers=answers(survey),
        township=cast.town,
        age_group="45_59",
    )
    r = Response.objects.get()
    assert call.outcome == "answered" and r.channel == "phone" and r.township == cast.town
    assert r.age_group == "45_59" and r.score == 80 and r.positive


def test_other_outcomes_store_only_the_outcome(survey, assignment, cast):
    for outcome in ("refused", "invalid", "no_answer"):
        services.record_call(assignment, outcome, actor=cast.town_liaison)
    assert CallRecord.objects.count() == 3 and not Response.objects.exists()


def test_an_answered_call_needs_a_complete_questionnaire_and_a_township(survey, assignment, cast):
    with pytest.raises(ValidationError, match="乡镇"):
        services.record_call(assignment, "answered", actor=cast.town_liaison, answers=answers(survey))
    partial = answers(survey)
    del partial["2"]
    with pytest.raises(ValidationError, match="第2题"):
        services.record_call(
            assignment, "answered", actor=cast.town_liaison, answers=partial, township=cast.town
        )
    assert not CallRecord.objects.exists() and not Response.objects.exists()


def test_only_the_assigned_interviewer_records(survey, assignment, cast):
    for user in (cast.office_user, cast.edu_liaison):
        with pytest.raises(PermissionDenied):
            services.record_call(assignment, "refused", actor=user)
    with pytest.raises(ValidationError, match="结果"):
        services.record_call(assignment, "busy", actor=cast.town_liaison)


def test_response_rate_leaves_out_invalid_numbers(survey, assignment, cast):
    for _ in range(2):
        services.record_call(
            assignment, "answered", actor=cast.town_liaison, answers=answers(survey), township=cast.town
        )
    for outcome in ("refused", "invalid", "no_answer"):
        services.record_call(assignment, outcome, actor=cast.town_liaison)
    total = response_rates(survey)["total"]
    assert total["calls"] == 5 and total["answered"] == 2
    assert total["response_rate"] == pytest.approx(2 / 4) and total["contact_rate"] == pytest.approx(3 / 4)
    assert (
        response_rates(survey)["interviewers"][0]["label"] == cast.town_liaison.first_name
        or cast.town_liaison.username
    )


def test_the_interviewer_enters_answers_on_the_page(login, survey, assignment, cast):
    c = login(cast.town_liaison)
    url = reverse("surveys:interview", args=[survey.pk])
    page = c.get(url)
    assert page.status_code == 200 and "接通" in page.content.decode() and "无人接听" in page.content.decode()
    data = {f"q{seq}": "0" for seq in answers(survey)}
    r = c.post(url, {**data, "outcome": "answered", "township": cast.town.pk})
    assert r.status_code == 302 and Response.objects.get().channel == "phone"
    r = c.post(url, {"outcome": "no_answer"})
    assert r.status_code == 302 and CallRecord.objects.count() == 2
    bad = c.post(url, {"outcome": "answered", "township": cast.town.pk})
    assert bad.status_code == 400 and "请回答第1题" in bad.content.decode()
    # The interviewer reads the survey and its rates, but cannot manage it.
    detail = c.get(reverse("surveys:survey_detail", args=[survey.pk])).content.decode()
    assert 'id="response-rate">0.500' in detail and "进入访问录入" in detail
    c.post(reverse("surveys:survey_action", args=[survey.pk, "close"]), {"version": survey.version})
    survey.refresh_from_db()
    assert survey.is_open


def test_nobody_else_reaches_the_interview_page(login, survey, assignment, cast):
    url = reverse("surveys:interview", args=[survey.pk])
    assert login(cast.office_user).get(url).status_code == 404  # managing is not interviewing
    assert login(cast.edu_liaison).get(url).status_code == 404
    assert login(cast.other_office_user).post(url, {"outcome": "refused"}).status_code == 404
    assert not CallRecord.objects.exists()


def test_office_assigns_on_the_page(login, survey, cast):
    c = login(cast.office_user)
    c.post(
        reverse("surveys:survey_action", args=[survey.pk, "interviewer"]),
        {"user": cast.town_liaison.pk, "channel": "door", "township": cast.town.pk},
    )
    a = survey.interviewers.get()
    assert a.user == cast.town_liaison and a.channel == "door" and a.township == cast.town
    c.post(reverse("surveys:survey_action", args=[survey.pk, "interviewer"]), {"user": cast.other_liaison.pk})
    assert survey.interviewers.count() == 1


def test_the_page_offers_only_accounts_that_may_interview(login, survey, cast):
    page = login(cast.office_user).get(survey.get_absolute_url()).content.decode()
    select = page.split('name="user"', 1)[1].split("</select>", 1)[0]
    assert f'value="{cast.town_liaison.pk}"' in select
    assert f'value="{cast.leader.pk}"' not in select  # read-only: an interviewer writes answers
