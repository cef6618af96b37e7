"""The assessment's 否决项 are answered from the register over the assessment's period (through the
scoring hook registry), linked to the records; the office overrides only with a written reason, which
the page and the review report show."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from shian.core.models import AuditLog
from shian.framework.models import Gate
from shian.incidents.testing import make_incident
from shian.incidents.veto import KIND, LEVEL, REPORTING, gate_aspects
from shian.scoring import services
from shian.scoring.hooks import _VETO_SOURCES

HELD = dt.date(2026, 6, 30)


def gates(cast):
    """The sample framework's four vetoes (the cast has the first)."""
    fw = cast.framework
    Gate.objects.create(framework=fw, seq=3, kind="veto", name="瞒报、谎报、迟报、漏报食品安全事故")
    Gate.objects.create(framework=fw, seq=4, kind="veto", name="发生造成恶劣社会影响的食品安全事件")
    Gate.objects.create(framework=fw, seq=5, kind="veto", name="创建数据材料弄虚作假")


def assess(cast, held_on=HELD):
    cast.campaign.started_on = dt.date(2025, 1, 1)
    cast.campaign.save()
    return services.create_assessment(cast.campaign, actor=cast.office_user, title="自评", held_on=held_on)


def answers(a):
    return {v.gate.name: v for v in a.vetoes.select_related("gate")}


def test_the_register_is_registered_as_a_veto_source():
    from shian.incidents.veto import veto_from_register

    assert veto_from_register in _VETO_SOURCES


def test_gates_are_read_by_their_names():
    def g(name):
        return gate_aspects(Gate(name=name))

    assert g("发生重大食品安全事故") == {LEVEL}
    assert g("瞒报、谎报、迟报、漏报食品安全事故") == {REPORTING}
    assert g("发生造成恶劣社会影响的食品安全事件") == {KIND}
    assert g("未发生校园食品安全事故和非法添加事件") == {LEVEL, KIND}
    assert g("创建数据材料弄虚作假") == set()


def test_no_incident_in_the_period_answers_no_with_the_period(cast):
    make_incident(cast.town, "期前重大事故", level="ii", occurred_on=dt.date(2024, 12, 31))
    make_incident(cast.town, "评审后重大事故", level="ii", occurred_on=dt.date(2026, 7, 1))
    a = assess(cast)
    v = answers(a)["发生重大食品安全事故"]
    assert v.derived is False and v.occurred is False and v.records == []
    assert "2025年1月1日至2026年6月30日" in v.derived_basis
    assert services.assessment_result(a).gates[0].passed is True


def test_levels_and_kinds_answer_their_own_gates(cast):
    gates(cast)
    make_incident(cast.town, "一般中毒", level="iv", occurred_on=dt.date(2025, 3, 1))
    make_incident(cast.town, "较大事故", level="iii", occurred_on=dt.date(2025, 1, 1))
    make_incident(cast.town, "校园未核实", kind="school", level="none")
    make_incident(cast.town, "舆情", kind="opinion", level="none", confirmed=True)
    make_incident(cast.county, "非法添加已核实", kind="additive", level="none", confirmed=True)
    make_incident(cast.town, "迟报中毒", level="iv", reported_on_time=False)
    make_incident(
        cast.town, "人工认定", level="iv", veto_override=True, override_reason="社会影响恶劣，央视报道"
    )
    make_incident(
        cast.town, "人工排除", level="iii", veto_override=False, override_reason="经复核不属本地事故"
    )
    make_incident(cast.other_county, "外县重大事故", level="ii")
    a = assess(cast)
    v = answers(a)

    def labels(answer):
        return [r["label"].split(" ", 1)[1].split("（")[0] for r in answer.records]

    assert labels(v["发生重大食品安全事故"]) == ["较大事故"]
    assert labels(v["瞒报、谎报、迟报、漏报食品安全事故"]) == ["迟报中毒"]
    assert set(labels(v["发生造成恶劣社会影响的食品安全事件"])) == {"非法添加已核实", "人工认定"}
    assert all(x.occurred is True for k, x in v.items() if k != "创建数据材料弄虚作假")
    manual = v["创建数据材料弄虚作假"]
    assert manual.derived is None and manual.occurred is None
    first = v["发生重大食品安全事故"].records[0]
    assert first["url"] == f"/incidents/{first['url'].split('/')[2]}/"
    assert services.assessment_result(a).outcome == "failed"


def test_override_needs_a_written_reason_and_is_audited(cast):
    a = assess(cast)
    v = a.vetoes.get()
    assert v.derived is False
    with pytest.raises(ValidationError) as exc:
        services.answer_veto(v, actor=cast.office_user, occurred=True, expected_version=v.version)
    assert "override_reason" in exc.value.message_dict
    v = services.answer_veto(
        v,
        actor=cast.office_user,
        occurred=True,
        override_reason="县外就医的重大中毒事件尚未登记",
        expected_version=v.version,
    )
    assert v.is_overridden and "改判" in v.basis_text() and "尚未登记" in v.basis_text()
    assert AuditLog.objects.filter(event="veto_overridden", object_id=str(v.pk)).exists()
    # Refreshing from the register keeps the office's verdict and its reason.
    services.derive_vetoes(a, actor=cast.office_user)
    v.refresh_from_db()
    assert v.occurred is True and v.override_reason
    # Agreeing with the register again drops the override.
    v = services.answer_veto(v, actor=cast.office_user, occurred=False, expected_version=v.version)
    assert not v.is_overridden and v.override_reason == ""


