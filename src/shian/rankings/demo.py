"""Demo: a monthly ranking of the member units over the last two months (one 加减分), published, the
约谈 it proposes (and those the late-report rule proposes), a quarterly township scheme left as a
draft for the office to review, and this year's 评议考核 sheets of the member units, a few filled."""

import datetime

from shian.rankings import services
from shian.rankings.models import RankingScheme


def run_unit(run, index):
    from shian.organisation.models import Unit

    return Unit.objects.get(pk=run.entries[index]["unit_id"])


def populate(ctx) -> None:
    office = ctx.users["office"]
    scheme = RankingScheme.objects.create(
        campaign=ctx.campaign,
        name="成员单位月度红黑榜",
        subject_kind="member",
        weights={"dispatch_on_time": 6, "problems_on_time": 4},
        red_count=3,
        black_count=3,
    )
    first = ctx.today.replace(day=1)
    for back in (2, 1):
        day = first
        for _ in range(back):
            day = (day - datetime.timedelta(days=1)).replace(day=1)
        run = services.compute_ranking(scheme, day, actor=office)
        if back == 2:
            services.add_adjustment(run, run_unit(run, -1), 2, "获市级食品安全工作表彰", actor=office)
        services.publish_run(run, actor=office)

    towns = RankingScheme.objects.create(
        campaign=ctx.campaign,
        name="乡镇季度红黑榜",
        subject_kind="township",
        period_kind="quarter",
        weights={
            "problems_on_time": 3,
            "dispatch_on_time": 3,
            "inspection_score": 2,
            "survey_satisfaction": 2,
        },
        normalisation={"inspection_score": "minmax", "survey_satisfaction": "target"},
        targets={"survey_satisfaction": 90},
        red_count=2,
        black_count=2,
    )
    services.compute_ranking(towns, ctx.today, actor=office)
    services.propose_rule_interviews(ctx.campaign, actor=office)
    sheets = services.prefill_sheets(ctx.campaign, ctx.today.year, "member", actor=office)
    for i, sheet in enumerate(sheets[:3]):
        services.update_sheet(sheet, actor=office, basic=27 - i * 3, key_work=36 - i * 5, bonus=0)
