"""The questionnaire editor page: add, edit, remove and reorder questions with the services' rules, skip
conditions through the picker, versions, concurrency, permissions, the preview and the query bound."""

import pytest
from django.urls import reverse

from shian.core.models import AuditLog
from shian.surveys import services
from shian.surveys.models import Question

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def survey(cast):
    """满意度 with its 8 standard questions (each 满意 … 不满意, scored)."""
    return services.create_survey(cast.campaign, actor=cast.office_user, kind="satisfaction")


def url(name, survey, q=None):
    return reverse(f"surveys:{name}", args=[survey.pk] if q is None else [survey.pk, q.pk])


def question_post(**extra):
    data = {
        "kind": "single",
        "text": "您是否在外就餐？",
        "required": "on",
        "opt_label": ["是", "否", ""],
        "opt_score": ["", "", ""],
        "opt_order": ["1", "2", ""],
    }
    data.update(extra)
    return data


def form_of(q, **changes):
    """The edit form as the page fills it for `q`, with `changes`."""
    data = {
        "kind": q.kind,
        "text": q.text,
        "block": q.block,
        "opt_label": [o["label"] for o in q.options],
        "opt_score": [o.get("score", "") for o in q.options],
        "opt_order": [str(i + 1) for i in range(len(q.options))],
        "version": q.version,
    }
    if q.required:
        data["required"] = "on"
    if q.condition:
        data["cond_seq"] = q.condition["seq"]
        data[f"cond_in_{q.condition['seq']}"] = q.condition["in"]
    data.update(changes)
    return data


def answer(survey, cast, device):
    link = services.create_link(survey, actor=cast.office_user, township=cast.town)
    return services.submit_response(
        link, {str(q.seq): 0 for q in survey.questions.current()}, device=device * 22
    )


def test_the_editor_lists_the_questions_in_a_bounded_number_of_queries(
    login, survey, cast, django_assert_max_num_queries
):
    for i in range(12):
        services.add_question(
            survey,
            actor=cast.office_user,
            text=f"附加题{i}",
            options=[{"label": "是"}, {"label": "否"}],
            condition={"seq": 1, "in": [0, 1]},
            block="附加",
        )
    answer(survey, cast, "a")
    c = login(cast.office_user)
    with django_assert_max_num_queries(12):
        r = c.get(url("question_editor", survey))
    body = r.content.decode()
    assert r.status_code == 200 and body.count('class="card mb-2" id="question-') == 20
    assert "第1题选“满意”或“比较满意”时显示" in body and "本版已有答卷" in body
    assert 'hx-get="/surveys/' in body and "surveys/editor.js" in body
    # The survey's page links to the editor and says the conditions in words too.
    detail = c.get(survey.get_absolute_url()).content.decode()
    assert url("question_editor", survey) in detail and "第1题选“满意”或“比较满意”时显示" in detail


def test_office_adds_a_question_with_a_skip_condition(login, survey, cast):
    c = login(cast.office_user)
    r = c.post(url("question_add", survey), question_post(cond_seq="2", cond_in_2=["3", "4"]), **HTMX)
    assert r.status_code == 200 and "已新增第9题" in r.content.decode()
    assert "<html" not in r.content.decode()  # the editor fragment, swapped in place
    q = survey.questions.current().get(seq=9)
    assert q.options == [{"label": "是"}, {"label": "否"}] and q.condition == {"seq": 2, "in": [3, 4]}
    assert "第2题选“不太满意”或“不满意”时显示" in r.content.decode()
    # In the survey's history, by name.
    event = AuditLog.objects.get(event="question_added", object_id=str(survey.pk))
    assert "第9题" in event.note
    history = c.get(reverse("core:audit_history", args=["surveys", "survey", survey.pk])).content.decode()
    assert "新增题目" in history and "第9题：您是否在外就餐？（第1版）" in history


