"""Browser: a resident answers the satisfaction survey on a phone through its link; a second try from the
same phone is refused; the office sees the rate."""

import pytest

from shian.surveys import services
from shian.surveys.models import Response

PHONE = {"width": 390, "height": 844}


@pytest.mark.browser
def test_a_resident_answers_on_a_phone_once(cast, page, live_server):
    survey = services.create_survey(cast.campaign, actor=cast.office_user, kind="satisfaction")
    services.set_quota(survey, cast.town, 50, actor=cast.office_user)
    link = services.create_link(survey, actor=cast.office_user)
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/s/{link.token}/")
    page.wait_for_selector("#survey-form")
    # Phone-friendly: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.select_option("#township", str(cast.town.pk))
    for q in survey.questions.all():
        page.click(f"label[for='q{q.seq}-1']")
    page.click("#survey-submit")
    page.wait_for_selector("#survey-thanks")
    r = Response.objects.get()
    assert r.township == cast.town and r.score == 80 and r.positive

    page.goto(f"{live_server.url}/s/{link.token}/")
    page.select_option("#township", str(cast.town.pk))
    for q in survey.questions.all():
        page.click(f"label[for='q{q.seq}-0']")
    page.click("#survey-submit")
    page.wait_for_selector("#survey-error")
    assert "已提交过" in page.inner_text("#survey-error")
    assert Response.objects.count() == 1


@pytest.mark.browser
def test_a_resident_answers_through_the_qr_of_a_code_card(cast, page, live_server, settings, tmp_path):
    import os

    from shian.surveys.distribution import public_url

    settings.SHIAN_SITE_URL = live_server.url
    survey = services.create_survey(cast.campaign, actor=cast.office_user, kind="satisfaction")
    batch = services.generate_codes(survey, 2, actor=cast.office_user, township=cast.town)
    code = batch.codes.first()
    page.set_viewport_size(PHONE)
    # What the card's QR holds: the link's address with the code.
    page.goto(public_url(batch.link, code.code))
    page.wait_for_selector("#survey-form")
    assert page.input_value("#code") == code.code
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.select_option("#age_group", "45_59")
    for q in survey.questions.current():
        page.click(f"label[for='q{q.seq}-0']")
    shot = os.environ.get("SHIAN_SCREENSHOT_DIR", str(tmp_path))
    page.screenshot(path=os.path.join(shot, "survey-code-390.png"), full_page=True)
    page.click("#survey-submit")
    page.wait_for_selector("#survey-thanks")
    r = Response.objects.get()
    assert r.township == cast.town and r.age_group == "45_59" and r.score == 100
    code.refresh_from_db()
    assert code.used
    # The same card again is refused.
    page.goto(public_url(batch.link, code.code))
    for q in survey.questions.current():
        page.click(f"label[for='q{q.seq}-0']")
    page.click("#survey-submit")
    page.wait_for_selector("#survey-error")
    assert "已使用" in page.inner_text("#survey-error")


@pytest.mark.browser
def test_a_door_to_door_interviewer_enters_a_visit_on_a_phone(cast, browser_login, live_server, tmp_path):
    import os

    survey = services.create_survey(cast.campaign, actor=cast.office_user, kind="satisfaction")
    services.assign_interviewer(
        survey, cast.town_liaison, actor=cast.office_user, channel="door", township=cast.town
    )
    page = browser_login(cast.town_liaison)
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/surveys/{survey.pk}/interview/")
    page.wait_for_selector("#survey-form")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.click("label[for='outcome-answered']")
    for q in survey.questions.current():
        page.click(f"label[for='q{q.seq}-2']")
    page.click("#survey-submit")
    page.wait_for_selector(".messages .alert:has-text('答卷已保存')")
    page.click("label[for='outcome-no_answer']")
    page.click("#survey-submit")
    page.wait_for_selector(".messages .alert:has-text('无人接听')")
    shot = os.environ.get("SHIAN_SCREENSHOT_DIR", str(tmp_path))
    page.screenshot(path=os.path.join(shot, "survey-interview-390.png"))
    r = Response.objects.get()
    assert r.channel == "door" and r.township == cast.town and r.score == 60
    page.goto(f"{live_server.url}/surveys/{survey.pk}/")
    assert "0.500" in page.inner_text("#response-rate")


