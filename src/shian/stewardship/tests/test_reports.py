"""Checks (over load, rule-breaking bindings), overdue reminders through core.notify, the quarterly summary
with quarter boundaries, page and xlsx."""

import datetime
import io

import openpyxl
import pytest
from django.core.management import call_command

from shian.core import notify
from shian.registry.testing import make_business
from shian.stewardship import figures, services
from shian.stewardship.models import Binding, Cadre, StewardVisit, VisitFinding


@pytest.fixture
def setup(cast):
    services.ensure_defaults()
    rule = services.rules()["village"]
    rule.max_load = 1
    rule.save()
    c = Cadre.objects.create(
        name="李村干", level="village", region=cast.town, phone="13800000051", unit=cast.town_unit
    )
    b1 = make_business(cast.town, 1, baobao_level="village")
    b2 = make_business(cast.town, 2, baobao_level="county")  # breaks the rule
    Binding.objects.create(cadre=c, business=b1)
    Binding.objects.create(cadre=c, business=b2)
    return c, b1, b2


def test_checks_page_lists_over_load_and_breaking(cast, setup, login, django_assert_max_num_queries):
    c, _b1, b2 = setup
    client = login(cast.office_user)
    with django_assert_max_num_queries(25):
        body = client.get("/stewardship/checks/").content.decode()
    assert "超出包保上限的干部（1）" in body and "李村干" in body
    assert "不符合层级对应规则的包保关系（1）" in body and b2.name in body
    other = login(cast.other_office_user).get("/stewardship/checks/").content.decode()
    assert "李村干" not in other and "（0）" in other


def test_overdue_cadres_are_reminded_once_a_week(cast, setup, monkeypatch):
    c, b1, b2 = setup
    calls = []
    monkeypatch.setattr(notify, "notify_event", lambda *a, **kw: calls.append((a, kw)))
    today = datetime.date(2026, 6, 10)
    StewardVisit.objects.create(cadre=c, business=b1, visited_on=datetime.date(2026, 6, 1))
    StewardVisit.objects.create(cadre=c, business=b2, visited_on=datetime.date(2026, 4, 1))
    quiet = Cadre.objects.create(name="无单位", level="village", region=cast.town, phone="13800000052")
    far = make_business(cast.town, 3, baobao_level="village")
    Binding.objects.create(cadre=quiet, business=far)
    StewardVisit.objects.create(cadre=quiet, business=far, visited_on=datetime.date(2026, 1, 1))
    assert {x for x, _late in services.overdue_cadres(Cadre.objects.all(), today)} == {c, quiet}
    assert services.remind_overdue(today) == 1  # the cadre without login or unit gets the link instead
    (event, obj), kw = calls[0]
    assert event == "visit" and obj == c and kw["units"] == [cast.town_unit.pk]
    assert "1个主体未按时督导" in kw["title"] and b2.name in kw["body"]
    assert kw["occasion"] == "2026-W24" and kw["campaign"] == cast.campaign.pk
    assert kw["url"] == f"/stewardship/{c.pk}/round/"
    StewardVisit.objects.create(cadre=c, business=b2, visited_on=today)
    assert services.remind_overdue(today) == 0


def test_remind_command(cast, setup, capsys):
    c, b1, _b2 = setup
    StewardVisit.objects.create(cadre=c, business=b1, visited_on=datetime.date(2026, 1, 5))
    call_command("remind-stewards", "--date", "2026-06-10")
    assert "已提醒逾期包保干部 1 人" in capsys.readouterr().out


def test_quarter_bounds_and_summary(cast, setup):
    c, b1, b2 = setup
    assert figures.quarter_bounds(2026, 1) == (datetime.date(2026, 1, 1), datetime.date(2026, 3, 31))
    assert figures.quarter_bounds(2026, 4) == (datetime.date(2026, 10, 1), datetime.date(2026, 12, 31))
    # a visit on the last day of Q1 counts in Q1, one on the first day of Q2 in Q2
    v = StewardVisit.objects.create(cadre=c, business=b1, visited_on=datetime.date(2026, 3, 31))
    StewardVisit.objects.create(cadre=c, business=b2, visited_on=datetime.date(2026, 4, 1))
    VisitFinding.objects.create(visit=v, text="a", status="fixed")
    VisitFinding.objects.create(visit=v, text="b")
    q1 = {r["region"]: r for r in figures.quarterly_summary(cast.county, 2026, 1)}
    town = q1[cast.town]
    assert (town["cadres"], town["bindings"], town["required"], town["done"]) == (1, 2, 6, 1)  # 12/4 × 2
    assert (town["found"], town["fixed"], town["cadres_on_time"]) == (2, 1, 0)
    q2 = {r["region"]: r for r in figures.quarterly_summary(cast.county, 2026, 2)}
    assert q2[cast.town]["done"] == 1 and q2[cast.town]["found"] == 0
    assert q1[cast.town2]["required"] == 0 and q1[cast.town2]["rate"] is None


