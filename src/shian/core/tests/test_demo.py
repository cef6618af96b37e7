"""The demo loads, and every role can open every page of its navigation on it.

One test on purpose: building the demo is the expensive part, so it is built once and checked whole.
"""

from django.test import RequestFactory

from shian.core.context_processors import navigation

ROLES = ["admin", "office", "leader", "m23", "m06_head", "t01", "expert1", "biz01"]


def test_demo_loads_and_every_role_opens_every_nav_page(db, client):
    from shian.campaigns.models import Campaign
    from shian.core.demo import build_demo
    from shian.organisation.models import Region, Unit

    demo = build_demo()

    assert Region.objects.filter(level=4).count() == 20
    assert Unit.objects.filter(kind="member").count() == 30
    campaign = Campaign.objects.get()
    assert [m.kind for m in campaign.milestones.order_by("date")] == [
        "mobilise",
        "self_assessment",
        "provincial_review",
        "national_acceptance",
    ]
    assert {u.role for u in demo["users"].values()} == {
        "admin",
        "office",
        "leader",
        "expert",
        "liaison",
        "unit_head",
        "business",
    }
    assert campaign.tasks.count() > 100

    for username in ROLES:
        user = demo["users"][username]
        client.force_login(user)
        request = RequestFactory().get("/")
        request.user = user
        menu = navigation(request)["nav_items"]
        assert menu, f"{username}: navigation is empty"
        items = [child for item in menu for child in item.get("children") or [item]]
        for item in items:
            response = client.get(item["url"])
            if response.status_code == 302 and not response.url.startswith(("/login", "/account/")):
                response = client.get(response.url)  # an entry that opens the user's own page
            assert response.status_code == 200, (
                f"{username} {item['label']} {item['url']} → {response.status_code}"
            )