def test_a_plain_post_redirects_back_to_the_editor(login, survey, cast):
    c = login(cast.office_user)
    r = c.post(url("question_add", survey), question_post(kind="rating", scale_min="0", scale_max="10"))
    assert r.status_code == 302 and r["Location"] == url("question_editor", survey)
    q = survey.questions.current().get(seq=9)
    assert (q.kind, q.scale_min, q.scale_max, q.options) == ("rating", 0, 10, [])


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"text": ""}, "请填写题目"),
        ({"opt_label": ["是", "", ""]}, "选项：选择题至少需要两个选项"),
        ({"opt_score": ["很多", "", ""]}, "选项：第1个选项的分值须为0到100的数"),
        ({"opt_score": ["120", "", ""]}, "选项：选项分值须为0到100的数"),
        ({"opt_order": ["一", "2", ""]}, "第1个选项的顺序须为整数"),
        ({"cond_seq": "1", "cond_in_1": ["7"]}, "显示条件：显示条件引用的第1题没有第8个选项"),
        ({"cond_seq": "1"}, "请勾选第1题的哪些答案显示本题"),
        ({"cond_seq": "30", "cond_in_30": ["0"]}, "显示条件：显示条件只能引用前面的题目"),
        ({"kind": "rating", "scale_min": "5", "scale_max": "3"}, "评分范围须在0到10之间，且下限小于上限"),
    ],
)
def test_bad_input_is_refused_with_a_message_naming_the_field(login, survey, cast, changes, message):
    c = login(cast.office_user)
    r = c.post(url("question_add", survey), question_post(**changes))
    assert r.status_code == 400 and message in r.content.decode()
    assert 'id="question-form"' in r.content.decode()  # the form stays open, filled in
    assert survey.questions.current().count() == 8


def test_a_condition_cannot_point_to_a_later_question(login, survey, cast):
    q2 = survey.questions.get(seq=2)
    c = login(cast.office_user)
    r = c.post(url("question_edit", survey, q2), form_of(q2, cond_seq="5", cond_in_5=["0"]))
    assert r.status_code == 400 and "显示条件只能引用前面的题目" in r.content.decode()
    # The picker offers only the earlier questions.
    page = c.get(url("question_editor", survey) + f"?edit={q2.pk}").content.decode()
    assert 'name="cond_in_1"' in page and 'name="cond_in_3"' not in page


def test_editing_in_place_until_the_version_has_answers_then_a_new_version(login, survey, cast):
    c = login(cast.office_user)
    q1 = survey.questions.get(seq=1)
    r = c.post(url("question_edit", survey, q1), form_of(q1, text="您对食品安全总体状况满意吗？"), **HTMX)
    assert "已保存第1题" in r.content.decode()
    q1.refresh_from_db()
    assert q1.text == "您对食品安全总体状况满意吗？" and q1.version == 2 and q1.until_version is None

    first = answer(survey, cast, "b")
    r = c.post(url("question_edit", survey, q1), form_of(q1, text="总体满意吗？"), **HTMX)
    body = r.content.decode()
    assert "问卷升为第2版" in body and "当前第2版" in body
    assert "修改第1题（题目）" in body  # what changed, in the version record
    q1.refresh_from_db()
    fresh = survey.questions.current().get(seq=1)
    assert q1.until_version == 1 and q1.text == "您对食品安全总体状况满意吗？"
    assert fresh.since_version == 2 and fresh.text == "总体满意吗？"
    first.refresh_from_db()
    assert first.form_version == 1
    notes = list(
        AuditLog.objects.filter(event="question_edited").order_by("pk").values_list("note", flat=True)
    )
    assert notes == ["第1题：修改题目（第1版）", "第1题：修改题目（第2版）"]


