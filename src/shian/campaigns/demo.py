"""Demo campaign: the county's campaign for 国家食品安全示范城市, with its milestones."""

import datetime

from shian.campaigns.models import Campaign, Milestone


def populate(ctx):
    today = ctx.today
    campaign = Campaign.objects.create(
        name=f"{ctx.county.name}创建国家食品安全示范城市",
        region=ctx.county,
        level="national_city",
        framework=ctx.framework,
        office=ctx.office,
        started_on=today - datetime.timedelta(days=240),
        description="按照“党政同责、部门协同、属地管理、全民参与”的原则，力争通过省级初评和国家验收。",
    )
    for kind, delta, done in [
        ("mobilise", -240, True),
        ("self_assessment", 38, False),
        ("provincial_review", 110, False),
        ("national_acceptance", 230, False),
    ]:
        Milestone.objects.create(
            campaign=campaign, kind=kind, date=today + datetime.timedelta(days=delta), done=done
        )
    ctx.campaign = campaign
