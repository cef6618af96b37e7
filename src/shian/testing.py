"""The fixed cast of test data every app's tests share (see the `cast` fixture in shian/conftest.py).

Two counties of one city, each with its own campaign office, so that every scope test can try to
reach the other county's objects:

    四川省 510000
      绵阳市 510700
        三台县 510722  ← campaign "三台县创建省级食品安全示范县" (office: 三台县食安创建办)
          潼川镇 510722100, 芦溪镇 510722101
        盐亭县 510723  ← campaign "盐亭县创建…" (office: 盐亭县食安创建办): the "other" side
"""

import datetime
from decimal import Decimal
from types import SimpleNamespace

from django.utils import timezone

from shian.campaigns.models import Campaign, Milestone
from shian.framework.choices import CategoryKind, GateKind, Method, SurveyMetric, UnitRole
from shian.framework.models import (
    Category,
    DeductionRule,
    Framework,
    Gate,
    Indicator,
    ItemUnit,
    MaterialRequirement,
    ScoringItem,
)
from shian.organisation.choices import RegionLevel, Role, UnitKind
from shian.organisation.models import Region, Unit, User
from shian.workplan.models import Task

PASSWORD = "test-pass-123"


def make_user(username, unit, role, name=""):
    user = User(username=username, unit=unit, role=role, name=name or username)
    user.set_password(PASSWORD)
    if role == Role.ADMIN:
        user.is_superuser = True
        user.is_staff = True
    user.save()
    return user


def build_framework(units: dict, owner_region=None, name="测试评价细则") -> Framework:
    """A small framework: two base categories, a bonus block, gates; units by key."""
    fw = Framework.objects.create(
        name=name,
        version_label="测试版",
        pass_line=Decimal("90"),
        key_item_min_share=Decimal("0.6"),
        owner_region=owner_region,
    )
    basic = Category.objects.create(framework=fw, seq=1, name="基础工作", points=Decimal("30"))
    capacity = Category.objects.create(framework=fw, seq=2, name="能力建设", points=Decimal("35"))
    bonus = Category.objects.create(
        framework=fw, seq=3, name="示范引领", kind=CategoryKind.BONUS, cap=Decimal("10")
    )
    ind1 = Indicator.objects.create(category=basic, seq=1, code="1", name="党政同责")
    ind2 = Indicator.objects.create(category=capacity, seq=1, code="2", name="食品抽检")
    ind3 = Indicator.objects.create(category=bonus, seq=1, code="3", name="示范引领项目")
    items = [
        ScoringItem.objects.create(
            indicator=ind1,
            seq=1,
            code="1.1",
            content="食品安全纳入党政领导干部考核，权重不低于3%",
            points=Decimal("4"),
            methods=[Method.DOCUMENTS, Method.INTERVIEW],
            is_key=True,
            scoring_rule="未纳入考核不得分；权重低于3%扣2分",
        ),
        ScoringItem.objects.create(
            indicator=ind1,
            seq=2,
            code="1.2",
            content="制定学校食堂食品安全管理责任清单",
            points=Decimal("2"),
            methods=[Method.DOCUMENTS],
        ),
        ScoringItem.objects.create(
            indicator=ind2,
            seq=1,
            code="2.1",
            content="食品抽检量达到每年4批次/千人",
            points=Decimal("5"),
            methods=[Method.DATA],
        ),
        ScoringItem.objects.create(
            indicator=ind3,
            seq=1,
            code="3.1",
            content="智慧监管示范引领项目",
            points=Decimal("10"),
            methods=[Method.DOCUMENTS],
        ),
    ]
    ItemUnit.objects.create(item=items[0], unit=units["office"], role=UnitRole.LEAD)
    ItemUnit.objects.create(item=items[1], unit=units["edu"], role=UnitRole.LEAD)
    ItemUnit.objects.create(item=items[1], unit=units["market"], role=UnitRole.COOPERATE)
    ItemUnit.objects.create(item=items[2], unit=units["market"], role=UnitRole.LEAD)
    ItemUnit.objects.create(item=items[3], unit=units["market"], role=UnitRole.LEAD)
    DeductionRule.objects.create(item=items[0], seq=1, description="权重低于3%", points=Decimal("2"))
    MaterialRequirement.objects.create(
        item=items[0], seq=1, name="党政领导干部考核办法", provider=units["office"]
    )
    MaterialRequirement.objects.create(
        item=items[1], seq=1, name="学校食堂食品安全责任清单", provider=units["edu"]
    )
    Gate.objects.create(framework=fw, seq=1, kind=GateKind.VETO, name="发生重大食品安全事故")
    Gate.objects.create(
        framework=fw,
        seq=2,
        kind=GateKind.SURVEY,
        name="群众满意度",
        metric=SurveyMetric.SATISFACTION,
        threshold=Decimal("0.7"),
    )
    fw.test_items = items
    return fw


