"""Browser: a liaison claims a task and files the dispatch report on a phone-sized and a desktop screen."""

import pytest

from shian.dispatch.choices import ReportStatus
from shian.dispatch.tests.factories import open_test_round
from shian.workplan.choices import TaskStatus
from shian.workplan.models import Task

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


def shoot(page, name):
    """Desktop and phone screenshots of the current page (looked at while building it)."""
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=f"/tmp/wp_{name}_desktop.png", full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=f"/tmp/wp_{name}_phone.png", full_page=True)
    page.set_viewport_size(DESKTOP)


@pytest.mark.browser
def test_liaison_claims_a_task_and_files_the_report(cast, browser_login, live_server):
    rnd = open_test_round(cast)
    page = browser_login(cast.edu_liaison)
    page.on("dialog", lambda dialog: dialog.accept())

    page.goto(f"{live_server.url}/tasks/")
    assert "我的任务" in page.inner_text("h1")
    shoot(page, "task_list")
    page.click("text=制定学校食堂食品安全管理责任清单")
    page.wait_for_selector("#claim-btn")
    shoot(page, "task_detail")
    page.click("#claim-btn")  # HTMX: the panel is swapped in place
    page.wait_for_selector("#progress-form")
    assert page.inner_text("#task-status") == "进行中"
    task = Task.objects.get(pk=cast.edu_task.pk)
    assert (task.status, task.claimed_by_id) == (TaskStatus.IN_PROGRESS, cast.edu_liaison.pk)

    page.goto(f"{live_server.url}/dispatch/")
    page.click(".alert-warning >> text=填报")
    page.wait_for_selector("#report-form")
    key = f"line-{cast.edu_task.pk}"
    page.select_option(f"#{key}-status", "in_progress")
    page.fill(f"#{key}-progress", "60")
    page.fill(f"#{key}-note", "责任清单已起草，正在征求学校意见")
    page.fill("#id_narrative", "本月召开专题会议1次，起草学校食堂食品安全管理责任清单。")
    page.fill("#id_problems", "部分民办学校配合不够")
    shoot(page, "report_form")
    page.click("button[value=submit]")
    page.wait_for_selector("#report-timeliness")
    assert page.inner_text("#report-timeliness") == "按时"

    report = rnd.reports.get(unit=cast.edu)
    assert report.status == ReportStatus.SUBMITTED
    assert report.submitted_by_id == cast.edu_liaison.pk
    assert report.narrative == "本月召开专题会议1次，起草学校食堂食品安全管理责任清单。"
    assert list(report.lines.values_list("task_id", "status", "progress", "note")) == [
        (cast.edu_task.pk, "in_progress", 60, "责任清单已起草，正在征求学校意见")
    ]
    task.refresh_from_db()
    assert (task.status, task.progress, task.latest_note) == (
        TaskStatus.IN_PROGRESS,
        60,
        "责任清单已起草，正在征求学校意见",
    )

    page.goto(f"{live_server.url}{rnd.get_absolute_url()}")
    assert "教育局" in page.inner_text("[data-group=按时]")
    shoot(page, "round_detail_liaison")
    # The office sees the whole round.
    page.context.clear_cookies()
    page = browser_login(cast.office_user)
    page.goto(f"{live_server.url}{rnd.get_absolute_url()}")
    assert "教育局" in page.inner_text("[data-group=按时]")
    assert "市场监管局" in page.inner_text("[data-group=未报送]")
    shoot(page, "round_detail_office")
