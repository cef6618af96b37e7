"""Demo: a monthly ranking of the member units over the last two months, and the 约谈 it proposes."""

import datetime

from shian.rankings import services
from shian.rankings.models import RankingScheme


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
        services.propose_interviews(run, actor=office)
