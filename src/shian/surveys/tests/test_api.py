"""Surveys API: the office creates and edits surveys and questions; the same permission rules as the pages."""

import pytest

from shian.surveys import services
from shian.surveys.models import Survey


@pytest.fixture
def survey(cast):
    return services.create_survey(cast.campaign, actor=cast.office_user, kind="satisfaction")


def test_office_creates_a_survey_with_its_template(api, cast):
    r = api(cast.office_user).post(
        "/api/surveys/",
        {"campaign": cast.campaign.pk, "kind": "awareness", "intro": "请如实作答"},
        format="json",
    )
    assert r.status_code == 201, r.json()
    data = r.json()
    assert data["title"] == "食品安全示范创建知晓率调查" and len(data["questions"]) == 5
    assert Survey.objects.get(pk=data["id"]).intro == "请如实作答"


def test_create_is_refused_outside_the_scope(api, cast):
    assert (
        api(cast.leader).post("/api/surveys/", {"campaign": cast.campaign.pk, "kind": "support"}).status_code
        == 403
    )
    r = api(cast.other_office_user).post("/api/surveys/", {"campaign": cast.campaign.pk, "kind": "support"})
    assert r.status_code == 400  # the campaign is not among the ones it may name
    r = api(cast.edu_liaison).post("/api/surveys/", {"campaign": cast.campaign.pk, "kind": "support"})
    assert r.status_code == 403
    assert not Survey.objects.filter(kind="support").exists()


def test_edit_needs_the_version_and_keeps_identity(api, survey, cast):
    c = api(cast.office_user)
    assert c.patch(f"/api/surveys/{survey.pk}/", {"title": "新名称"}, format="json").status_code == 400
    r = c.patch(f"/api/surveys/{survey.pk}/", {"title": "新名称", "version": survey.version}, format="json")
    assert r.status_code == 200 and r.json()["title"] == "新名称"
    stale = c.patch(f"/api/surveys/{survey.pk}/", {"title": "再改", "version": survey.version}, format="json")
    assert stale.status_code == 409
    r = c.patch(
        f"/api/surveys/{survey.pk}/", {"kind": "support", "version": survey.version + 1}, format="json"
    )
    assert r.status_code == 400


def test_questions_are_added_edited_and_removed(api, survey, cast):
    c = api(cast.office_user)
    r = c.post(
        f"/api/surveys/{survey.pk}/questions/",
        {
            "kind": "rating",
            "text": "总体打分",
            "scale_min": 1,
            "scale_max": 5,
            "condition": {"seq": 1, "in": [0, 1]},
        },
        format="json",
    )
    assert r.status_code == 201, r.json()
    qid = r.json()["id"]
    assert r.json()["seq"] == 9
    r = c.patch(f"/api/surveys/{survey.pk}/questions/{qid}/", {"text": "总体评分"}, format="json")
    assert r.status_code == 200 and r.json()["text"] == "总体评分"
    bad = c.post(
        f"/api/surveys/{survey.pk}/questions/", {"kind": "single", "text": "x", "options": []}, format="json"
    )
    assert bad.status_code == 400 and "options" in bad.json()
    assert c.delete(f"/api/surveys/{survey.pk}/questions/{qid}/").status_code == 204
    assert c.delete(f"/api/surveys/{survey.pk}/questions/{qid}/").status_code == 404
    assert len(c.get(f"/api/surveys/{survey.pk}/").json()["questions"]) == 8


def test_an_answered_question_edited_through_the_api_is_versioned(api, survey, cast):
    link = services.create_link(survey, actor=cast.office_user, township=cast.town)
    services.submit_response(link, {str(q.seq): 0 for q in survey.questions.current()}, device="z" * 22)
    q = survey.questions.get(seq=1)
    r = api(cast.office_user).patch(
        f"/api/surveys/{survey.pk}/questions/{q.pk}/", {"text": "新题目"}, format="json"
    )
    assert r.status_code == 200 and r.json()["id"] != q.pk and r.json()["since_version"] == 2
    data = api(cast.office_user).get(f"/api/surveys/{survey.pk}/").json()
    assert data["form_version"] == 2 and data["questions"][0]["text"] == "新题目"


def test_others_cannot_touch_the_questions(api, survey, cast):
    q = survey.questions.get(seq=1)
    for user, codes in ((cast.other_office_user, {404}), (cast.leader, {403}), (cast.edu_liaison, {404})):
        c = api(user)
        assert (
            c.patch(f"/api/surveys/{survey.pk}/questions/{q.pk}/", {"text": "改"}, format="json").status_code
            in codes
        )
        assert (
            c.post(f"/api/surveys/{survey.pk}/questions/", {"text": "加"}, format="json").status_code in codes
        )
        assert c.delete(f"/api/surveys/{survey.pk}/questions/{q.pk}/").status_code in codes
    # A question id of another survey is not reachable through this one.
    other = services.create_survey(cast.campaign, actor=cast.office_user, kind="support")
    oq = other.questions.first()
    r = api(cast.office_user).patch(
        f"/api/surveys/{survey.pk}/questions/{oq.pk}/", {"text": "改"}, format="json"
    )
    assert r.status_code == 404
    q.refresh_from_db()
    assert q.text != "改"


def test_questions_are_reordered_and_stale_edits_refused(api, survey, cast):
    c = api(cast.office_user)
    data = c.get(f"/api/surveys/{survey.pk}/").json()["questions"]
    ids = [q["id"] for q in data]
    first = data[0]
    r = c.patch(
        f"/api/surveys/{survey.pk}/questions/{first['id']}/",
        {"text": "新题目", "version": first["version"]},
        format="json",
    )
    assert r.status_code == 200 and r.json()["version"] == first["version"] + 1
    stale = c.patch(
        f"/api/surveys/{survey.pk}/questions/{first['id']}/",
        {"text": "旧页面", "version": first["version"]},
        format="json",
    )
    assert stale.status_code == 409
    order = [ids[1], ids[0], *ids[2:]]
    r = c.post(f"/api/surveys/{survey.pk}/questions/order/", {"order": order, "expected": ids}, format="json")
    assert r.status_code == 200 and [q["id"] for q in r.json()] == order and r.json()[1]["text"] == "新题目"
    again = c.post(
        f"/api/surveys/{survey.pk}/questions/order/", {"order": ids, "expected": ids}, format="json"
    )
    assert again.status_code == 409
    assert api(cast.leader).post(
        f"/api/surveys/{survey.pk}/questions/order/", {"order": ids}, format="json"
    ).status_code in (403, 404)
