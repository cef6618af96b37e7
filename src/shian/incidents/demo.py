"""Demo incidents: a few 一般 events over the last two years, one of them a late report (a veto)."""

import datetime as dt

from shian.incidents import services
from shian.incidents.choices import EventKind, Kind, Level


def populate(ctx) -> None:
    office = ctx.users["office"]
    towns = ctx.townships
    rows = [
        ("某小学学生呕吐腹泻事件", Kind.SCHOOL, Level.NONE, 400, 6, True, False),
        ("农村集体聚餐食物中毒", Kind.POISONING, Level.GENERAL, 200, 12, True, True),
        ("网传“过期面包”舆情", Kind.OPINION, Level.NONE, 90, 0, True, False),
        ("抽检发现韭菜腐霉利超标", Kind.RESIDUE, Level.NONE, 30, 0, None, False),
    ]
    for i, (title, kind, level, days_ago, affected, on_time, close) in enumerate(rows):
        town = towns[i % len(towns)]
        occurred = ctx.today - dt.timedelta(days=days_ago)
        incident = services.create_incident(
            actor=office,
            region=town,
            title=f"{town.name}{title}",
            occurred_on=occurred,
            place=f"{town.name}",
            kind=kind,
            level=level,
            affected=affected,
            reported_on_time=on_time if i != 1 else False,
            description="接报后立即启动应急预案，开展流行病学调查和现场处置。",
        )
        services.add_event(incident, actor=office, kind=EventKind.REPORT, note="接报并向县政府、市局报告")
        services.add_event(incident, actor=office, kind=EventKind.RESPONSE, note="封存可疑食品，采样送检")
        if close:
            incident.refresh_from_db()
            services.close_incident(
                incident,
                actor=office,
                expected_version=incident.version,
                closed_on=occurred + dt.timedelta(days=10),
                summary="病例全部康复，责任主体已立案查处。",
            )
    _specials(ctx)


def _specials(ctx) -> None:
    """Two 专项整治: “三小”整治 under way (targets for the first townships, the registry's small eateries,
    workshops and vendors covered, a share of them done) and 农村集体聚餐 closed with its results."""
    from shian.incidents.choices import SiteStatus, SpecialKind, SpecialStatus

    office = ctx.users["office"]
    towns = ctx.townships
    county = towns[0].parent
    market = next((u for u in ctx.member_units if u.short_name == "县市场监管局"), None)
    three = services.create_special(
        actor=office,
        region=county,
        title="“三小”行业专项整治",
        kind=SpecialKind.SMALL_THREE,
        starts_on=ctx.today - dt.timedelta(days=120),
        ends_on=ctx.today + dt.timedelta(days=60),
        lead_unit=market,
        goal="小餐饮、小作坊、小摊贩登记备案率100%，公示卡上墙，环境卫生和原料进货查验达标。",
        status=SpecialStatus.ACTIVE,
    )
    for town in towns[:4]:
        services.set_target(three, township=town, target=ctx.rng.randint(12, 25), actor=office)
    services.cover_businesses(three, actor=office)
    outcomes = [
        (SiteStatus.PASSED, "公示卡未上墙", "已整改，复查合格"),
        (SiteStatus.RECTIFYING, "原料进货无台账", ""),
        (SiteStatus.PENDING, "", ""),
        (SiteStatus.PASSED, "后厨防蝇设施缺失", "已加装纱窗和灭蝇灯"),
        (SiteStatus.BANNED, "无证经营拒不整改", "依法取缔"),
    ]
    for i, site in enumerate(three.sites.select_related("business")[:60]):
        status, finding, result = outcomes[i % len(outcomes)]
        if status == SiteStatus.PENDING:
            continue
        services.record_site(
            site,
            actor=office,
            expected_version=site.version,
            status=status,
            checked_on=ctx.today - dt.timedelta(days=90 - i),
            finding=finding,
            result=result,
        )
    banquet = services.create_special(
        actor=office,
        region=county,
        title="农村集体聚餐安全专项整治",
        kind=SpecialKind.RURAL_BANQUET,
        starts_on=ctx.today - dt.timedelta(days=300),
        ends_on=ctx.today - dt.timedelta(days=200),
        lead_unit=market,
        goal="农村集体聚餐100%申报备案，乡村厨师培训持证。",
    )
    services.cover_businesses(banquet, actor=office)
    for site in banquet.sites.all():
        services.record_site(
            site,
            actor=office,
            expected_version=site.version,
            status=SiteStatus.PASSED,
            result="备案并现场指导",
        )
    banquet.refresh_from_db()
    services.update_special(
        banquet,
        actor=office,
        expected_version=banquet.version,
        status=SpecialStatus.CLOSED,
        summary="全县集体聚餐申报备案率达100%，培训乡村厨师312人次，整治期间未发生集体聚餐食物中毒。",
    )
