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
