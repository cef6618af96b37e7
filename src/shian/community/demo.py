"""Demo 社会共治: a year of activities over the townships, 有奖举报 through their stages, and one
你点我检 round published with results linked to the sampling ledger and one open for votes."""

import datetime
from decimal import Decimal

from shian.community.choices import ActivityKind, OptionKind, PollStatus, ReportStatus
from shian.community.models import Activity, Poll, PollOption, RewardReport

TITLES = {
    ActivityKind.PUBLICITY: "{t}食品安全科普宣传",
    ActivityKind.WEEK: "{t}食品安全宣传周活动",
    ActivityKind.OPEN_DAY: "{t}中心学校食堂开放日",
    ActivityKind.VOLUNTEER: "{t}食品安全志愿者进农贸市场",
    ActivityKind.COMMUNITY: "食品安全进社区（{t}）",
    ActivityKind.SCHOOL: "食品安全进校园（{t}）",
    ActivityKind.ENTERPRISE: "食品安全进企业（{t}）",
    ActivityKind.TRAINING: "{t}农村集体聚餐厨师培训",
}


def populate(ctx) -> None:
    rng, today = ctx.rng, ctx.today
    towns = list(ctx.townships)
    kinds = list(TITLES)
    rows = []
    for ti, town in enumerate(towns):
        for i in range(rng.randint(8, 16)):
            kind = kinds[(ti + i) % len(kinds)]
            rows.append(
                Activity(
                    region=town,
                    kind=kind,
                    title=TITLES[kind].format(t=town.name),
                    held_on=today - datetime.timedelta(days=rng.randint(1, 360)),
                    place=f"{town.name}{rng.choice(['文化广场', '中心学校', '农贸市场', '便民服务中心'])}",
                    organiser=f"{town.name}食品安全委员会办公室",
                    participants=rng.randint(40, 600),
                    volunteers=rng.randint(0, 40),
                    materials=rng.randint(100, 1500),
                    media_reports=rng.randint(0, 2),
                )
            )
    for row in rows:
        row.save()

    complaints = []
    try:
        from shian.supervision.models import ComplaintRecord

        complaints = list(ComplaintRecord.objects.filter(region__path__startswith=ctx.county.path)[:30])
    except LookupError:
        pass
    subjects = [
        "某小吃店使用过期食材",
        "某超市销售过期牛奶",
        "某作坊无证生产挂面",
        "某摊贩销售病死猪肉",
        "某饭店后厨卫生差",
    ]
    for i in range(24):
        town = towns[i % len(towns)]
        received = today - datetime.timedelta(days=rng.randint(5, 340))
        report = RewardReport(
            region=town,
            number=f"JB{received:%Y}{i + 1:04d}",
            received_on=received,
            channel=rng.choice(["12315", "12345", "来信", "微信公众号"]),
            subject=f"{town.name}{rng.choice(subjects)}",
            complaint=complaints[i] if i < len(complaints) else None,
        )
        stage = i % 4
        if stage >= 1:
            report.status = ReportStatus.VERIFIED if stage != 3 else ReportStatus.REJECTED
            report.verified_on = received + datetime.timedelta(days=7)
        if stage == 2:
            report.status = ReportStatus.REWARDED
            report.reward_amount = Decimal(rng.choice([200, 500, 1000]))
            report.paid_on = received + datetime.timedelta(days=20)
        report.save()

    county = ctx.county
    done = Poll(
        region=county,
        title=f"{today.year}年第一期“你点我检”",
        intro="请选出您最关心的食品或场所，得票靠前的将列入监督抽检。",
        status=PollStatus.PUBLISHED,
        opens_on=today - datetime.timedelta(days=120),
        closes_on=today - datetime.timedelta(days=90),
        results_note="得票前三的食品和场所已完成抽检，结果如上。",
    )
    done.save()
    samples = []
    try:
        from shian.supervision.models import SamplingRecord

        samples = list(SamplingRecord.objects.filter(region__path__startswith=county.path)[:3])
    except LookupError:
        pass
    for i, (kind, name, votes) in enumerate(
        [
            (OptionKind.FOOD, "校园周边散装熟食", 412),
            (OptionKind.FOOD, "农贸市场鲜猪肉", 356),
            (OptionKind.PLACE, "城区夜市烧烤摊", 298),
            (OptionKind.FOOD, "桶装饮用水", 121),
            (OptionKind.PLACE, "乡镇小超市", 87),
        ]
    ):
        option = PollOption(poll=done, kind=kind, name=name, votes=votes)
        if i < 3:
            option.chosen = True
            option.task_note = f"县市场监管局监督抽检：{name}"
            option.sampling = samples[i] if i < len(samples) else None
            option.result = option.sampling.get_result_display() if option.sampling else "合格"
        option.save()
    current = Poll(
        region=county,
        title=f"{today.year}年第二期“你点我检”",
        intro="本期聚焦节日消费食品，投票结束后得票靠前的将列入抽检。",
        status=PollStatus.OPEN,
        opens_on=today - datetime.timedelta(days=3),
        closes_on=today + datetime.timedelta(days=27),
    )
    current.save()
    for kind, name in [
        (OptionKind.FOOD, "月饼"),
        (OptionKind.FOOD, "散装白酒"),
        (OptionKind.FOOD, "腊肉香肠"),
        (OptionKind.PLACE, "学校食堂"),
        (OptionKind.PLACE, "农村集体聚餐点"),
    ]:
        PollOption.objects.create(poll=current, kind=kind, name=name)
