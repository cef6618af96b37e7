"""Browser: the lead unit fills in a project, adds and completes a milestone and submits it; the office
approves it with the rubric and sees it on the progress page."""

import pytest

from shian.showcase.models import Project
from shian.showcase.testing import TEXTS, make_project


@pytest.mark.browser
def test_a_project_goes_from_draft_to_approved_through_the_pages(cast, browser_login, live_server):
    p = make_project(cast.campaign, cast.edu, "校园食安守护", **TEXTS)
    page = browser_login(cast.edu_liaison)
    page.goto(f"{live_server.url}/showcase/{p.pk}/")
    page.fill("#id_title", "方案印发")
    page.fill("#id_due_on", "2026-02-01")
    page.click("text=添加节点")
    page.wait_for_selector("text=计划 2026-02-01")
    page.fill("input[name=done_on]", "2026-02-03")
    page.click("button:has-text('完成')")
    page.wait_for_selector("text=已完成 2026-02-03")
    page.click("text=提交审核")
    page.wait_for_selector("text=待审核")
    assert Project.objects.get(pk=p.pk).status == "submitted"

    page = browser_login(cast.office_user)
    page.goto(f"{live_server.url}/showcase/{p.pk}/")
    page.select_option("#id_decision", "approve")
    for name, score in (("targeted", "8"), ("innovative", "9"), ("exemplary", "7"), ("replicable", "8")):
        page.fill(f"#id_score_{name}", score)
    page.fill("#id_comment", "可复制可推广")
    page.click("text=提交审核意见")
    page.wait_for_selector("text=评分 32/40")
    page.goto(f"{live_server.url}/showcase/progress/?campaign={cast.campaign.pk}")
    assert "1/1" in page.inner_text("table")
