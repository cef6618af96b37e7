import pytest
from django.urls import reverse

from shian.surveys import services
from shian.surveys.models import Response


@pytest.fixture
def survey(cast):
    return services.create_survey(cast.campaign, actor=cast.office_user, kind="satisfaction")


def answers(survey, index=0):
    return {f"q{q.seq}": str(index) for q in survey.questions.all()}


def test_public_page_answers_once_per_device(client, survey, cast):
    link = services.create_link(survey, actor=cast.office_user)
    url = f"/s/{link.token}/"
    page = client.get(url)
    assert page.status_code == 200 and "群众食品安全满意度调查" in page.content.decode()
    assert page["X-Robots-Tag"].startswith("noindex") and page["Cache-Control"] == "no-store"
    assert "shian_device" in page.cookies
    no_town = client.post(url, answers(survey))
    assert no_town.status_code == 400 and "乡镇" in no_town.content.decode()
    ok = client.post(url, {**answers(survey), "township": cast.town.pk})
    assert ok.status_code == 200 and "提交成功" in ok.content.decode()
    again = client.post(url, {**answers(survey), "township": cast.town.pk})
    assert again.status_code == 400 and "已提交过" in again.content.decode()
    assert Response.objects.count() == 1


def test_public_page_refuses_a_township_of_another_county(client, survey, cast):
    from shian.organisation.models import Region

    other_town = Region.objects.create(code="510723100", name="云溪镇", level=4, parent=cast.other_county)
    link = services.create_link(survey, actor=cast.office_user)
    r = client.post(f"/s/{link.token}/", {**answers(survey), "township": other_town.pk})
    assert r.status_code == 400 and not Response.objects.exists()


def test_unknown_token_is_404_and_nothing_else_is_public(client, survey, cast):
    assert client.get("/s/nosuchtoken123/").status_code == 404
    assert client.get("/s/x/").status_code == 404
    assert client.get(f"/s/{survey.pk}/").status_code == 404
    assert client.get(reverse("surveys:survey_detail", args=[survey.pk])).status_code == 302


def test_posts_are_throttled(client, survey, cast, settings):
    link = services.create_link(survey, actor=cast.office_user, township=cast.town)
    codes = [client.post(f"/s/{link.token}/", {}).status_code for _ in range(12)]
    assert codes[:10] == [400] * 10 and codes[-1] == 429


def test_quiz_page_shows_score_and_explanations(client, cast):
    quiz = services.create_survey(cast.campaign, actor=cast.office_user, kind="quiz")
    link = services.create_link(quiz, actor=cast.office_user, unit=cast.edu)
    wrong = {
        f"q{q.seq}": str(next(i for i, o in enumerate(q.options) if not o["correct"]))
        for q in quiz.questions.all()
    }
    r = client.post(f"/s/{link.token}/", {**wrong, "respondent": "李四"})
    body = r.content.decode()
    assert r.status_code == 200 and "回答错误" in body and "食品安全法" in body
    assert Response.objects.get().unit == cast.edu


def test_office_pages_and_export(login, survey, cast):
    c = login(cast.office_user)
    assert c.get(reverse("surveys:survey_list")).status_code == 200
    r = c.post(
        reverse("surveys:survey_action", args=[survey.pk, "quota"]), {"township": cast.town.pk, "target": 30}
    )
    assert r.status_code == 302 and survey.quotas.get().target == 30
    c.post(
        reverse("surveys:survey_action", args=[survey.pk, "link"]),
        {"township": cast.town.pk, "channel": "door"},
    )
    link = survey.links.get()
    services.submit_response(link, {str(q.seq): 0 for q in survey.questions.all()}, device="z" * 22)
    page = c.get(reverse("surveys:survey_detail", args=[survey.pk])).content.decode()
    assert link.token in page and "1.0000" in page
    x = c.get(reverse("surveys:survey_export", args=[survey.pk]))
    assert x.status_code == 200 and x["Content-Type"].startswith("application/vnd.openxmlformats")
    r = c.post(reverse("surveys:survey_add"), {"kind": "awareness"})
    assert r.status_code == 302 and cast.campaign.surveys.filter(kind="awareness").exists()


def test_list_query_count(login, survey, cast, django_assert_max_num_queries):
    for kind in ("awareness", "support", "quiz"):
        services.create_survey(cast.campaign, actor=cast.office_user, kind=kind)
    c = login(cast.office_user)
    with django_assert_max_num_queries(25):
        assert c.get(reverse("surveys:survey_list")).status_code == 200


def test_api_results(api, survey, cast):
    link = services.create_link(survey, actor=cast.office_user, township=cast.town)
    services.submit_response(link, {str(q.seq): 0 for q in survey.questions.all()}, device="z" * 22)
    data = api(cast.office_user).get(f"/api/surveys/{survey.pk}/results/").json()
    assert data["overall"]["n"] == 1 and data["groups"][0]["label"] == cast.town.name
    assert data["missed"] == []


def test_api_results_of_a_quiz_name_the_questions_most_often_missed(api, cast):
    quiz = services.create_survey(cast.campaign, actor=cast.office_user, kind="quiz")
    link = services.create_link(quiz, actor=cast.office_user, unit=cast.edu)
    questions = list(quiz.questions.current())
    right = {str(q.seq): next(i for i, o in enumerate(q.options) if o["correct"]) for q in questions}
    first = questions[0]
    wrong = dict(right, **{str(first.seq): next(i for i, o in enumerate(first.options) if not o["correct"])})
    for i, answers in enumerate((right, wrong, wrong)):
        services.submit_response(link, answers, device=f"{i}" * 22, respondent=f"答题人{i}")
    data = api(cast.office_user).get(f"/api/surveys/{quiz.pk}/results/").json()
    assert data["missed"] == [{"question": first.pk, "text": first.text, "missed": 2, "share": 2 / 3}]
    assert data["groups"][0]["n"] == 3


def test_a_full_township_is_closed_on_the_page(client, survey, cast):
    services.set_quota(survey, cast.town, 1, actor=cast.office_user)
    link = services.create_link(survey, actor=cast.office_user)
    services.submit_response(
        link, {str(q.seq): 0 for q in survey.questions.all()}, device="z" * 22, township=cast.town
    )
    body = client.get(f"/s/{link.token}/").content.decode()
    assert f'value="{cast.town.pk}" disabled' in body and "已满额" in body
    r = client.post(f"/s/{link.token}/", {**answers(survey), "township": cast.town.pk})
    assert r.status_code == 400 and "满额" in r.content.decode()
