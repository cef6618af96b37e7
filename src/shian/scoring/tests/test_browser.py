"""End to end in Chromium: score with a deduction → problem → the unit fixes it → the office verifies →
the gap list changes."""

import pytest
from playwright.sync_api import expect

from shian.rectification.models import Problem
from shian.scoring import services
from shian.scoring.tests.factories import score


@pytest.mark.browser
def test_deduction_to_verified_problem_changes_gap_list(cast, browser_login, live_server):
    a = services.create_assessment(cast.campaign, actor=cast.office_user, title="三台县自评")
    score(cast, a, cast.items[0], 4)
    score(cast, a, cast.items[2], 3)
    item = cast.items[1]  # 1.2, 2 points, lead unit 教育局
    page = browser_login(cast.office_user)

    page.goto(f"{live_server.url}/scoring/{a.pk}/items/{item.pk}/")
    page.fill("#id_free_deductions", "责任清单未覆盖民办幼儿园|1")
    page.click("button[type=submit]:has-text('保存评分')")
    page.wait_for_url(f"**/scoring/{a.pk}/**")
    assert page.inner_text(f"#item-{item.pk} .score-points") == "1"
    page.screenshot(path="/tmp/h_assessment_detail.png", full_page=True)

    page.goto(f"{live_server.url}/scoring/gap/?campaign={cast.campaign.pk}")
    assert page.locator("#fix-first tr[data-item='1.2']").count() == 1
    page.wait_for_selector("[data-chart-url] canvas")
    page.screenshot(path="/tmp/h_gap_before.png", full_page=True)

    page.goto(f"{live_server.url}/scoring/{a.pk}/")
    page.click("#to-problems")
    page.wait_for_url("**/rectification/**")
    problem = Problem.objects.get()
    assert problem.unit == cast.edu and problem.points == 1
    page.screenshot(path="/tmp/h_problem_list.png", full_page=True)

    page.context.clear_cookies()
    page = browser_login(cast.edu_liaison)
    page.goto(f"{live_server.url}/rectification/{problem.pk}/")
    page.fill("#submit-form textarea[name=text]", "已将全县18所民办幼儿园纳入责任清单")
    page.click("#submit-form button[type=submit]")
    expect(page.locator("#problem-status")).to_have_text("待销号")

    page.context.clear_cookies()
    page = browser_login(cast.office_user)
    page.goto(f"{live_server.url}/rectification/{problem.pk}/")
    page.select_option("#verify-form select[name=method]", "documents")
    page.fill("#verify-form textarea[name=note]", "清单已覆盖全部民办幼儿园")
    page.click("#verify-form button[type=submit]")
    expect(page.locator("#problem-status")).to_have_text("已销号")
    page.screenshot(path="/tmp/h_problem_detail.png", full_page=True)

    page.goto(f"{live_server.url}/scoring/gap/?campaign={cast.campaign.pk}")
    assert page.locator("#fix-first tr[data-item='1.2']").count() == 0
    assert page.locator("#fix-first tr[data-item='2.1']").count() == 1