def build_cast() -> SimpleNamespace:
    c = SimpleNamespace()
    c.password = PASSWORD
    c.province = Region.objects.create(
        code="510000", name="四川省", level=RegionLevel.PROVINCE, population=83_740_000
    )
    c.city = Region.objects.create(
        code="510700", name="绵阳市", level=RegionLevel.CITY, parent=c.province, population=4_868_000
    )
    c.county = Region.objects.create(
        code="510722", name="三台县", level=RegionLevel.COUNTY, parent=c.city, population=1_050_000
    )
    c.town = Region.objects.create(
        code="510722100", name="潼川镇", level=RegionLevel.TOWNSHIP, parent=c.county, population=180_000
    )
    c.town2 = Region.objects.create(
        code="510722101", name="芦溪镇", level=RegionLevel.TOWNSHIP, parent=c.county, population=60_000
    )
    c.other_county = Region.objects.create(
        code="510723", name="盐亭县", level=RegionLevel.COUNTY, parent=c.city, population=440_000
    )

    c.office = Unit.objects.create(
        name="三台县食安创建办", short_name="创建办", kind=UnitKind.OFFICE, region=c.county
    )
    c.edu = Unit.objects.create(
        name="三台县教育局", short_name="教育局", kind=UnitKind.MEMBER, region=c.county
    )
    c.market = Unit.objects.create(
        name="三台县市场监督管理局", short_name="市场监管局", kind=UnitKind.MEMBER, region=c.county
    )
    c.town_unit = Unit.objects.create(
        name="潼川镇人民政府", short_name="潼川镇", kind=UnitKind.TOWNSHIP, region=c.town
    )
    c.other_office = Unit.objects.create(name="盐亭县食安创建办", kind=UnitKind.OFFICE, region=c.other_county)
    c.other_edu = Unit.objects.create(name="盐亭县教育局", kind=UnitKind.MEMBER, region=c.other_county)
    c.other_market = Unit.objects.create(
        name="盐亭县市场监督管理局", kind=UnitKind.MEMBER, region=c.other_county
    )

    c.admin = make_user("admin", None, Role.ADMIN, "管理员")
    c.office_user = make_user("office", c.office, Role.OFFICE, "王主任")
    c.leader = make_user("leader", c.office, Role.LEADER, "李县长")
    c.edu_liaison = make_user("edu", c.edu, Role.LIAISON, "张联络员")
    c.edu_head = make_user("edu_head", c.edu, Role.UNIT_HEAD, "赵局长")
    c.market_liaison = make_user("market", c.market, Role.LIAISON, "刘联络员")
    c.town_liaison = make_user("town", c.town_unit, Role.LIAISON, "陈联络员")
    c.other_office_user = make_user("other_office", c.other_office, Role.OFFICE, "盐亭主任")
    c.other_liaison = make_user("other_edu", c.other_edu, Role.LIAISON, "盐亭联络员")
    c.expert = make_user("expert", None, Role.EXPERT, "评审专家")
    # 企业账号 (no unit): linked to a business by stewardship.BusinessAccount where a test needs one.
    c.business_user = make_user("biz", None, Role.BUSINESS, "企业账号")

    c.framework = build_framework(
        {"office": c.office, "edu": c.edu, "market": c.market}, owner_region=c.county
    )
    c.items = c.framework.test_items
    today = timezone.localdate()
    c.campaign = Campaign.objects.create(
        name="三台县创建省级食品安全示范县",
        region=c.county,
        level="provincial_county",
        framework=c.framework,
        office=c.office,
        started_on=today - datetime.timedelta(days=200),
    )
    Milestone.objects.create(
        campaign=c.campaign, kind="self_assessment", date=today + datetime.timedelta(days=30)
    )
    Milestone.objects.create(
        campaign=c.campaign, kind="provincial_review", date=today + datetime.timedelta(days=90)
    )
    c.other_framework = build_framework(
        {"office": c.other_office, "edu": c.other_edu, "market": c.other_market},
        owner_region=c.other_county,
        name="盐亭评价细则",
    )
    c.other_campaign = Campaign.objects.create(
        name="盐亭县创建省级食品安全示范县",
        region=c.other_county,
        level="provincial_county",
        framework=c.other_framework,
        office=c.other_office,
    )
    c.edu_task = Task.objects.create(
        campaign=c.campaign,
        item=c.items[1],
        title="制定学校食堂食品安全管理责任清单",
        unit=c.edu,
        deadline=today + datetime.timedelta(days=10),
    )
    c.market_task = Task.objects.create(
        campaign=c.campaign,
        item=c.items[2],
        title="完成年度抽检任务",
        unit=c.market,
        deadline=today - datetime.timedelta(days=5),
    )
    c.other_task = Task.objects.create(
        campaign=c.other_campaign,
        item=c.other_framework.test_items[1],
        title="盐亭学校食堂责任清单",
        unit=c.other_edu,
    )
    return c
