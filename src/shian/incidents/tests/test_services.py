"""The register decides the 否决项: levels, listed kinds once confirmed, late or concealed reports, the
criteria's period, and an override only with a written reason."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from shian.core.models import AuditLog
from shian.incidents import services
from shian.incidents.figures import incident_counts, veto_incidents
from shian.incidents.testing import make_incident

START, END = dt.date(2025, 1, 1), dt.date(2026, 12, 31)


def titles(rows):
    return {r.title for r in rows}


def test_it_derives_vetoes_from_level_kind_and_reporting(cast):
    make_incident(cast.town, "一般中毒", level="iv")
    make_incident(cast.town, "较大事故", level="iii")
    make_incident(cast.town, "重大事故", level="ii")
    make_incident(cast.town, "校园未核实", kind="school", level="none")
    make_incident(cast.town, "校园已核实", kind="school", level="none", confirmed=True)
    make_incident(cast.town, "迟报", reported_on_time=False)
    make_incident(cast.town, "按时", reported_on_time=True)
    make_incident(cast.county, "瞒报", concealed=True)
    assert titles(veto_incidents(cast.county, START, END)) == {
        "较大事故",
        "重大事故",
        "校园已核实",
        "迟报",
        "瞒报",
    }


def test_it_counts_only_the_period_and_the_region(cast):
    make_incident(cast.town, "期内", level="ii", occurred_on=dt.date(2025, 1, 1))
    make_incident(cast.town, "期前", level="ii", occurred_on=dt.date(2024, 12, 31))
    make_incident(cast.town, "期后", level="ii", occurred_on=dt.date(2027, 1, 1))
    make_incident(cast.other_county, "外县", level="ii", occurred_on=dt.date(2026, 1, 1))
    assert titles(veto_incidents(cast.county, START, END)) == {"期内"}
    assert titles(veto_incidents(cast.town, START, END)) == {"期内"}
    counts = incident_counts(cast.county, START, END)
    assert counts["total"] == 1 and counts["veto"] == 1 and counts["by_level"] == {"重大（Ⅱ级）": 1}


def test_an_override_needs_a_written_reason_and_is_logged(cast):
    incident = make_incident(cast.town, "重大事故", level="ii")
    with pytest.raises(ValidationError) as err:
        services.update_incident(
            incident, actor=cast.office_user, expected_version=incident.version, veto_override=False
        )
    assert "理由" in str(err.value)
    incident.refresh_from_db()
    services.update_incident(
        incident,
        actor=cast.office_user,
        expected_version=incident.version,
        veto_override=False,
        override_reason="经省局认定为外地输入，不属本地责任",
    )
    assert veto_incidents(cast.county, START, END) == []
    assert AuditLog.objects.filter(event="incident_veto_changed", note__contains="外地输入").exists()
    incident.refresh_from_db()
    assert incident.veto_reasons() == ["人工认定：经省局认定为外地输入，不属本地责任"]


def test_an_override_can_also_add_a_veto(cast):
    make_incident(cast.town, "一般", level="iv", veto_override=True, override_reason="上级通报")
    assert titles(veto_incidents(cast.county, START, END)) == {"一般"}


def test_only_the_office_of_the_region_registers(cast):
    for user in (cast.leader, cast.town_liaison, cast.other_office_user, cast.expert):
        with pytest.raises(PermissionDenied):
            services.create_incident(
                actor=user, region=cast.town, title="x", occurred_on=dt.date(2026, 1, 1), kind="other"
            )
    incident = services.create_incident(
        actor=cast.office_user, region=cast.town, title="登记", occurred_on=dt.date(2026, 1, 1), kind="other"
    )
    assert AuditLog.objects.filter(event="incident_registered", note="登记").exists()
    with pytest.raises(PermissionDenied):
        services.update_incident(
            incident, actor=cast.office_user, expected_version=incident.version, region=cast.other_county
        )


def test_timeline_and_closure(cast):
    incident = make_incident(cast.town)
    services.add_event(incident, actor=cast.office_user, kind="report", note="向县政府报告")
    with pytest.raises(ValidationError):
        services.close_incident(
            incident,
            actor=cast.office_user,
            expected_version=incident.version,
            closed_on=dt.date(2026, 6, 9),
            summary=" ",
        )
    with pytest.raises(ValidationError) as err:
        services.close_incident(
            incident,
            actor=cast.office_user,
            expected_version=incident.version,
            closed_on=dt.date(2026, 5, 1),
            summary="结",
        )
    assert "结案日期" in str(err.value)
    incident.refresh_from_db()
    services.close_incident(
        incident,
        actor=cast.office_user,
        expected_version=incident.version,
        closed_on=dt.date(2026, 6, 9),
        summary="已结案",
    )
    assert [e.kind for e in incident.events.all()] == ["report", "closure"]
    with pytest.raises(ValidationError):
        services.add_event(incident, actor=cast.office_user, kind="note", note="晚了")
