"""有奖举报 through verification and reward, the activities ledger with counts by township, xlsx export,
the API and the figures as of a day."""

import datetime
import io
from decimal import Decimal

import openpyxl
from django.utils import timezone

from shian.community import figures
from shian.community.models import Activity, RewardReport
from shian.community.testing import make_activity, make_poll, make_report


def test_a_report_is_verified_then_rewarded(cast, login):
    report = make_report(cast.town, "JB-1")
    client = login(cast.office_user)
    url = f"/community/reports/{report.pk}/"
    r = client.post(url + "pay/", {"version": report.version, "reward_amount": "500"})
    report.refresh_from_db()
    assert report.status == "received"
    client.post(url + "verify/", {"version": report.version})
    report.refresh_from_db()
    assert report.status == "verified" and report.verified_on == timezone.localdate()
    r = client.post(url + "pay/", {"version": report.version, "reward_amount": "abc"}, follow=True)
    assert "奖励金额" in r.content.decode()
    client.post(url + "pay/", {"version": report.version, "reward_amount": "500"})
    report.refresh_from_db()
    assert report.status == "rewarded" and report.reward_amount == Decimal("500")


def test_a_report_links_to_the_complaint_ledger_by_number(cast, login):
    from shian.supervision.models import ComplaintRecord

    mine = ComplaintRecord.objects.create(
        number="12315-1", region=cast.town, received_on=timezone.localdate()
    )
    ComplaintRecord.objects.create(
        number="12315-X", region=cast.other_county, received_on=timezone.localdate()
    )
    client = login(cast.office_user)
    data = {
        "region": cast.town.pk,
        "number": "JB-2",
        "received_on": timezone.localdate().isoformat(),
        "subject": "某超市",
        "complaint_number": "12315-X",
    }
    r = client.post("/community/reports/add/", data)
    assert r.status_code == 400 and "12315-X" in r.content.decode()
    data["complaint_number"] = "12315-1"
    assert client.post("/community/reports/add/", data).status_code == 302
    assert RewardReport.objects.get(number="JB-2").complaint == mine


def test_activities_count_by_township_and_export(cast, login, django_assert_max_num_queries):
    make_activity(cast.town, "潼川宣传", participants=100, materials=300)
    make_activity(cast.town, "潼川开放日", kind="open_day", participants=50)
    make_activity(cast.town2, "芦溪志愿者", kind="volunteer", volunteers=20)
    make_activity(cast.other_county, "盐亭宣传", participants=999)
    client = login(cast.office_user)
    with django_assert_max_num_queries(25):
        page = client.get("/community/")
    html = page.content.decode()
    assert "潼川宣传" in html and "盐亭宣传" not in html
    rows = {r["region"]: r for r in figures.activities_by_region(cast.office_user, timezone.localdate())}
    assert rows["潼川镇"]["count"] == 2 and rows["潼川镇"]["participants"] == 150
    assert rows["芦溪镇"]["volunteers"] == 20 and "盐亭县" not in rows
    export = client.get("/community/?export=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    titles = {row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert titles == {"潼川宣传", "潼川开放日", "芦溪志愿者"}


def test_figures_as_of_a_day_equal_the_ledgers(cast):
    today = timezone.localdate()
    make_activity(cast.town, "早", days_ago=40, participants=10)
    make_activity(cast.town, "近", days_ago=2, participants=5)
    make_report(
        cast.town,
        "JB-A",
        days_ago=30,
        status="rewarded",
        verified_on=today - datetime.timedelta(days=20),
        paid_on=today - datetime.timedelta(days=10),
        reward_amount=Decimal("300"),
    )
    make_report(cast.town2, "JB-B", days_ago=3)
    make_poll(cast.county)
    before = figures.counts(cast.county, today - datetime.timedelta(days=15))
    assert before["activities"] == 1 and before["participants"] == 10
    assert before["reports_received"] == 1 and before["reports_verified"] == 1
    assert before["reports_rewarded"] == 0 and before["rewards_paid"] == 0
    now = figures.counts(cast.county, today)
    assert now["activities"] == Activity.objects.filter(region__path__startswith=cast.county.path).count()
    assert now["reports_rewarded"] == 1 and now["rewards_paid"] == Decimal("300")
    assert now["reports_received"] == 2 and now["polls"] == 1
    assert "开展食品安全宣传和社会共治活动2场" in figures.sentence(now)
    assert figures.counts(cast.other_county, today)["activities"] == 0


def test_api_create_and_pay(cast, api):
    client = api(cast.office_user)
    r = client.post(
        "/api/community/activities/",
        {
            "region": cast.town.pk,
            "kind": "week",
            "title": "宣传周",
            "held_on": timezone.localdate().isoformat(),
        },
        format="json",
    )
    assert r.status_code == 201, r.content
    r = client.post(
        "/api/community/activities/",
        {"region": cast.other_county.pk, "kind": "week", "title": "越界", "held_on": "2025-01-01"},
        format="json",
    )
    assert r.status_code in (400, 403)
    report = make_report(cast.town, "JB-API")
    url = f"/api/community/reward-reports/{report.pk}/"
    r = client.post(url + "pay/", {"version": report.version, "reward_amount": "100"}, format="json")
    assert r.status_code == 400
    r = client.post(url + "verify/", {"version": report.version, "verified": True}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "verified"
    r = client.post(url + "pay/", {"version": r.json()["version"], "reward_amount": "100"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "rewarded"
    fig = client.get("/api/community/activities/figures/").json()
    assert fig["activities"] == 1 and fig["reports_rewarded"] == 1


def test_the_office_records_an_activity_and_a_township_cannot(cast, login):
    data = {
        "region": cast.town.pk,
        "kind": "open_day",
        "title": "食堂开放日",
        "held_on": timezone.localdate().isoformat(),
        "participants": "80",
        "volunteers": "0",
        "materials": "200",
        "media_reports": "1",
    }
    r = login(cast.office_user).post("/community/activities/add/", data)
    assert r.status_code == 302
    assert Activity.objects.get(title="食堂开放日").participants == 80
    bad = login(cast.office_user).post("/community/activities/add/", {**data, "participants": "-1"})
    assert bad.status_code == 400 and "参与人数" in bad.content.decode()
    r = login(cast.town_liaison).post("/community/activities/add/", {**data, "title": "越权"})
    assert r.status_code in (400, 403)
    assert not Activity.objects.filter(title="越权").exists()
