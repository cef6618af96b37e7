"""专项整治: targets per township, the registry's businesses covered, progress and results; the office
runs it, the supervising unit records its businesses, the other county reaches nothing."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from shian.incidents import services
from shian.incidents.models import SpecialCampaign, SpecialSite
from shian.organisation.choices import RegionLevel
from shian.organisation.models import Region
from shian.registry.testing import make_business

TODAY = dt.date(2026, 6, 1)


@pytest.fixture
def town2(cast):
    return cast.town2


def special(cast, **kw):
    fields = {
        "region": cast.county,
        "title": "“三小”整治",
        "kind": "small_three",
        "starts_on": TODAY,
        "ends_on": TODAY + dt.timedelta(days=90),
        "lead_unit": cast.market,
        "status": "active",
    }
    fields.update(kw)
    return services.create_special(actor=cast.office_user, **fields)


@pytest.fixture
def shops(cast, town2):
    return {
        "eatery": make_business(cast.town, 1, "small_eatery", supervising_unit=cast.market),
        "vendor": make_business(cast.town, 2, "vendor", name="潼川镇第2号摊点"),
        "workshop": make_business(town2, 3, "workshop", name="芦溪镇第3号作坊"),
        "restaurant": make_business(cast.town, 4, "large_restaurant", name="潼川大酒楼"),
        "closed": make_business(cast.town, 5, "small_eatery", name="已注销小吃", status="cancelled"),
        "other": make_business(cast.other_county, 6, "small_eatery", name="盐亭小吃"),
    }


def names(campaign):
    return set(campaign.sites.values_list("business__name", flat=True))


def test_it_covers_the_kinds_businesses_of_the_region_once(cast, shops, town2):
    c = special(cast)
    assert services.cover_businesses(c, actor=cast.office_user) == 3
    assert names(c) == {shops["eatery"].name, "潼川镇第2号摊点", "芦溪镇第3号作坊"}
    assert services.cover_businesses(c, actor=cast.office_user) == 0
    fuel = special(cast, kind="alcohol_fuel", title="醇基燃料")
    assert services.cover_businesses(fuel, actor=cast.office_user, categories=["large_restaurant"]) == 1
    only_town2 = special(cast, title="芦溪")
    assert services.cover_businesses(only_town2, actor=cast.office_user, township=town2) == 1
    with pytest.raises(ValidationError):
        services.cover_businesses(c, actor=cast.office_user, township=cast.other_county)


def test_targets_are_per_township_of_the_region(cast, town2):
    c = special(cast)
    services.set_target(c, township=cast.town, target=10, actor=cast.office_user)
    services.set_target(c, township=cast.town, target=12, actor=cast.office_user)
    assert c.targets.get().target == 12
    with pytest.raises(ValidationError):
        services.set_target(c, township=cast.county, target=3, actor=cast.office_user)
    other_town = Region.objects.create(
        code="510723100", name="云溪镇", level=RegionLevel.TOWNSHIP, parent=cast.other_county
    )
    with pytest.raises(ValidationError):
        services.set_target(c, township=other_town, target=3, actor=cast.office_user)
    services.set_target(c, township=cast.town, target=0, actor=cast.office_user)
    assert not c.targets.exists()


def test_progress_counts_done_against_the_target_per_township(cast, shops, town2):
    c = special(cast)
    services.set_target(c, township=cast.town, target=4, actor=cast.office_user)
    services.set_target(c, township=town2, target=1, actor=cast.office_user)
    services.cover_businesses(c, actor=cast.office_user)
    eatery = c.sites.get(business=shops["eatery"])
    vendor = c.sites.get(business=shops["vendor"])
    services.record_site(
        eatery, actor=cast.office_user, expected_version=eatery.version, status="passed", result="合格"
    )
    services.record_site(
        vendor, actor=cast.office_user, expected_version=vendor.version, status="rectifying", finding="无台账"
    )
    p = services.special_progress(c)
    rows = {r["name"]: r for r in p["rows"]}
    assert rows["潼川镇"] == {
        **rows["潼川镇"],
        "target": 4,
        "covered": 2,
        "checked": 2,
        "done": 1,
        "percent": 25,
    }
    assert rows["芦溪镇"]["done"] == 0 and rows["芦溪镇"]["percent"] == 0
    assert p["totals"] == {"target": 5, "covered": 3, "checked": 2, "done": 1, "percent": 20}


def test_results_need_text_and_a_closed_campaign_is_read_only(cast, shops):
    c = special(cast)
    services.cover_businesses(c, actor=cast.office_user)
    site = c.sites.first()
    with pytest.raises(ValidationError):
        services.record_site(site, actor=cast.office_user, expected_version=site.version, status="passed")
    with pytest.raises(ValidationError):
        services.update_special(c, actor=cast.office_user, expected_version=c.version, status="closed")
    c = services.update_special(
        c, actor=cast.office_user, expected_version=c.version, status="closed", summary="达标"
    )
    with pytest.raises(ValidationError):
        services.record_site(site, actor=cast.office_user, expected_version=site.version, status="pending")
    with pytest.raises(ValidationError):
        services.cover_businesses(c, actor=cast.office_user)


def test_the_office_runs_it_and_the_supervising_unit_records_its_business(cast, shops):
    with pytest.raises(PermissionDenied):
        services.create_special(
            actor=cast.other_office_user,
            region=cast.county,
            title="x",
            kind="school",
            starts_on=TODAY,
            ends_on=TODAY,
        )
    c = special(cast)
    for user in (cast.other_office_user, cast.leader, cast.market_liaison):
        with pytest.raises(PermissionDenied):
            services.cover_businesses(c, actor=user)
    services.cover_businesses(c, actor=cast.office_user)
    eatery = c.sites.get(business=shops["eatery"])  # supervised by 市场监管局
    vendor = c.sites.get(business=shops["vendor"])
    services.record_site(
        eatery, actor=cast.market_liaison, expected_version=eatery.version, status="rectifying"
    )
    with pytest.raises(PermissionDenied):
        services.record_site(
            vendor, actor=cast.edu_liaison, expected_version=vendor.version, status="rectifying"
        )


def test_scope_of_campaigns_and_sites(cast, shops):
    c = special(cast)
    services.cover_businesses(c, actor=cast.office_user)
    assert SpecialCampaign.objects.restrict(cast.office_user).filter(pk=c.pk).exists()
    assert SpecialCampaign.objects.restrict(cast.leader).filter(pk=c.pk).exists()
    assert SpecialCampaign.objects.restrict(cast.market_liaison).filter(pk=c.pk).exists()
    assert not SpecialCampaign.objects.restrict(cast.other_office_user).filter(pk=c.pk).exists()
    assert not SpecialSite.objects.restrict(cast.other_office_user).filter(campaign=c).exists()
    assert not SpecialCampaign.objects.restrict(cast.leader, "change").exists()


def test_pages_for_the_office_and_404_for_the_other_county(cast, shops, login, django_assert_max_num_queries):
    client = login(cast.office_user)
    r = client.post(
        "/incidents/specials/add/",
        {
            "region": cast.county.pk,
            "title": "校园及周边整治",
            "kind": "school",
            "starts_on": "2026-03-01",
            "ends_on": "2026-06-30",
            "status": "active",
        },
    )
    assert r.status_code == 302, r.content.decode()[:3000]
    c = SpecialCampaign.objects.get(title="校园及周边整治")
    client.post(f"/incidents/specials/{c.pk}/target/", {"township": cast.town.pk, "target": "3"})
    client.post(f"/incidents/specials/{c.pk}/cover/", {"categories": [shops["eatery"].category.pk]})
    assert c.targets.get().target == 3
    assert c.sites.count() == 1  # the county's one open small eatery
    site = c.sites.get(business=shops["eatery"])
    client.post(
        f"/incidents/specials/{c.pk}/site/",
        {"site": site.pk, "edit_version": site.version, "status": "passed", "result": "复查合格"},
    )
    site.refresh_from_db()
    assert site.status == "passed"
    with django_assert_max_num_queries(25):
        page = client.get(c.get_absolute_url())
    html = page.content.decode()
    assert page.status_code == 200 and "潼川镇" in html and "复查合格" in html and "33%" in html
    with django_assert_max_num_queries(20):
        assert client.get("/incidents/specials/").status_code == 200
    other = login(cast.other_office_user)
    assert other.get(c.get_absolute_url()).status_code == 404
    assert other.post(f"/incidents/specials/{c.pk}/cover/", {}).status_code == 404
    assert other.get(f"/incidents/specials/{c.pk}/edit/").status_code == 404


def test_api_progress_targets_cover_and_record(cast, shops, api):
    client = api(cast.office_user)
    r = client.post(
        "/api/special-campaigns/",
        {
            "region": cast.county.pk,
            "title": "农贸市场升级",
            "kind": "small_three",
            "starts_on": "2026-01-01",
            "ends_on": "2026-12-31",
        },
        format="json",
    )
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    assert (
        client.post(
            f"/api/special-campaigns/{pk}/targets/", {"township": cast.town.pk, "target": 2}, format="json"
        ).status_code
        == 200
    )
    assert client.post(f"/api/special-campaigns/{pk}/cover/", {}, format="json").json() == {"added": 3}
    site = client.get(f"/api/special-sites/?campaign={pk}").json()["results"][0]
    r = client.post(
        f"/api/special-sites/{site['id']}/record/",
        {"version": site["version"], "status": "banned", "result": "依法取缔"},
        format="json",
    )
    assert r.status_code == 200 and r.json()["status"] == "banned"
    progress = client.get(f"/api/special-campaigns/{pk}/progress/").json()
    assert progress["totals"]["done"] == 1 and progress["totals"]["target"] == 2
    other = api(cast.other_office_user)
    assert other.get(f"/api/special-campaigns/{pk}/").status_code == 404
    assert other.post(f"/api/special-campaigns/{pk}/cover/", {}, format="json").status_code == 404
    assert (
        other.post(
            f"/api/special-sites/{site['id']}/record/", {"version": 9, "status": "pending"}, format="json"
        ).status_code
        == 404
    )
    assert api(cast.leader).post(f"/api/special-campaigns/{pk}/cover/", {}, format="json").status_code in (
        403,
        404,
    )
