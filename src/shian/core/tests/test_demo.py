"""The demo loads, and every role can open every page of its navigation on it."""

import pytest

from shian.core.context_processors import navigation


@pytest.fixture
def demo(db):
    from shian.core.demo import build_demo

    return build_demo()


def test_demo_has_the_promised_shape(demo):
    from shian.campaigns.models import Campaign
    from shian.organisation.models import Region, Unit

    assert Region.objects.filter(level=4).count() == 20
    assert Unit.objects.filter(kind="member").count() == 30
    campaign = Campaign.objects.get()
    assert [m.kind for m in campaign.milestones.order_by("date")] == [
        "mobilise", "self_assessment", "provincial_review", "national_acceptance"]
    roles = {u.role for u in demo["users"].values()}
    assert roles == {"admin", "office", "leader", "expert", "liaison", "unit_head"}


@pytest.mark.parametrize("username", ["admin", "office", "leader", "m23", "m06_head", "t01", "expert1"])
def test_every_nav_page_opens_for_each_demo_role(demo, client, rf, username):
    user = demo["users"][username]
    client.force_login(user)
    request = rf.get("/")
    request.user = user
    items = navigation(request)["nav_items"]
    assert items, "navigation is empty"
    for item in items:
        response = client.get(item["url"])
        assert response.status_code == 200, f"{username} {item['label']} {item['url']} → {response.status_code}"
