"""The probes of issue 9, each tried again: none of them may do harm now."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from shian.campaigns.models import Campaign
from shian.organisation.models import Unit
from shian.rectification.models import Summons
from shian.scoring import services as scoring
from shian.scoring.models import Assessment, VetoAnswer
from shian.supervision import services as supervision
from shian.supervision.models import Metric, MetricForm, MetricValue
from shian.workplan.models import Task


def test_office_cannot_move_its_campaign_to_another_county(cast, api):
    client = api(cast.office_user)
    resp = client.patch(
        f"/api/campaigns/{cast.campaign.pk}/",
        {"version": cast.campaign.version, "region": cast.other_county.pk},
        format="json",
    )
    assert resp.status_code == 403 and "管理范围" in resp.json()["detail"]
    cast.campaign.refresh_from_db()
    assert cast.campaign.region == cast.county and cast.campaign.version == 1
    assert Task.objects.filter(campaign__region=cast.county).count() == 2


def test_office_cannot_move_a_unit_to_another_county(cast, api):
    resp = api(cast.office_user).patch(
        f"/api/units/{cast.edu.pk}/",
        {"version": cast.edu.version, "region": cast.other_county.pk},
        format="json",
    )
    assert resp.status_code == 403
    assert Unit.objects.get(pk=cast.edu.pk).region == cast.county


def test_office_cannot_hand_an_assessment_to_another_campaign(cast, api):
    a = scoring.create_assessment(cast.campaign, actor=cast.office_user, title="三台自评")
    resp = api(cast.office_user).patch(
        f"/api/assessments/{a.pk}/", {"version": a.version, "campaign": cast.other_campaign.pk}, format="json"
    )
    assert resp.status_code == 400 and "campaign" in resp.json()
    assert Assessment.objects.get(pk=a.pk).campaign == cast.campaign


def test_edit_page_that_moves_a_campaign_out_of_scope_saves_nothing(cast, login):
    client = login(cast.office_user)
    url = reverse("campaigns:campaign_edit", args=[cast.campaign.pk])
    resp = client.post(
        url,
        {
            "name": "改名",
            "region": cast.other_county.pk,
            "level": "provincial_county",
            "framework": cast.framework.pk,
            "status": "active",
            "edit_version": 1,
        },
    )
    assert resp.status_code == 400  # the other county is not among the regions offered
    assert Campaign.objects.get(pk=cast.campaign.pk).name != "改名"


def test_campaign_form_offers_no_private_framework_of_another_county(cast, login):
    body = login(cast.office_user).get(reverse("campaigns:campaign_add")).content.decode()
    assert cast.framework.name in body and "盐亭评价细则" not in body


def test_edit_page_without_its_version_is_refused(cast, login):
    client = login(cast.office_user)
    url = reverse("campaigns:campaign_edit", args=[cast.campaign.pk])
    resp = client.post(
        url,
        {
            "name": "改名",
            "region": cast.county.pk,
            "level": "provincial_county",
            "framework": cast.framework.pk,
            "status": "active",
        },
    )
    assert resp.status_code == 400 and "版本号" in resp.content.decode()
    assert Campaign.objects.get(pk=cast.campaign.pk).name != "改名"


def test_veto_answer_with_a_stale_version_is_refused_and_a_fresh_one_bumps_it(cast, api):
    a = scoring.create_assessment(cast.campaign, actor=cast.office_user, title="三台自评")
    veto = a.vetoes.get()
    client = api(cast.office_user)
    body = {"occurred": False, "evidence": "经查无事故", "version": veto.version}
    assert client.patch(f"/api/veto-answers/{veto.pk}/", body, format="json").status_code == 200
    assert VetoAnswer.objects.get(pk=veto.pk).version == veto.version + 1
    stale = client.patch(f"/api/veto-answers/{veto.pk}/", {**body, "occurred": True}, format="json")
    assert stale.status_code == 409
    assert VetoAnswer.objects.get(pk=veto.pk).occurred is False
    missing = client.patch(
        f"/api/veto-answers/{veto.pk}/", {"occurred": True, "evidence": "x"}, format="json"
    )
    assert missing.status_code == 400 and "version" in missing.json()


def test_task_progress_without_a_version_changes_nothing(cast, api):
    resp = api(cast.edu_liaison).post(
        f"/api/tasks/{cast.edu_task.pk}/progress/", {"progress": 50}, format="json"
    )
    assert resp.status_code == 400 and "version" in resp.json()
    assert Task.objects.get(pk=cast.edu_task.pk).progress == 0


def test_problem_actions_without_or_with_a_stale_version_change_nothing(cast, api):
    from shian.rectification.tests.test_services import make_problem

    p = make_problem(cast)
    client = api(cast.edu_liaison)
    for action, body in (("progress", {"text": "已部署"}), ("submit", {"text": "完成"})):
        assert client.post(f"/api/problems/{p.pk}/{action}/", body, format="json").status_code == 400
        stale = client.post(
            f"/api/problems/{p.pk}/{action}/", {**body, "version": p.version - 1 or 99}, format="json"
        )
        assert stale.status_code == 409
    p.refresh_from_db()
    assert p.status == "open" and not p.notes.exists()
    office = api(cast.office_user)
    for action, body in (
        ("verify", {"method": "onsite", "note": "x"}),
        ("reject", {"reason": "x"}),
        ("reopen", {"reason": "x"}),
    ):
        assert office.post(f"/api/problems/{p.pk}/{action}/", body, format="json").status_code in (400, 409)


def test_summons_record_needs_its_version(cast, login):
    summons = Summons.objects.create(campaign=cast.campaign, unit=cast.edu)
    resp = login(cast.office_user).post(
        reverse("rectification:summons_edit", args=[summons.pk]),
        {"reason": "逾期", "held_on": "2026-11-30", "attendees": "赵局长", "outcome": "限期整改"},
    )
    assert resp.status_code == 400
    assert Summons.objects.get(pk=summons.pk).outcome == ""


def test_a_value_one_unit_entered_cannot_be_overwritten_by_another(cast):
    form = MetricForm.objects.create(code="training", name="培训情况", frequency="year")
    metric = Metric.objects.create(form=form, code="trained", name="培训人次")
    year = str(timezone.localdate().year)
    supervision.save_metric_values(
        form, year, {cast.county: {"trained": Decimal("120")}}, actor=cast.edu_liaison
    )
    value = MetricValue.objects.get(metric=metric)
    assert value.unit == cast.edu
    with pytest.raises(PermissionDenied):
        supervision.save_metric_values(
            form, year, {cast.county: {"trained": Decimal("5")}}, actor=cast.market_liaison
        )
    assert MetricValue.objects.get(pk=value.pk).value == Decimal("120")
    # the office that manages the county may correct it
    supervision.save_metric_values(
        form, year, {cast.county: {"trained": Decimal("121")}}, actor=cast.office_user
    )
    assert MetricValue.objects.get(pk=value.pk).value == Decimal("121")