@pytest.mark.browser
def test_the_poster_fits_a_phone_and_carries_the_qr(cast, browser_login, live_server, tmp_path):
    import os

    survey = services.create_survey(cast.campaign, actor=cast.office_user, kind="satisfaction")
    link = services.create_link(survey, actor=cast.office_user, township=cast.town)
    page = browser_login(cast.office_user)
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/surveys/links/{link.pk}/poster/")
    page.wait_for_selector("#poster-qr")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.evaluate("document.getElementById('poster-qr').naturalWidth") > 100
    shot = os.environ.get("SHIAN_SCREENSHOT_DIR", str(tmp_path))
    page.screenshot(path=os.path.join(shot, "survey-poster-390.png"), full_page=True)


@pytest.mark.browser
def test_the_office_adds_a_question_with_a_skip_condition_and_previews_it(
    cast, browser_login, live_server, tmp_path
):
    import os

    shot = os.environ.get("SHIAN_SCREENSHOT_DIR", str(tmp_path))
    survey = services.create_survey(cast.campaign, actor=cast.office_user, kind="satisfaction")
    services.submit_response(
        services.create_link(survey, actor=cast.office_user, township=cast.town),
        {str(q.seq): 0 for q in survey.questions.current()},
        device="x" * 22,
    )
    page = browser_login(cast.office_user)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/surveys/{survey.pk}/")
    page.click("#edit-questions")
    page.wait_for_selector("#question-list")
    page.click("#add-question")  # HTMX: the form comes into the page
    page.wait_for_selector("#question-form")
    assert page.is_hidden("#q-scale") and page.is_visible("#q-options")
    page.fill("#q-text", "您对哪方面不满意？")
    page.fill("#q-block", "补充")
    labels = page.locator("input[name='opt_label']")
    for i, text in enumerate(["食品价格", "卫生状况", "监管执法"]):
        labels.nth(i).fill(text)
    page.select_option("#q-cond-seq", "1")
    assert page.is_visible("[data-cond-for='1']") and page.is_hidden("[data-cond-for='2']")
    page.click("label[for='cond-1-3']")
    page.click("label[for='cond-1-4']")
    page.screenshot(path=os.path.join(shot, "survey-editor-form-1366.png"), full_page=True)
    page.click("#question-save")
    page.wait_for_selector("#editor-notice")
    assert "问卷升为第2版" in page.inner_text("#editor-notice")
    card = page.locator("#question-list li[data-seq='9']")
    assert "第1题选“不太满意”或“不满意”时显示" in card.inner_text()
    assert "当前第2版" in page.inner_text("#form-version")
    q = survey.questions.current().get(seq=9)
    assert q.condition == {"seq": 1, "in": [3, 4]} and q.since_version == 2 and q.block == "补充"
    page.screenshot(path=os.path.join(shot, "survey-editor-1366.png"), full_page=True)

    page.set_viewport_size(PHONE)
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.click(f"#question-{q.pk} a[aria-label='编辑第9题']")
    page.wait_for_selector("#question-form")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=os.path.join(shot, "survey-editor-form-390.png"), full_page=True)

    page.goto(f"{live_server.url}/surveys/{survey.pk}/questions/preview/")
    page.wait_for_selector("#preview-banner")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.is_hidden("#q9")
    page.click("label[for='q1-4']")  # 不满意 → the follow-up question appears
    assert page.is_visible("#q9")
    page.screenshot(path=os.path.join(shot, "survey-preview-390.png"), full_page=True)
    page.click("label[for='q1-0']")
    assert page.is_hidden("#q9")
