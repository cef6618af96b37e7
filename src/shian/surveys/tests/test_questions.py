"""Questionnaire features: question kinds, skip logic, versioning (answers keep their version)."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from shian.core.services import ConcurrentEditError
from shian.surveys import figures, services
from shian.surveys.models import Question


@pytest.fixture
def survey(cast):
    s = services.create_survey(cast.campaign, actor=cast.office_user, kind="satisfaction")
    s.questions.all().delete()
    services.add_question(
        s,
        actor=cast.office_user,
        kind="single",
        text="您最近一年是否在外就餐？",
        options=[{"label": "是"}, {"label": "否"}],
    )
    services.add_question(
        s,
        actor=cast.office_user,
        kind="rating",
        text="您对就餐场所的食品安全打几分？",
        scale_min=0,
        scale_max=10,
        condition={"seq": 1, "in": [0]},
    )
    services.add_question(
        s,
        actor=cast.office_user,
        kind="multiple",
        text="您通过哪些渠道了解食品安全信息？",
        options=[
            {"label": "电视", "score": 50},
            {"label": "微信", "score": 50},
            {"label": "报纸", "score": 20},
        ],
    )
    services.add_question(s, actor=cast.office_user, kind="text", text="您的意见和建议", required=False)
    return s


def link(survey, cast):
    return services.create_link(survey, actor=cast.office_user, township=cast.town)


def test_kinds_are_scored_and_unscored_choices_do_not_count(survey, cast):
    r = services.submit_response(
        link(survey, cast), {"1": 0, "2": 8, "3": ["0", "2"], "4": "多抽检小餐馆"}, device="a" * 22
    )
    # Question 1 has no scores; rating 8/10 → 80; multiple 50 + 20 → 70; text is not scored.
    assert r.score == Decimal("75.00")
    assert r.answers == {"1": 0, "2": 8, "3": [0, 2], "4": "多抽检小餐馆"}


def test_multiple_choice_is_capped_at_100(survey, cast):
    r = services.submit_response(link(survey, cast), {"1": 1, "3": [0, 1, 2]}, device="b" * 22)
    assert r.score == Decimal("100.00")


def test_skip_logic_drops_a_question_whose_condition_is_not_met(survey, cast):
    # 否 → question 2 is skipped: not required, and an answer sent anyway is not stored.
    r = services.submit_response(link(survey, cast), {"1": 1, "2": 3, "3": [1]}, device="c" * 22)
    assert "2" not in r.answers and r.score == Decimal("50.00")
    # 是 → question 2 is required.
    with pytest.raises(ValidationError, match="请回答第2题"):
        services.submit_response(link(survey, cast), {"1": 0, "3": [1]}, device="d" * 22)


def test_bad_answers_name_the_question(survey, cast):
    for answers, message in (
        ({"1": 0, "2": 11, "3": [0]}, "0到10"),
        ({"1": 0, "2": 5, "3": [7]}, "第3题的选项无效"),
        ({"1": 0, "2": "x", "3": [0]}, "第2题的答案无效"),
        ({"1": 0, "2": 5, "3": [0], "4": "长" * 501}, "500字"),
    ):
        with pytest.raises(ValidationError, match=message):
            services.submit_response(link(survey, cast), answers, device="e" * 22)


def test_a_condition_must_point_to_an_earlier_choice(survey, cast):
    with pytest.raises(ValidationError, match="前面的题目"):
        services.add_question(
            survey,
            actor=cast.office_user,
            text="?",
            options=[{"label": "a"}, {"label": "b"}],
            seq=9,
            condition={"seq": 12, "in": [0]},
        )
    with pytest.raises(ValidationError, match="文字题"):
        services.add_question(
            survey,
            actor=cast.office_user,
            text="?",
            options=[{"label": "a"}, {"label": "b"}],
            condition={"seq": 4, "in": [0]},
        )
    with pytest.raises(ValidationError, match="两个选项"):
        services.add_question(survey, actor=cast.office_user, text="?", options=[{"label": "a"}])
    for bad in ("NaN", "Infinity", 101, "x", True):
        with pytest.raises(ValidationError, match="分值"):
            services.add_question(
                survey,
                actor=cast.office_user,
                text="?",
                options=[{"label": "a", "score": bad}, {"label": "b"}],
            )


def test_editing_an_unanswered_form_changes_it_in_place(survey, cast):
    q = survey.questions.get(seq=1)
    edited = services.edit_question(q, actor=cast.office_user, text="您最近半年是否在外就餐？")
    survey.refresh_from_db()
    assert edited.pk == q.pk and survey.form_version == 1


def test_editing_an_answered_question_starts_a_new_version(survey, cast):
    first = services.submit_response(link(survey, cast), {"1": 1, "3": [0]}, device="f" * 22)
    q = survey.questions.get(seq=3)
    fresh = services.edit_question(
        q, actor=cast.office_user, options=[{"label": "电视", "score": 100}, {"label": "微信", "score": 100}]
    )
    survey.refresh_from_db()
    q.refresh_from_db()
    assert survey.form_version == 2 and fresh.pk != q.pk
    assert q.until_version == 1 and fresh.since_version == 2
    # The old answer keeps its version and the old wording is still there to read it by.
    first.refresh_from_db()
    assert first.form_version == 1
    assert [x.pk for x in survey.questions.of_version(1).filter(seq=3)] == [q.pk]
    assert [x.pk for x in survey.questions.of_version(2).filter(seq=3)] == [fresh.pk]
    second = services.submit_response(link(survey, cast), {"1": 1, "3": [0]}, device="g" * 22)
    assert second.form_version == 2 and second.score == Decimal("100.00")
    # A second change before anyone answers version 2 again is made in place.
    again = services.edit_question(fresh, actor=cast.office_user, text="了解渠道")
    survey.refresh_from_db()
    assert survey.form_version == 3 and again.pk != fresh.pk  # version 2 had an answer


def test_removing_an_answered_question_retires_it(survey, cast):
    services.submit_response(link(survey, cast), {"1": 1, "3": [0]}, device="h" * 22)
    q = survey.questions.get(seq=4)
    services.remove_question(q, actor=cast.office_user)
    q.refresh_from_db()
    assert q.until_version == 1 and not survey.questions.current().filter(seq=4).exists()
    with pytest.raises(ValidationError, match="显示条件引用了第1题"):
        services.remove_question(survey.questions.get(seq=1), actor=cast.office_user)


def test_only_managers_change_questions(survey, cast):
    q = survey.questions.get(seq=1)
    for user in (cast.leader, cast.other_office_user, cast.edu_liaison):
        with pytest.raises(PermissionDenied):
            services.edit_question(q, actor=user, text="改")
    assert Question.objects.get(pk=q.pk).text == "您最近一年是否在外就餐？"


def test_the_public_page_shows_the_kinds_and_takes_multiple_answers(client, survey, cast):
    page_link = link(survey, cast)
    body = client.get(f"/s/{page_link.token}/").content.decode()
    assert 'type="checkbox" name="q3"' in body and 'data-if-seq="1"' in body and "<textarea" in body
    assert 'id="q2-10"' in body and "surveys/answer.js" in body
    r = client.post(f"/s/{page_link.token}/", {"q1": "0", "q2": "9", "q3": ["0", "1"], "q4": ""})
    assert r.status_code == 200
    assert survey.responses.get().answers == {"1": 0, "2": 9, "3": [0, 1]}


def test_a_row_an_answered_version_shares_is_never_changed_in_place(survey, cast):
    services.submit_response(link(survey, cast), {"1": 1, "3": [0]}, device="i" * 22)
    # Version 2 starts with a change to question 4; question 1 (since version 1) is then edited while
    # version 2 has no answers yet: version 1 must keep its wording.
    services.edit_question(survey.questions.get(seq=4), actor=cast.office_user, text="建议")
    q1 = survey.questions.get(seq=1)
    fresh = services.edit_question(q1, actor=cast.office_user, text="您最近半年是否在外就餐？")
    survey.refresh_from_db()
    q1.refresh_from_db()
    assert survey.form_version == 2 and fresh.pk != q1.pk
    assert q1.text == "您最近一年是否在外就餐？" and q1.until_version == 1
    assert [x.text for x in survey.questions.of_version(1).filter(seq=1)] == ["您最近一年是否在外就餐？"]


def test_a_condition_must_name_an_existing_answer(survey, cast):
    with pytest.raises(ValidationError, match="第1题没有第3个选项"):
        services.add_question(
            survey, actor=cast.office_user, kind="text", text="?", condition={"seq": 1, "in": [2]}
        )
    with pytest.raises(ValidationError, match="不在第2题的评分范围0到10内"):
        services.add_question(
            survey, actor=cast.office_user, kind="text", text="?", condition={"seq": 2, "in": [11]}
        )


def test_a_question_a_condition_reads_keeps_what_the_condition_names(survey, cast):
    q1 = survey.questions.get(seq=1)
    with pytest.raises(ValidationError, match="不能改变题型"):
        services.edit_question(q1, actor=cast.office_user, kind="text")
    with pytest.raises(ValidationError, match="选项“是”，不能删除或调整其顺序"):
        services.edit_question(q1, actor=cast.office_user, options=[{"label": "否"}, {"label": "是"}])
    services.edit_question(
        survey.questions.get(seq=3), actor=cast.office_user, condition={"seq": 2, "in": [9]}
    )
    with pytest.raises(ValidationError, match="评分9"):
        services.edit_question(survey.questions.get(seq=2), actor=cast.office_user, scale_max=5)


def test_reordering_an_answered_form_starts_a_version_and_conditions_follow(survey, cast):
    services.submit_response(link(survey, cast), {"1": 0, "2": 8, "3": [0]}, device="j" * 22)
    q = {x.seq: x for x in survey.questions.current()}
    order = [q[1].pk, q[3].pk, q[2].pk, q[4].pk]
    with pytest.raises(ConcurrentEditError):
        services.reorder_questions(survey, order, actor=cast.office_user, expected_order=order)
    with pytest.raises(ValidationError, match="每题一次"):
        services.reorder_questions(survey, order[:3], actor=cast.office_user)
    with pytest.raises(ValidationError, match="不能排到第1题前面"):
        services.reorder_questions(survey, [q[2].pk, q[1].pk, q[3].pk, q[4].pk], actor=cast.office_user)
    services.reorder_questions(survey, order, actor=cast.office_user)
    survey.refresh_from_db()
    assert survey.form_version == 2
    now = {x.seq: x for x in survey.questions.current()}
    assert now[2].text.startswith("您通过哪些渠道") and now[3].condition == {"seq": 1, "in": [0]}
    # Version 1 still reads as it was answered.
    assert [x.text[:4] for x in survey.questions.of_version(1).order_by("seq")] == [
        "您最近一",
        "您对就餐",
        "您通过哪",
        "您的意见",
    ]
    history = figures.form_history(survey)
    assert history[0]["version"] == 2 and "原第3题调为第2题" in history[0]["changes"]
    assert history[1]["answers"] == 1


def test_removing_a_question_closes_the_gap(survey, cast):
    services.submit_response(link(survey, cast), {"1": 1, "3": [0]}, device="k" * 22)
    services.remove_question(survey.questions.get(seq=3), actor=cast.office_user)
    survey.refresh_from_db()
    assert [(x.seq, x.text[:4]) for x in survey.questions.current()] == [
        (1, "您最近一"),
        (2, "您对就餐"),
        (3, "您的意见"),
    ]
    assert survey.questions.of_version(1).count() == 4
    assert "删除原第3题“您通过哪些渠道了解食品安全信息？”" in figures.form_history(survey)[0]["changes"]
