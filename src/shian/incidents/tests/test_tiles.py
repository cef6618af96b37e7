"""dashboard_tiles of incidents, showcase and community: shaped like dashboard.services.field_tiles,
counted over what the user may see."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from shian.community import figures as community_figures
from shian.community import services as community
from shian.community.models import PollOption
from shian.community.testing import make_activity, make_poll
from shian.incidents import figures as incident_figures
from shian.incidents import services
from shian.incidents.testing import make_incident
from shian.registry.testing import make_business
from shian.showcase import figures as showcase_figures
from shian.showcase.testing import make_project

KEYS = {"label", "value", "unit", "note", "url", "tone"}


def by_label(tiles):
    assert all(set(t) == KEYS for t in tiles)
    return {t["label"]: t for t in tiles}


def test_incident_tiles_count_vetoes_and_special_progress(cast):
    today = timezone.localdate()
    make_incident(cast.town, "重大事故", level="ii", occurred_on=today - dt.timedelta(days=10))
    make_incident(cast.town, "一般", level="iv", occurred_on=today - dt.timedelta(days=10))
    make_incident(cast.town, "期前", level="ii", occurred_on=cast.campaign.started_on - dt.timedelta(days=1))
    make_incident(cast.other_county, "外县", level="ii", occurred_on=today)
    special = services.create_special(
        actor=cast.office_user,
        region=cast.county,
        title="三小",
        kind="small_three",
        starts_on=today,
        ends_on=today,
        status="active",
    )
    make_business(cast.town, 1, "small_eatery")
    make_business(cast.town, 2, "vendor")
    services.set_target(special, township=cast.town, target=4, actor=cast.office_user)
    services.cover_businesses(special, actor=cast.office_user)
    site = special.sites.first()
    services.record_site(
        site, actor=cast.office_user, expected_version=site.version, status="passed", result="合格"
    )
    tiles = by_label(incident_figures.dashboard_tiles(cast.campaign, cast.leader))
    assert tiles["否决情形"]["value"] == 1 and tiles["否决情形"]["tone"] == "danger"
    assert tiles["专项整治完成"]["value"] == 1 and tiles["专项整治完成"]["unit"] == "/4户"
    other = by_label(incident_figures.dashboard_tiles(cast.campaign, cast.other_office_user))
    assert other["否决情形"]["value"] == 0 and other["专项整治完成"]["value"] == 0


def test_showcase_tile_counts_projects_and_the_capped_bonus(cast):
    names = ("score_targeted", "score_innovative", "score_exemplary", "score_replicable")
    make_project(
        cast.campaign, cast.market, "甲", item=cast.items[3], status="approved", **dict.fromkeys(names, 10)
    )
    make_project(
        cast.campaign, cast.edu, "乙", item=cast.items[3], status="approved", **dict.fromkeys(names, 5)
    )
    make_project(cast.campaign, cast.edu, "丙", status="submitted")
    tile = by_label(showcase_figures.dashboard_tiles(cast.campaign, cast.leader))["示范引领项目"]
    assert tile["value"] == 2 and tile["unit"] == "/3" and "1项待审核" in tile["note"]
    assert "加分10分" in tile["note"]  # the best project per item, the item's value, the cap
    assert showcase_figures.expected_bonus(cast.campaign, []) == Decimal(0)
    edu = by_label(showcase_figures.dashboard_tiles(cast.campaign, cast.edu_liaison))["示范引领项目"]
    assert edu["unit"] == "/2"  # the lead unit sees its own


def test_community_tile_counts_activities_and_sampling_tasks(cast):
    make_activity(cast.town, participants=40, days_ago=0)
    make_activity(cast.other_county, participants=99, days_ago=0)
    poll = make_poll(cast.county, status="closed")
    PollOption.objects.filter(poll=poll, name="月饼").update(votes=3)
    community.plan_top_options(poll, count=1, actor=cast.office_user)
    tiles = by_label(community_figures.dashboard_tiles(cast.campaign, cast.leader))
    assert tiles["社会共治活动"]["value"] == 1 and "40人次" in tiles["社会共治活动"]["note"]
    assert tiles["你点我检抽检"]["value"] == 0 and tiles["你点我检抽检"]["unit"] == "/1"
