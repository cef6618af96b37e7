import datetime

from django.utils import timezone

from shian.campaigns.models import Campaign
from shian.campaigns.services import countdown


def _form(cast, **extra):
    data = {
        "name": "三台县创建国家食品安全示范城市",
        "region": cast.county.pk,
        "level": "national_city",
        "framework": cast.framework.pk,
        "office": cast.office.pk,
        "status": "active",
        "ms-TOTAL_FORMS": "2",
        "ms-INITIAL_FORMS": "0",
        "ms-MIN_NUM_FORMS": "0",
        "ms-MAX_NUM_FORMS": "1000",
        "ms-0-kind": "self_assessment",
        "ms-0-date": "2027-01-10",
        "ms-1-kind": "national_acceptance",
        "ms-1-date": "2027-09-01",
    }
    data.update(extra)
    return data


def test_office_creates_campaign_with_milestones(cast, login):
    response = login(cast.office_user).post("/campaigns/add/", _form(cast))
    assert response.status_code == 302, response.content.decode()[:2000]
    campaign = Campaign.objects.get(name="三台县创建国家食品安全示范城市")
    assert [m.kind for m in campaign.milestones.order_by("date")] == [
        "self_assessment",
        "national_acceptance",
    ]


def test_office_cannot_create_campaign_for_other_county(cast, login):
    response = login(cast.office_user).post("/campaigns/add/", _form(cast, region=cast.other_county.pk))
    # The other county is not among the region choices: the form names the field's error.
    assert response.status_code == 400
    assert response.context["form"].errors["region"] == ["选择一个有效的选项： 该选择不在可用的选项中。"]
    assert not Campaign.objects.filter(name="三台县创建国家食品安全示范城市").exists()


def test_liaison_cannot_create_campaign(cast, login):
    assert login(cast.edu_liaison).get("/campaigns/add/").status_code == 403


def test_countdown_to_next_open_milestone(cast):
    today = timezone.localdate()
    result = countdown(cast.campaign, today)
    assert result["milestone"].kind == "self_assessment"
    assert result["days"] == 30
    assert countdown(cast.campaign, today + datetime.timedelta(days=200)) is None


def test_campaign_detail_shows_countdown_and_task_counts(cast, login):
    body = login(cast.office_user).get(f"/campaigns/{cast.campaign.pk}/").content.decode()
    assert '<span class="days">30</span>' in body
    assert "逾期" in body


def test_campaign_scope_pages_and_api(cast, login, api):
    assert login(cast.office_user).get(f"/campaigns/{cast.other_campaign.pk}/").status_code == 404
    assert login(cast.edu_liaison).get(f"/campaigns/{cast.campaign.pk}/").status_code == 200
    assert login(cast.other_liaison).get(f"/campaigns/{cast.campaign.pk}/").status_code == 404
    ids = {c["id"] for c in api(cast.office_user).get("/api/campaigns/").json()["results"]}
    assert ids == {cast.campaign.pk}
    assert (
        api(cast.leader).patch(f"/api/campaigns/{cast.campaign.pk}/", {"name": "x", "version": 1}).status_code
        == 403
    )


def test_api_campaign_create_outside_region_is_refused(cast, api):
    payload = {
        "name": "越权项目",
        "region": cast.other_county.pk,
        "level": "provincial_county",
        "framework": cast.framework.pk,
    }
    assert api(cast.office_user).post("/api/campaigns/", payload).status_code == 403
    payload["region"] = cast.county.pk
    response = api(cast.office_user).post("/api/campaigns/", payload)
    assert response.status_code == 201, response.content
    assert response.json()["next_milestone"] is None


def test_campaign_list_bounded_queries(cast, login, django_assert_max_num_queries):
    client = login(cast.admin)
    for i in range(30):
        Campaign.objects.create(
            name=f"项目{i}", region=cast.county, level="re_review", framework=cast.framework
        )
    with django_assert_max_num_queries(10):
        assert client.get("/campaigns/").status_code == 200


def test_edit_campaign_and_milestones_with_versions(cast, login):
    client = login(cast.office_user)
    ms = list(cast.campaign.milestones.order_by("date"))
    data = _form(
        cast,
        name="三台县创建（修订）",
        **{
            "edit_version": cast.campaign.version,
            "level": "provincial_county",
            "ms-TOTAL_FORMS": "2",
            "ms-INITIAL_FORMS": "2",
            "ms-0-id": ms[0].pk,
            "ms-0-kind": ms[0].kind,
            "ms-0-date": "2027-02-01",
            "ms-0-edit_version": ms[0].version,
            "ms-1-id": ms[1].pk,
            "ms-1-kind": ms[1].kind,
            "ms-1-date": ms[1].date.isoformat(),
            "ms-1-edit_version": ms[1].version,
            "ms-1-DELETE": "on",
        },
    )
    response = client.post(f"/campaigns/{cast.campaign.pk}/edit/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    cast.campaign.refresh_from_db()
    assert cast.campaign.name == "三台县创建（修订）"
    assert [m.date.isoformat() for m in cast.campaign.milestones.all()] == ["2027-02-01"]
    # The same (now stale) form posted again is refused and changes nothing.
    data["name"] = "覆盖"
    response = client.post(f"/campaigns/{cast.campaign.pk}/edit/", data)
    assert response.status_code == 409
    assert "该记录已被他人修改，您的修改未保存。" in response.content.decode()
    cast.campaign.refresh_from_db()
    assert cast.campaign.name == "三台县创建（修订）"