def test_a_stale_form_is_refused(login, survey, cast):
    c = login(cast.office_user)
    q1 = survey.questions.get(seq=1)
    stale = form_of(q1, text="甲的改法")
    services.edit_question(q1, actor=cast.office_user, text="乙先保存")
    r = c.post(url("question_edit", survey, q1), stale, **HTMX)
    assert "已被他人修改" in r.content.decode()
    assert survey.questions.get(seq=1).text == "乙先保存"
    # Without a version at all: refused too.
    r = c.post(url("question_edit", survey, q1), {**form_of(q1, text="丙"), "version": ""})
    assert r.status_code == 400 and "缺少读取时的版本号" in r.content.decode()
    # A question replaced by a new version: its old form is refused.
    answer(survey, cast, "c")
    q1.refresh_from_db()
    old_form = form_of(q1, text="丁")
    services.edit_question(q1, actor=cast.office_user, text="戊")
    r = c.post(url("question_edit", survey, q1), old_form, **HTMX)
    assert "已被他人修改" in r.content.decode()
    assert survey.questions.current().get(seq=1).text == "戊"


def test_removing_and_moving_questions(login, survey, cast):
    c = login(cast.office_user)
    q = {x.seq: x for x in survey.questions.current()}
    services.edit_question(q[4], actor=cast.office_user, condition={"seq": 3, "in": [0]})
    q[4].refresh_from_db()
    order = ",".join(str(q[s].pk) for s in sorted(q))
    # Moving question 4 above question 3, whose answer it reads, is refused.
    r = c.post(url("question_move", survey, q[4]), {"order": order, "direction": "up"}, **HTMX)
    assert "不能排到第3题前面" in r.content.decode()
    # Moving question 3 above question 2: the condition follows it (now question 2).
    r = c.post(url("question_move", survey, q[3]), {"order": order, "direction": "up"}, **HTMX)
    assert "已将第3题移到第2题" in r.content.decode()
    q[3].refresh_from_db()
    q[4].refresh_from_db()
    assert q[3].seq == 2 and q[4].condition == {"seq": 2, "in": [0]}
    # The page the user had is stale now.
    r = c.post(url("question_move", survey, q[5]), {"order": order, "direction": "up"}, **HTMX)
    assert "已被他人修改" in r.content.decode()
    # Removing a question the condition reads is refused; removing another closes the gap.
    r = c.post(url("question_remove", survey, q[3]), {"version": q[3].version}, **HTMX)
    assert "显示条件引用了第2题" in r.content.decode()
    r = c.post(url("question_remove", survey, q[1]), {"version": q[1].version}, **HTMX)
    assert "已删除第1题" in r.content.decode()
    assert [x.seq for x in survey.questions.current()] == list(range(1, 8))
    q[4].refresh_from_db()
    assert q[4].seq == 3 and q[4].condition == {"seq": 1, "in": [0]}
    assert (
        AuditLog.objects.filter(
            object_id=str(survey.pk), event__in=["questions_reordered", "question_removed"]
        ).count()
        == 2
    )


def test_an_option_a_condition_names_cannot_be_removed_or_moved(login, survey, cast):
    c = login(cast.office_user)
    q1, q2 = survey.questions.get(seq=1), survey.questions.get(seq=2)
    services.edit_question(q2, actor=cast.office_user, condition={"seq": 1, "in": [4]})
    labels = [o["label"] for o in q1.options]
    r = c.post(url("question_edit", survey, q1), form_of(q1, opt_delete=["4"]))
    assert r.status_code == 400 and "第2题的显示条件引用了本题选项“不满意”" in r.content.decode()
    r = c.post(url("question_edit", survey, q1), form_of(q1, opt_order=["2", "3", "4", "5", "1"]))
    assert r.status_code == 400 and "不能删除或调整其顺序" in r.content.decode()
    # Renaming it is fine.
    renamed = [*labels[:4], "很不满意"]
    r = c.post(url("question_edit", survey, q1), form_of(q1, opt_label=renamed))
    assert r.status_code == 302
    assert survey.questions.get(seq=1).options[4] == {"label": "很不满意", "score": 0}


