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
