import pytest
from django.urls import reverse

from shian.surveys import services


@pytest.fixture
def survey(cast):
    return services.create_survey(cast.campaign, actor=cast.office_user, kind="satisfaction")


def test_other_county_sees_nothing(login, api, survey, cast):
    c = login(cast.other_office_user)
    assert c.get(reverse("surveys:survey_detail", args=[survey.pk])).status_code == 404
    assert c.get(reverse("surveys:survey_export", args=[survey.pk])).status_code == 404
    r = c.post(
        reverse("surveys:survey_action", args=[survey.pk, "quota"]), {"township": cast.town.pk, "target": 3}
    )
    assert r.status_code == 404 and not survey.quotas.exists()
    client = api(cast.other_office_user)
    assert client.get(f"/api/surveys/{survey.pk}/").status_code == 404
    assert client.get(f"/api/surveys/{survey.pk}/results/").status_code == 404
    assert client.get("/api/surveys/").json()["count"] == 0


def test_leader_reads_but_cannot_change(login, survey, cast):
    c = login(cast.leader)
    assert c.get(reverse("surveys:survey_detail", args=[survey.pk])).status_code == 200
    c.post(reverse("surveys:survey_action", args=[survey.pk, "link"]), {"channel": "link"})
    assert not survey.links.exists()


def test_units_see_only_their_own_quizzes(login, survey, cast):
    quiz = services.create_survey(cast.campaign, actor=cast.edu_liaison, kind="quiz", unit=cast.edu)
    c = login(cast.market_liaison)
    assert c.get(reverse("surveys:survey_detail", args=[quiz.pk])).status_code == 404
    assert c.get(reverse("surveys:survey_detail", args=[survey.pk])).status_code == 404
    c = login(cast.edu_liaison)
    assert c.get(reverse("surveys:survey_detail", args=[quiz.pk])).status_code == 200
    c.post(reverse("surveys:survey_action", args=[quiz.pk, "link"]), {"unit": cast.edu.pk, "channel": "link"})
    assert quiz.links.count() == 1
    # The unit's link cannot point at another county's unit.
    c.post(
        reverse("surveys:survey_action", args=[quiz.pk, "link"]),
        {"unit": cast.other_edu.pk, "channel": "link"},
    )
    assert quiz.links.count() == 1
