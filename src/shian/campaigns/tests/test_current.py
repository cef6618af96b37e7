"""The current campaign is each user's own choice: a new campaign never moves anyone's pages."""

import pytest

from shian.campaigns.models import Campaign, CampaignChoice
from shian.campaigns.services import archive_campaign, choose_campaign, current_campaign
from shian.campaigns.tests.test_views import _form


@pytest.fixture
def second(cast):
    """A second campaign of 三台县, created after the first (a re-review in preparation)."""
    return Campaign.objects.create(
        name="三台县食品安全示范县复审",
        region=cast.county,
        level="re_review",
        framework=cast.framework,
        office=cast.office,
        status="preparing",
    )


def home_campaign(client):
    return client.get("/").context["campaign"]


def test_a_new_campaign_does_not_change_the_liaisons_home(cast, login, client):
    liaison = login(cast.edu_liaison)
    assert home_campaign(liaison) == cast.campaign
    tasks_before = liaison.get("/").context["counts"]["total"]
    client.force_login(cast.office_user)
    created = client.post(
        "/campaigns/add/", _form(cast, status="preparing", name="三台县创建国家食品安全示范城市")
    )
    assert created.status_code == 302
    client.force_login(cast.edu_liaison)
    assert home_campaign(client) == cast.campaign
    assert client.get("/").context["counts"]["total"] == tasks_before > 0


def test_a_new_campaign_does_not_empty_the_leaders_dashboard(cast, login, second):
    page = login(cast.leader).get("/dashboard/")
    assert page.status_code == 200 and page.context["campaign"] == cast.campaign


def test_choosing_a_campaign_in_the_navbar_sticks(cast, login, second):
    client = login(cast.office_user)
    switcher = client.get("/").content.decode()
    assert 'id="campaign-switcher"' in switcher and second.name in switcher
    response = client.post("/campaigns/choose/", {"campaign": second.pk, "next": "/tasks/"})
    assert response.status_code == 302 and response["Location"] == "/tasks/"
    assert CampaignChoice.objects.get(user=cast.office_user).campaign == second
    client.logout()
    client = login(cast.office_user)  # a new session: the choice is kept on the user, not the session
    assert home_campaign(client) == second
    assert client.get("/evidence/upload/").context["campaign"] == second
    assert client.get("/dispatch/timeliness/").context["campaign"] == second


def test_an_explicit_campaign_on_the_page_wins_over_the_choice(cast, login, second):
    choose_campaign(cast.office_user, second)
    assert login(cast.office_user).get(f"/?campaign={cast.campaign.pk}").context["campaign"] == cast.campaign


def test_the_other_countys_campaign_cannot_be_chosen(cast, login):
    client = login(cast.office_user)
    assert client.post("/campaigns/choose/", {"campaign": cast.other_campaign.pk}).status_code == 404
    assert client.post("/campaigns/choose/", {"campaign": "1" * 22}).status_code == 404
    assert not CampaignChoice.objects.filter(user=cast.office_user).exists()


def test_an_archived_campaign_leaves_every_default(cast, login, second):
    choose_campaign(cast.edu_liaison, cast.campaign)
    archive_campaign(cast.campaign, actor=cast.office_user)
    assert current_campaign(cast.edu_liaison) == second
    client = login(cast.edu_liaison)
    assert home_campaign(client) == second
    menu = client.get("/").context["campaign_menu"]
    assert cast.campaign not in list(menu)
    refused = client.post("/campaigns/choose/", {"campaign": cast.campaign.pk}, follow=True)
    assert "已归档" in refused.content.decode()


def test_the_default_is_the_oldest_campaign_under_way_never_the_newest(cast, second):
    assert current_campaign(cast.office_user) == cast.campaign
    newer = Campaign.objects.create(
        name="三台县示范创建（新）",
        region=cast.county,
        level="provincial_county",
        framework=cast.framework,
        office=cast.office,
        status="active",
    )
    assert current_campaign(cast.office_user) == cast.campaign
    cast.campaign.status = "closed"
    cast.campaign.save()
    assert current_campaign(cast.office_user) == newer
