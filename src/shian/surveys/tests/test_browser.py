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
