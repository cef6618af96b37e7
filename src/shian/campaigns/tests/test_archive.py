"""归档 makes a campaign read-only everywhere; deletion says first what would go, per kind."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from shian.campaigns.models import Campaign, Milestone
from shian.campaigns.services import archive_campaign, deletion_summary, unarchive_campaign
from shian.core.models import AuditLog
from shian.rectification.models import Problem
from shian.workplan import services as task_services
from shian.workplan.models import Task


@pytest.fixture
def archived(cast):
    archive_campaign(cast.campaign, actor=cast.office_user)
    cast.campaign.refresh_from_db()
    return cast


def test_archiving_is_the_offices_and_is_audited(cast):
    with pytest.raises(PermissionDenied):
        archive_campaign(cast.campaign, actor=cast.leader)
    with pytest.raises(PermissionDenied):
        archive_campaign(cast.campaign, actor=cast.other_office_user)
    archive_campaign(cast.campaign, actor=cast.office_user)
    assert Campaign.objects.get(pk=cast.campaign.pk).is_archived
    assert AuditLog.objects.filter(event="campaign_archived", object_id=str(cast.campaign.pk)).exists()


def test_services_refuse_changes_inside_an_archived_campaign(archived):
    task = Task.objects.get(pk=archived.edu_task.pk)
    with pytest.raises(ValidationError, match="已归档"):
        task_services.claim_task(task, actor=archived.edu_liaison)
    with pytest.raises(ValidationError, match="已归档"):
        Problem.objects.create(campaign=archived.campaign, description="新问题", unit=archived.edu)
    with pytest.raises(ValidationError, match="已归档"), transaction.atomic():  # as in any service
        Milestone.objects.filter(campaign=archived.campaign).first().delete()
    assert Task.objects.get(pk=task.pk).status == task.status


def test_the_api_answers_a_change_in_an_archived_campaign_with_a_400(archived, api):
    client = api(archived.edu_liaison)
    task = client.get(f"/api/tasks/{archived.edu_task.pk}/").json()
    response = client.post(
        f"/api/tasks/{task['id']}/progress/", {"progress": 50, "version": task["version"]}, format="json"
    )
    assert response.status_code == 400 and "已归档" in str(response.json())
    assert Task.objects.get(pk=task["id"]).progress == archived.edu_task.progress


def test_pages_refuse_changes_in_an_archived_campaign(archived, login):
    client = login(archived.office_user)
    assert client.get(f"/campaigns/{archived.campaign.pk}/edit/").status_code == 403
    detail = client.get(f"/campaigns/{archived.campaign.pk}/").content.decode()
    assert "已归档" in detail and "取消归档" in detail


def test_the_campaign_itself_is_read_only_until_unarchived(archived):
    campaign = Campaign.objects.get(pk=archived.campaign.pk)
    campaign.name = "改名"
    with pytest.raises(ValidationError, match="已归档"):
        campaign.save()
    unarchive_campaign(campaign, actor=archived.office_user)
    task = Task.objects.get(pk=archived.edu_task.pk)
    task_services.claim_task(task, actor=archived.edu_liaison)
    assert Task.objects.get(pk=task.pk).status == "in_progress"


def test_the_archive_button_archives_and_unarchives(cast, login):
    client = login(cast.office_user)
    assert client.post(f"/campaigns/{cast.campaign.pk}/archive/").status_code == 302
    assert Campaign.objects.get(pk=cast.campaign.pk).is_archived
    client.post(f"/campaigns/{cast.campaign.pk}/archive/", {"undo": "1"})
    assert not Campaign.objects.get(pk=cast.campaign.pk).is_archived
    assert login(cast.other_office_user).post(f"/campaigns/{cast.campaign.pk}/archive/").status_code == 404


def test_the_delete_confirmation_counts_what_would_go(cast, login):
    summary = dict(deletion_summary(cast.campaign)["removes"])
    assert summary["任务"] == 2 and summary["时间节点"] == 2
    page = login(cast.office_user).get(f"/campaigns/{cast.campaign.pk}/delete/")
    html = page.content.decode()
    assert page.status_code == 200 and 'id="deletion-summary"' in html
    assert '<td>任务</td><td class="text-end">2</td>' in html


def test_deleting_needs_the_name_typed_and_removes_everything(cast, login):
    client = login(cast.office_user)
    wrong = client.post(f"/campaigns/{cast.campaign.pk}/delete/", {"confirm_name": "随便"})
    assert wrong.status_code == 400 and Campaign.objects.filter(pk=cast.campaign.pk).exists()
    done = client.post(f"/campaigns/{cast.campaign.pk}/delete/", {"confirm_name": cast.campaign.name})
    assert done.status_code == 302
    assert not Campaign.objects.filter(pk=cast.campaign.pk).exists()
    assert not Task.objects.filter(campaign_id=cast.campaign.pk).exists()
    assert AuditLog.objects.filter(event="campaign_deleted", note__contains="任务2条").exists()


def test_an_archived_campaign_can_be_deleted(archived, login):
    client = login(archived.office_user)
    client.post(f"/campaigns/{archived.campaign.pk}/delete/", {"confirm_name": archived.campaign.name})
    assert not Campaign.objects.filter(pk=archived.campaign.pk).exists()


def test_only_the_campaigns_office_may_delete_it(cast, login):
    assert login(cast.leader).get(f"/campaigns/{cast.campaign.pk}/delete/").status_code == 403
    assert login(cast.other_office_user).get(f"/campaigns/{cast.campaign.pk}/delete/").status_code == 404
    assert (
        login(cast.edu_liaison)
        .post(f"/campaigns/{cast.campaign.pk}/delete/", {"confirm_name": cast.campaign.name})
        .status_code
        == 403
    )
    assert Campaign.objects.filter(pk=cast.campaign.pk).exists()


def test_campaigns_are_in_the_django_admin(cast, login):
    client = login(cast.admin)
    assert client.get("/admin/campaigns/campaign/").status_code == 200
    assert client.get(f"/admin/campaigns/campaign/{cast.campaign.pk}/change/").status_code == 200


def test_an_archived_campaign_is_offered_in_no_form(archived, login):
    from shian.rectification.forms import ProblemForm

    client = login(archived.office_user)
    assert client.get(f"/tasks/add/?campaign={archived.campaign.pk}").status_code == 403
    form = ProblemForm(user=archived.office_user)
    assert archived.campaign not in form.fields["campaign"].queryset
