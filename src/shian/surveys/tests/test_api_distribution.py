"""Surveys API beyond the questions: collecting, quotas, links, code batches, interviewers, calls and the
assessment — the survey page's actions through the same services and the same rules."""

from decimal import Decimal

import pytest

from shian.core.models import AuditLog
from shian.surveys import services
from shian.surveys.models import AccessCode, CallRecord, Interviewer, Link, Quota, Response


@pytest.fixture
def survey(cast):
    return services.create_survey(cast.campaign, actor=cast.office_user, kind="satisfaction")


def answers(survey, index=0):
    return {str(q.seq): index for q in survey.questions.current()}


def test_the_office_closes_and_reopens_with_the_version(api, survey, cast):
    c = api(cast.office_user)
    url = f"/api/surveys/{survey.pk}/close/"
    assert c.post(url, {}, format="json").status_code == 400  # the version is required
    r = c.post(url, {"version": survey.version}, format="json")
    assert r.status_code == 200 and r.json()["is_open"] is False
    assert c.post(url, {"version": survey.version}, format="json").status_code == 409  # stale
    r = c.post(f"/api/surveys/{survey.pk}/open/", {"version": r.json()["version"]}, format="json")
    assert r.status_code == 200 and r.json()["is_open"] is True
    events = AuditLog.objects.filter(event__in=["survey_closed", "survey_opened"], actor=cast.office_user)
    assert sorted(events.values_list("event", flat=True)) == ["survey_closed", "survey_opened"]


def test_quotas_and_links(api, survey, cast):
    c = api(cast.office_user)
    r = c.post(f"/api/surveys/{survey.pk}/quotas/", {"township": cast.town.pk, "target": 40}, format="json")
    assert r.status_code == 200, r.json()
    assert {"township": cast.town.name, "target": 40, "done": 0, "share": 0.0} in r.json()
    assert Quota.objects.get(survey=survey, township=cast.town).target == 40
    r = c.post(f"/api/surveys/{survey.pk}/quotas/", {"township": cast.other_county.pk, "target": 5})
    assert r.status_code == 400  # not a township
    r = c.post(
        f"/api/surveys/{survey.pk}/links/", {"township": cast.town.pk, "channel": "door"}, format="json"
    )
    assert r.status_code == 201, r.json()
    link = Link.objects.get(pk=r.json()["id"])
    assert r.json()["url"] == f"http://testserver/s/{link.token}/" and link.channel == "door"
    listed = c.get(f"/api/surveys/{survey.pk}/links/").json()
    assert [row["id"] for row in listed] == [link.pk] and listed[0]["township_name"] == cast.town.name


def test_a_code_batch_returns_its_codes_and_closes_access(api, survey, cast):
    r = api(cast.office_user).post(f"/api/surveys/{survey.pk}/code-batches/", {"size": 12, "name": "入户"})
    assert r.status_code == 201, r.json()
    data = r.json()
    assert data["size"] == 12 and len(set(data["codes"])) == 12
    assert set(AccessCode.objects.values_list("code", flat=True)) == set(data["codes"])
    survey.refresh_from_db()
    assert survey.access == "codes"
    r = api(cast.office_user).post(f"/api/surveys/{survey.pk}/code-batches/", {"size": 0})
    assert r.status_code == 400 and "size" in r.json()


def test_others_cannot_manage_distribution(api, survey, cast):
    for user in (cast.leader, cast.other_office_user, cast.edu_liaison):
        c = api(user)
        for path, body in (
            ("close/", {"version": survey.version}),
            ("quotas/", {"township": cast.town.pk, "target": 3}),
            ("links/", {}),
            ("code-batches/", {"size": 3}),
            ("interviewers/", {"user": cast.town_liaison.pk}),
        ):
            r = c.post(f"/api/surveys/{survey.pk}/{path}", body, format="json")
            assert r.status_code in (403, 404), (user, path, r.status_code)
    assert not Quota.objects.exists() and not Interviewer.objects.exists()
    assert survey.links.count() == 0 and not AccessCode.objects.exists()
    survey.refresh_from_db()
    assert survey.is_open


def test_an_interviewer_is_assigned_and_records_calls(api, survey, cast):
    c = api(cast.office_user)
    r = c.post(f"/api/surveys/{survey.pk}/interviewers/", {"user": cast.leader.pk}, format="json")
    assert r.status_code == 400 and "不能担任访问员" in str(r.json())
    r = c.post(f"/api/surveys/{survey.pk}/interviewers/", {"user": cast.other_liaison.pk}, format="json")
    assert r.status_code == 400  # another county's account
    r = c.post(
        f"/api/surveys/{survey.pk}/interviewers/",
        {"user": cast.town_liaison.pk, "channel": "phone", "township": cast.town.pk},
        format="json",
    )
    assert r.status_code == 201, r.json()
    assert c.get(f"/api/surveys/{survey.pk}/interviewers/").json()[0]["user"] == cast.town_liaison.pk

    # the office manages but does not interview
    assert c.post(f"/api/surveys/{survey.pk}/calls/", {"outcome": "refused"}).status_code == 404
    mine = api(cast.town_liaison)
    assert mine.post(f"/api/surveys/{survey.pk}/calls/", {"outcome": "refused"}).status_code == 201
    r = mine.post(
        f"/api/surveys/{survey.pk}/calls/",
        {"outcome": "answered", "answers": answers(survey, 0), "age_group": "45_59"},
        format="json",
    )
    assert r.status_code == 201, r.json()
    assert CallRecord.objects.count() == 2
    response = Response.objects.get()
    assert response.channel == "phone" and response.township == cast.town and response.age_group == "45_59"
    partial = answers(survey)
    del partial["2"]
    r = mine.post(
        f"/api/surveys/{survey.pk}/calls/", {"outcome": "answered", "answers": partial}, format="json"
    )
    assert r.status_code == 400 and "第2题" in str(r.json())
    assert CallRecord.objects.count() == 2 and Response.objects.count() == 1


def test_the_result_goes_into_the_assessment(api, survey, cast):
    from shian.scoring.services import create_assessment

    assessment = create_assessment(cast.campaign, actor=cast.office_user, title="自评", kind="self")
    link = services.create_link(survey, actor=cast.office_user, township=cast.town)
    for i, idx in enumerate((0, 0, 0, 4)):
        services.submit_response(link, answers(survey, idx), device=f"{i}" * 22)
    url = f"/api/surveys/{survey.pk}/apply/"
    body = {"assessment": assessment.pk, "assessment_version": assessment.version}
    assert api(cast.leader).post(url, body, format="json").status_code == 403
    r = api(cast.office_user).post(url, body, format="json")
    assert r.status_code == 200, r.json()
    assessment.refresh_from_db()
    assert assessment.satisfaction == Decimal("0.7500") and r.json()["version"] == assessment.version
    assert api(cast.office_user).post(url, body, format="json").status_code == 409  # read before the write