def test_the_quiz_bank_answer_key_and_explanation_are_edited_on_the_page(login, cast):
    quiz = services.create_survey(cast.campaign, actor=cast.edu_liaison, kind="quiz", unit=cast.edu)
    q = quiz.questions.get(seq=3)
    c = login(cast.edu_liaison)
    page = c.get(url("question_editor", quiz) + f"?edit={q.pk}").content.decode()
    assert 'name="opt_correct"' in page and 'name="explanation"' in page and "题库" in page
    # Four options and two empty rows to add to, each its own row number.
    assert all(f'id="opt-correct-{i}"' in page for i in range(6))
    data = form_of(q, opt_correct=["1"], explanation="12345是政务服务便民热线")
    r = c.post(url("question_edit", quiz, q), data)
    assert r.status_code == 302
    q = quiz.questions.get(seq=3)
    assert [o["correct"] for o in q.options] == [False, True, False, False]
    assert [o["score"] for o in q.options] == [0, 100, 0, 0] and q.explanation == "12345是政务服务便民热线"
    # A quiz question without a right answer is refused.
    r = c.post(url("question_edit", quiz, q), form_of(q, version=q.version))
    assert r.status_code == 400 and "须标出正确答案" in r.content.decode()


def test_the_preview_is_the_public_page_with_its_skip_logic(
    login, survey, cast, django_assert_max_num_queries
):
    services.add_question(
        survey,
        actor=cast.office_user,
        kind="text",
        text="不满意的原因",
        required=False,
        condition={"seq": 1, "in": [3, 4]},
    )
    for user in (cast.office_user, cast.leader):
        c = login(user)
        with django_assert_max_num_queries(8):
            body = c.get(url("question_preview", survey)).content.decode()
        assert 'id="preview-banner"' in body and 'id="survey-submit"' not in body
        assert 'data-if-seq="1" data-if-in="3,4"' in body and "surveys/answer.js" in body
        assert "不满意的原因" in body and 'name="township"' in body


def test_other_county_gets_404_everywhere(login, survey, cast):
    q = survey.questions.get(seq=1)
    c = login(cast.other_office_user)
    for name in ("question_editor", "question_preview"):
        assert c.get(url(name, survey)).status_code == 404
    assert c.post(url("question_add", survey), question_post()).status_code == 404
    assert c.post(url("question_edit", survey, q), form_of(q, text="改")).status_code == 404
    assert c.post(url("question_remove", survey, q), {"version": 1}).status_code == 404
    assert c.get(url("question_editor", survey) + f"?edit={q.pk}").status_code == 404
    assert (
        c.post(url("question_move", survey, q), {"order": str(q.pk), "direction": "down"}).status_code == 404
    )
    assert survey.questions.current().count() == 8 and survey.questions.get(seq=1).text == q.text


def test_readers_see_the_questions_but_cannot_change_them(login, survey, cast):
    services.assign_interviewer(survey, cast.town_liaison, actor=cast.office_user, township=cast.town)
    q = survey.questions.get(seq=1)
    for user in (cast.leader, cast.town_liaison):
        c = login(user)
        page = c.get(url("question_editor", survey))
        assert page.status_code == 200 and "编辑第1题" not in page.content.decode()
        assert 'id="add-question"' not in page.content.decode()
        assert c.post(url("question_add", survey), question_post()).status_code == 403
        assert c.post(url("question_edit", survey, q), form_of(q, text="改")).status_code == 403
        assert c.post(url("question_remove", survey, q), {"version": 1}).status_code == 403
        order = ",".join(str(x.pk) for x in survey.questions.current())
        assert (
            c.post(url("question_move", survey, q), {"order": order, "direction": "down"}).status_code == 403
        )
    # A unit's liaison does not see the county's survey at all.
    assert login(cast.edu_liaison).get(url("question_editor", survey)).status_code == 404
    assert survey.questions.current().count() == 8 and Question.objects.get(pk=q.pk).text == q.text
