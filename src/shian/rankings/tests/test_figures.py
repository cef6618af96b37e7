"""dashboard_tiles: the latest published run's 红/黑榜, the unit's own rank, open 约谈, pending appeals."""

import datetime

from shian.rankings import services
from shian.rankings.figures import dashboard_tiles
from shian.rankings.models import RankingScheme
from shian.rankings.signals import register_signal

KEYS = {"label", "value", "unit", "note", "url", "tone"}


def test_tiles_show_the_latest_published_run_to_each_reader(cast, django_assert_max_num_queries):
    register_signal("test_tiles", "测试", "any", lambda c, s, e: {cast.edu.pk: 90, cast.market.pk: 10})
    scheme = RankingScheme.objects.create(
        campaign=cast.campaign, name="月度排名", weights={"test_tiles": 1}, red_count=1, black_count=1
    )
    assert [t["label"] for t in dashboard_tiles(cast.campaign, cast.office_user)] == ["未销号约谈"]
    may = services.publish_run(
        services.compute_ranking(scheme, datetime.date(2026, 5, 1), actor=cast.office_user),
        actor=cast.office_user,
    )
    services.compute_ranking(scheme, datetime.date(2026, 6, 1), actor=cast.office_user)  # a draft: not shown
    services.create_interview(cast.campaign, cast.market, "问题逾期", actor=cast.office_user)
    services.file_appeal(may, actor=cast.market_liaison, reason="数据有误")
    with django_assert_max_num_queries(3):
        tiles = dashboard_tiles(cast.campaign, cast.office_user)
    assert all(set(t) == KEYS for t in tiles)
    ranking, interviews, appeals = tiles
    assert (
        ranking["label"] == "2026年5月红黑榜"
        and ranking["value"] == 1
        and ranking["url"] == may.get_absolute_url()
    )
    assert interviews["value"] == 1 and appeals["value"] == 1
    market = {t["label"]: t for t in dashboard_tiles(cast.campaign, cast.market_liaison)}
    assert (
        "第2名，黑榜" in market["2026年5月红黑榜"]["note"] and market["2026年5月红黑榜"]["tone"] == "danger"
    )
    assert market["未销号约谈"]["value"] == 1
    edu = {t["label"]: t for t in dashboard_tiles(cast.campaign, cast.edu_liaison)}
    assert edu["未销号约谈"]["value"] == 0 and "待处理排名申诉" not in edu  # another unit's 约谈 and appeal
    assert [t["label"] for t in dashboard_tiles(cast.other_campaign, cast.other_office_user)] == [
        "未销号约谈"
    ]
