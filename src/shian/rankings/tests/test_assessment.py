"""评议考核 annual sheet: grades with 降级, proposals from the system, hand filling by the office only,
and the xlsx in the 考评办's layout."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import load_workbook

from shian.rankings import services
from shian.rankings.arithmetic import grade_for, sheet_total
from shian.rankings.models import AssessmentSheet, RankingScheme
from shian.rankings.signals import register_signal


@pytest.mark.parametrize(
    "total,demoted,grade",
    [
        (95, False, "A"),
        (90, False, "A"),
        (89.99, False, "B"),
        (75, False, "B"),
        (60, False, "C"),
        (59.5, False, "D"),
        (95, True, "B"),
        (61, True, "D"),
        (10, True, "D"),
        (None, True, None),
    ],
)
def test_grades_and_demotion(total, demoted, grade):
    assert grade_for(total, demoted) == grade


def test_the_total_waits_for_every_part():
    assert sheet_total(Decimal(20), None, Decimal(30), Decimal(2)) is None
    assert sheet_total(Decimal(20), Decimal(35), Decimal(30), Decimal(-2)) == Decimal(83)


def test_prefill_proposes_safety_and_demotion_and_keeps_hand_values(cast):
    from shian.incidents.testing import make_incident

    register_signal("test_sheet", "测试", "any", lambda c, s, e: {cast.edu.pk: 80, cast.market.pk: 40})
    scheme = RankingScheme.objects.create(campaign=cast.campaign, name="月度", weights={"test_sheet": 1})
    for month in (3, 4):
        run = services.compute_ranking(scheme, datetime.date(2026, month, 1), actor=cast.office_user)
        services.publish_run(run, actor=cast.office_user)
    services.compute_ranking(scheme, datetime.date(2026, 5, 1), actor=cast.office_user)  # draft: not counted
    make_incident(cast.town, occurred_on=datetime.date(2026, 5, 10), concealed=True, lead_unit=cast.market)
    with pytest.raises(PermissionDenied):
        services.prefill_sheets(cast.campaign, 2026, "member", actor=cast.edu_liaison)
    sheets = {
        s.unit_id: s for s in services.prefill_sheets(cast.campaign, 2026, "member", actor=cast.office_user)
    }
    assert set(sheets) == {cast.edu.pk, cast.market.pk}
    edu, market = sheets[cast.edu.pk], sheets[cast.market.pk]
    assert edu.safety == Decimal("24.00") and edu.figures["ranking_mean"] == 80.0 and edu.demotion == ""
    assert market.safety == Decimal("12.00") and "否决" in market.demotion
    services.update_sheet(
        edu,
        actor=cast.office_user,
        basic=Decimal(28),
        key_work=Decimal(38),
        safety=Decimal(29),
        bonus=Decimal(1),
        bonus_reason="获省级表彰",
    )
    assert edu.total == Decimal(96) and edu.grade == "A"
    services.update_sheet(
        market, actor=cast.office_user, basic=Decimal(30), key_work=Decimal(40), safety=Decimal(30)
    )
    assert market.grade == "B"  # 100 points, but a veto incident lowers it one step
    with pytest.raises(ValidationError):
        services.update_sheet(edu, actor=cast.office_user, basic=Decimal(31))
    with pytest.raises(ValidationError):
        services.update_sheet(edu, actor=cast.office_user, bonus=Decimal(2), bonus_reason="")
    with pytest.raises(PermissionDenied):
        services.update_sheet(edu, actor=cast.edu_liaison, basic=Decimal(30))
    edu.refresh_from_db()
    assert edu.basic == Decimal(28)
    services.prefill_sheets(cast.campaign, 2026, "member", actor=cast.office_user)
    edu.refresh_from_db()
    assert (edu.basic, edu.safety) == (Decimal(28), Decimal(29))  # hand values kept


def test_the_page_the_export_and_who_may_fill(cast, login):
    url = f"/rankings/assessment/?campaign={cast.campaign.pk}&year=2026&kind=member"
    office = login(cast.office_user)
    assert office.post(url, {"prefill": "1"}).status_code == 302
    sheet = AssessmentSheet.objects.get(unit=cast.edu)
    body = {
        "sheet": sheet.pk,
        "version": sheet.version,
        "basic": "27",
        "key_work": "36",
        "safety": "28",
        "bonus": "-1",
        "bonus_reason": "迟报",
        "demotion": "",
    }
    assert office.post(url, body).status_code == 302
    sheet.refresh_from_db()
    assert sheet.total == Decimal(90) and sheet.grade == "A"
    wb = load_workbook(io.BytesIO(b"".join(office.get(url + "&export=xlsx").streaming_content)))
    rows = [[c.value for c in r] for r in wb.active.iter_rows()]
    assert rows[0][:5] == [
        "序号",
        "被考核单位",
        "基础工作（30分）",
        "年度重点工作（40分）",
        "食品安全状况（30分）",
    ]
    edu_row = next(r for r in rows[1:] if r[1] == str(cast.edu))
    assert edu_row[2:] == [27, 36, 28, -1, "迟报", 90, None, "A"]
    unit = login(cast.edu_liaison)
    page = unit.get(url).content.decode()
    assert str(cast.edu) in page and str(cast.market) not in page  # a unit reads its own sheet only
    body["version"] = sheet.version
    assert unit.post(url, body).status_code == 403
    assert (
        login(cast.other_office_user)
        .get(f"/rankings/assessment/?campaign={cast.campaign.pk}&year=2026")
        .content.decode()
        .count(str(cast.edu))
        == 0
    )