def test_summary_page_and_xlsx(cast, setup, login):
    client = login(cast.office_user)
    page = client.get("/stewardship/summary/?year=2026&quarter=1")
    assert page.status_code == 200 and "三台县2026年第1季度包保工作汇总" in page.content.decode()
    r = client.get("/stewardship/summary/?year=2026&quarter=1&export=xlsx")
    ws = openpyxl.load_workbook(io.BytesIO(b"".join(r.streaming_content))).active
    rows = list(ws.values)
    assert rows[0][0] == "乡镇（街道）" and {row[0] for row in rows[1:]} == {"潼川镇", "芦溪镇"}
    other = login(cast.other_office_user).get("/stewardship/summary/?year=2026&quarter=1").content.decode()
    assert "潼川镇" not in other


def test_the_daily_reminder_pass_reminds_overdue_cadres(cast, setup):
    """`shian remind` and the scheduler run notifications' pass, which includes the 包保 reminders."""
    from shian.notifications.models import Notification
    from shian.notifications.reminders import describe, run_pass

    c, b1, _b2 = setup
    StewardVisit.objects.create(cadre=c, business=b1, visited_on=datetime.date(2026, 1, 5))
    now = datetime.datetime(2026, 6, 10, 9, tzinfo=datetime.UTC)
    result = run_pass(now=now)
    assert result["stewards"] == 1 and "包保督导逾期提醒 1 人" in describe(result)
    assert Notification.objects.filter(title__contains="未按时督导").exists()
    assert run_pass(now=now)["stewards"] == 1  # counted again, but notify_event sends once per week
    assert Notification.objects.filter(title__contains="未按时督导").count() == 1


def test_township_report_says_what_the_records_say(cast, setup, login):
    """三表一书一报告: the three tables, the 承诺书 state and the report's figures from the records; the other
    county's office cannot download ours."""
    from docx import Document as open_docx

    from shian.stewardship import docs
    from shian.stewardship.models import Commitment

    c, b1, b2 = setup
    other = Cadre.objects.create(name="王乡干", level="township", region=cast.town, phone="13800000061")
    Binding.objects.create(cadre=other, business=b2)
    # bound in January (a binding made after the report's date would not be in it)
    Binding.objects.update(created_at=datetime.datetime(2026, 1, 5, tzinfo=datetime.UTC))
    StewardVisit.objects.create(cadre=c, business=b1, visited_on=datetime.date(2026, 3, 1))
    v = StewardVisit.objects.create(cadre=c, business=b2, visited_on=datetime.date(2026, 5, 1))
    VisitFinding.objects.create(visit=v, text="健康证过期", status="fixed")
    VisitFinding.objects.create(visit=v, text="未留样")
    StewardVisit.objects.create(cadre=c, business=b1, visited_on=datetime.date(2026, 8, 1))  # after as_of
    Commitment.objects.create(
        cadre=c, year=2026, signed_scan="x/scan.pdf", signed_on=datetime.date(2026, 2, 1)
    )
    doc = open_docx(io.BytesIO(docs.township_report_docx(cast.town, 2026, datetime.date(2026, 6, 30))))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "“三表一书一报告”" in text and "数据截至2026年6月30日" in text
    assert "共有包保干部2名（县级0名、乡级1名、村级1名），包保食品生产经营主体2家、包保关系3个" in text
    assert "2026年以来开展督导2次" in text and "督导发现问题2个，复查已整改1个，转为整改问题0个" in text
    assert "1名干部已签订三张清单一承诺书，1名尚未签订（王乡干）" in text
    t1, t2, t3 = doc.tables[:3]
    assert [r.cells[1].text for r in t1.rows[1:]] == sorted([b1.name, b2.name, b2.name])
    assert {r.cells[1].text: r.cells[4].text for r in t2.rows[1:]} == {"王乡干": "1", "李村干": "2"}
    assert {r.cells[1].text: r.cells[3].text for r in t3.rows[1:]} == {"王乡干": "0", "李村干": "2"}
    url = f"/stewardship/summary/{cast.town.pk}/report.docx?year=2026"
    assert login(cast.office_user).get(url).status_code == 200
    assert (
        "三表一书一报告"
        in login(cast.office_user).get("/stewardship/summary/?year=2026&quarter=2").content.decode()
    )
    assert login(cast.other_office_user).get(url).status_code == 404
