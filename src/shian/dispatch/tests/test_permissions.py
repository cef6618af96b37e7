import pytest
from django.urls import reverse

from shian.dispatch.choices import ReportStatus, RoundStatus
from shian.dispatch.models import DispatchReport, DispatchRound
from shian.dispatch.tests.factories import open_test_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def rnd(cast):
    return open_test_round(cast)


def test_liaison_cannot_open_another_units_report(cast, login, rnd):
    client = login(cast.edu_liaison)
    market = rnd.reports.get(unit=cast.market)
    assert client.get(reverse("dispatch:report_detail", args=[market.pk])).status_code == 404
    assert client.get(reverse("dispatch:report_edit", args=[market.pk])).status_code == 404
    assert (
        client.post(
            reverse("dispatch:report_edit", args=[market.pk]), {"narrative": "冒名", "action": "submit"}
        ).status_code
        == 404
    )
    assert DispatchReport.objects.get(pk=market.pk).status == ReportStatus.MISSING


def test_round_page_shows_a_unit_only_its_own_report(cast, login, rnd):
    resp = login(cast.edu_liaison).get(rnd.get_absolute_url())
    assert resp.status_code == 200
    assert [r.unit for r in resp.context["summary"]["reports"]] == [cast.edu]
    assert "结束调度" not in resp.content.decode()


def test_uninvolved_unit_cannot_see_the_round(cast, login, rnd):
    assert login(cast.town_liaison).get(rnd.get_absolute_url()).status_code == 404


def test_other_county_is_404(cast, login, rnd):
    client = login(cast.other_office_user)
    assert client.get(rnd.get_absolute_url()).status_code == 404
    assert client.post(reverse("dispatch:round_close", args=[rnd.pk])).status_code == 404
    report = rnd.reports.first()
    assert client.get(reverse("dispatch:report_detail", args=[report.pk])).status_code == 404
    assert login(cast.other_liaison).get(reverse("dispatch:report_edit", args=[report.pk])).status_code == 404


def test_office_and_leader_cannot_file_for_a_unit(cast, login, rnd):
    report = rnd.reports.get(unit=cast.edu)
    assert login(cast.office_user).get(reverse("dispatch:report_edit", args=[report.pk])).status_code == 403
    assert login(cast.leader).get(reverse("dispatch:report_edit", args=[report.pk])).status_code == 404


def test_leader_reads_rounds_but_cannot_open_or_close(cast, login, rnd):
    client = login(cast.leader)
    assert client.get(rnd.get_absolute_url()).status_code == 200
    assert client.get(reverse("dispatch:round_add")).status_code == 403
    assert client.post(reverse("dispatch:round_close", args=[rnd.pk])).status_code == 404
    assert DispatchRound.objects.get(pk=rnd.pk).status == RoundStatus.OPEN


def test_liaison_cannot_open_or_close(cast, login, rnd):
    client = login(cast.edu_liaison)
    assert client.get(reverse("dispatch:round_add")).status_code == 403
    assert client.post(reverse("dispatch:round_close", args=[rnd.pk])).status_code == 404


def test_api_scope(cast, api, rnd):
    market = rnd.reports.get(unit=cast.market)
    edu = api(cast.edu_liaison)
    assert edu.get(f"/api/reports/{market.pk}/").status_code == 404
    assert (
        edu.post(
            f"/api/reports/{market.pk}/submit/", {"narrative": "x", "version": 1}, format="json"
        ).status_code
        == 404
    )
    assert edu.post(f"/api/rounds/{rnd.pk}/close/").status_code == 404
    other = api(cast.other_office_user)
    assert other.get(f"/api/rounds/{rnd.pk}/").status_code == 404
    assert other.get("/api/rounds/").json()["count"] == 0
    assert other.get("/api/rounds/timeliness/", {"campaign": cast.campaign.pk}).status_code == 404
    leader = api(cast.leader)
    assert leader.get(f"/api/rounds/{rnd.pk}/summary/").status_code == 200
    assert leader.post(f"/api/rounds/{rnd.pk}/close/").status_code == 403
    assert (
        leader.post(
            "/api/rounds/",
            {
                "campaign": cast.campaign.pk,
                "kind": "monthly",
                "title": "x",
                "deadline": "2099-01-01T10:00:00+08:00",
            },
            format="json",
        ).status_code
        == 403
    )
