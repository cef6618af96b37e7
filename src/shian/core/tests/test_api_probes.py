"""The inputs that once made the API answer 500: each is now a 400 (or 404) with a Chinese message."""

import pytest

from shian.core.tests.test_api_fuzz import enrich
from shian.dispatch.models import DispatchReport
from shian.rectification.models import Problem

HUGE = "1" * 22  # beyond a 64-bit integer


@pytest.fixture
def data(cast):
    enrich(cast)
    return cast


def test_reopen_with_a_deadline_that_is_not_a_date_is_a_400(data, api):
    problem = Problem.objects.get(status="verified")
    response = api(data.office_user).post(
        f"/api/problems/{problem.pk}/reopen/",
        {"deadline": "null", "reason": "复查不合格", "version": problem.version},
        format="json",
    )
    assert response.status_code == 400, response.content
    assert "deadline" in response.json()


def test_a_report_line_with_a_22_digit_task_id_is_a_400(data, api):
    report = DispatchReport.objects.get(unit=data.edu)
    response = api(data.edu_liaison).patch(
        f"/api/reports/{report.pk}/",
        {"version": report.version, "lines": [{"task": int(HUGE), "progress": 10}]},
        format="json",
    )
    assert response.status_code == 400, response.content


def test_importing_a_ledger_with_campaign_null_is_a_400(data, api):
    response = api(data.office_user).post("/api/problems/import/", {"campaign": "null"}, format="multipart")
    assert response.status_code == 400, response.content
    assert "campaign" in response.json()


@pytest.mark.parametrize(
    "url",
    [
        "/api/tasks/{}/",
        "/api/problems/{}/",
        "/api/campaigns/{}/",
        "/api/reports/{}/",
        "/api/evidence/materials/{}/",
        "/api/units/{}/",
    ],
)
def test_an_id_beyond_64_bits_is_not_a_server_error(data, api, url):
    response = api(data.office_user).get(url.format(HUGE))
    assert response.status_code in (400, 404), response.content


@pytest.mark.parametrize("query", ["campaign", "unit", "assessment", "round", "task"])
def test_a_filter_id_beyond_64_bits_is_a_400(data, api, query):
    for url in ("/api/tasks/", "/api/problems/", "/api/reports/", "/api/item-scores/"):
        response = api(data.office_user).get(url, {query: HUGE})
        assert response.status_code in (200, 400), (url, query, response.content)