def test_the_database_refuses_an_override_without_reason(cast):
    from django.db import IntegrityError, transaction

    a = assess(cast)
    v = a.vetoes.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        type(v).objects.filter(pk=v.pk).update(occurred=True)


def test_a_new_incident_changes_the_answer_on_refresh_and_on_lock(cast):
    a = assess(cast)
    make_incident(cast.town, "重大事故", level="ii", occurred_on=dt.date(2026, 5, 1))
    assert a.vetoes.get().occurred is False
    assert services.derive_vetoes(a, actor=cast.office_user) == 1
    assert a.vetoes.get().occurred is True
    assert services.derive_vetoes(a, actor=cast.office_user) == 0  # unchanged: nothing written
    a.refresh_from_db()
    make_incident(cast.town, "另一事故", level="i", occurred_on=dt.date(2026, 6, 1))
    services.lock_assessment(a, actor=cast.office_user, expected_version=a.version)
    assert len(a.vetoes.get().records) == 2


def test_only_the_office_of_the_campaign_refreshes(cast):
    a = assess(cast)
    for user in (cast.other_office_user, cast.leader, cast.edu_liaison):
        with pytest.raises(PermissionDenied):
            services.derive_vetoes(a, actor=user)


def test_the_assessment_page_links_the_records_and_shows_the_override(cast, login):
    incident = make_incident(cast.town, "重大事故", level="ii", occurred_on=dt.date(2026, 5, 1))
    a = assess(cast)
    html = login(cast.office_user).get(a.get_absolute_url()).content.decode()
    assert f'href="{incident.get_absolute_url()}"' in html and "事件登记认定" in html
    v = a.vetoes.get()
    client = login(cast.office_user)
    refused = client.post(
        f"/scoring/{a.pk}/gates/",
        {f"veto-{v.pk}": "no", f"version-{v.pk}": v.version, "edit_version": a.version},
    )
    assert refused.status_code == 400 and "改判须写明理由" in refused.content.decode()
    ok = client.post(
        f"/scoring/{a.pk}/gates/",
        {
            f"veto-{v.pk}": "no",
            f"override-{v.pk}": "经省厅复核定为一般事故",
            f"version-{v.pk}": v.version,
            "edit_version": a.version,
        },
    )
    assert ok.status_code == 302
    html = client.get(a.get_absolute_url()).content.decode()
    assert "创建办改判" in html and "经省厅复核定为一般事故" in html


def test_the_refresh_button_is_the_offices(cast, login):
    a = assess(cast)
    make_incident(cast.town, "重大事故", level="ii", occurred_on=dt.date(2026, 5, 1))
    assert login(cast.other_office_user).post(f"/scoring/{a.pk}/refresh/").status_code == 404
    assert a.vetoes.get().occurred is False
    assert login(cast.office_user).post(f"/scoring/{a.pk}/refresh/").status_code == 302
    assert a.vetoes.get().occurred is True


def test_the_review_report_prints_the_basis_and_the_override(cast):
    from shian.reports.documents import assessment as report

    make_incident(cast.town, "重大事故", level="ii", occurred_on=dt.date(2026, 5, 1))
    a = assess(cast)
    v = a.vetoes.get()
    services.answer_veto(
        v,
        actor=cast.office_user,
        occurred=False,
        override_reason="省级复核认定不属实",
        expected_version=v.version,
    )
    result = services.assessment_result(a)
    blocks = report._score_sections(a, result, services.engine.framework_spec(cast.framework), {}, False)
    text = " ".join(str(getattr(b, "runs", "")) + str(getattr(b, "text", "")) for b in blocks)
    assert "事件登记显示" in text and "重大事故" in text and "省级复核认定不属实" in text


def test_registering_an_incident_updates_the_open_assessments_only(cast):
    from shian.incidents import services as incidents

    open_a = assess(cast)
    locked = services.create_assessment(cast.campaign, actor=cast.office_user, title="已签署", held_on=HELD)
    services.lock_assessment(locked, actor=cast.office_user, expected_version=locked.version)
    incident = incidents.create_incident(
        actor=cast.office_user,
        region=cast.town,
        title="重大中毒",
        occurred_on=dt.date(2026, 5, 1),
        kind="poisoning",
        level="ii",
    )
    assert open_a.vetoes.get().occurred is True
    assert locked.vetoes.get().occurred is False
    incident = incidents.update_incident(
        incident,
        actor=cast.office_user,
        expected_version=incident.version,
        veto_override=False,
        override_reason="经省级复核不属本地事故",
    )
    assert open_a.vetoes.get().occurred is False
    assert other_county_untouched(cast)


def other_county_untouched(cast):
    other = services.create_assessment(cast.other_campaign, actor=cast.other_office_user, title="盐亭")
    return other.vetoes.get().occurred is False
