"""Demo 包保: county, township and village cadres bound to the demo registry's businesses by the
层级对应 rule (through the suggestion service), a year of 五步法 visits with findings and 复查, and signed
三张清单一承诺书 for most cadres — with the gaps a real county has (unbound businesses, overdue cadres)."""

import datetime

from django.core.files.base import ContentFile

from shian.registry.models import Business
from shian.stewardship import services
from shian.stewardship.choices import FindingStatus
from shian.stewardship.models import Binding, Cadre, Commitment, StewardVisit, VisitFinding

SURNAMES = "王 李 张 刘 陈 杨 赵 黄 周 吴 徐 孙 胡 朱 高 林 何 郭 马 罗".split()
GIVEN = "建国 秀英 志强 丽华 德明 春梅 海涛 红梅 永刚 晓燕 国平 文静 建军 玉兰 明辉 小红".split()
PROBLEMS = [
    "许可证未在醒目位置公示",
    "从业人员健康证过期",
    "进货查验记录不全",
    "食品留样不足48小时",
    "后厨地面积水、防蝇设施缺失",
    "冷藏柜生熟混放",
    "餐具消毒记录缺失",
    "负责人不熟悉食品安全总监职责",
]
SCAN = b"%PDF-1.4\n% demo signed scan\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _name(rng):
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def populate(ctx) -> None:
    rng, today = ctx.rng, ctx.today
    services.ensure_defaults()
    cadres, phone = [], 13700000000
    members = list(ctx.member_units)
    for i in range(10):
        phone += 1
        cadres.append(
            Cadre(
                name=_name(rng),
                post=rng.choice(["县委常委", "副县长", "县人大常委会副主任", "县政协副主席", "局长"]),
                level="county",
                region=ctx.county,
                unit=members[i % len(members)],
                phone=str(phone),
            )
        )
    for town, unit in zip(ctx.townships, ctx.township_units, strict=False):
        for post in ("党委副书记", "副镇长"):
            phone += 1
            cadres.append(
                Cadre(name=_name(rng), post=post, level="township", region=town, unit=unit, phone=str(phone))
            )
        for k in range(rng.randint(2, 3)):
            phone += 1
            cadres.append(
                Cadre(
                    name=_name(rng),
                    post=rng.choice(["村党支部书记", "村委会主任", "社区网格员"]),
                    level="village",
                    region=town,
                    unit=unit if k == 0 else None,
                    phone=str(phone),
                )
            )
    Cadre.objects.bulk_create(cadres)
    cadres = list(Cadre.objects.select_related("region"))
    t01 = ctx.users.get("t01")
    if t01 is not None:  # the first township's liaison is also one of its cadres (the 我的督导 page)
        mine = next(c for c in cadres if c.level == "township" and c.region_id == ctx.townships[0].pk)
        mine.user = t01
        mine.save()

    pairs = services.suggest_bindings(Business.objects.operating(), Cadre.objects.all())
    Binding.objects.bulk_create([Binding(cadre=c, business=b, suggested=True) for c, b in pairs])

    rule_map = services.rules()
    visits, planned = [], []
    for binding in Binding.objects.select_related("cadre"):
        per_year = rule_map[binding.cadre.level].visits_per_year
        interval = 365 // per_year
        diligence = rng.random()  # some cadres keep up, some fall behind
        day = today - datetime.timedelta(days=rng.randint(interval, 330))
        while day <= today:
            if rng.random() < 0.55 + 0.45 * diligence:
                visits.append(
                    StewardVisit(
                        cadre=binding.cadre,
                        business_id=binding.business_id,
                        visited_on=day,
                        licences_shown=rng.random() > 0.08,
                        records_kept=rng.random() > 0.15,
                        staff_answered=rng.random() > 0.1,
                        feedback="现场反馈，限期整改" if rng.random() < 0.3 else "",
                        longitude=None,
                        latitude=None,
                    )
                )
            day += datetime.timedelta(days=interval + rng.randint(-5, 20))
    StewardVisit.objects.bulk_create(visits, batch_size=2000)
    findings = []
    for v in StewardVisit.objects.filter(visited_on__lt=today - datetime.timedelta(days=20)).order_by("?")[
        :400
    ]:
        text = rng.choice(PROBLEMS)
        status = (
            FindingStatus.FIXED
            if rng.random() < 0.7
            else rng.choice([FindingStatus.OPEN, FindingStatus.NOT_FIXED])
        )
        findings.append(VisitFinding(visit=v, step=4, text=text, status=status))
    for v in StewardVisit.objects.filter(visited_on__gte=today - datetime.timedelta(days=20))[:40]:
        findings.append(VisitFinding(visit=v, step=4, text=rng.choice(PROBLEMS)))
    VisitFinding.objects.bulk_create(findings, batch_size=2000)
    planned = [c for c in Cadre.objects.filter(bindings__is_active=True).distinct() if rng.random() < 0.7]
    for cadre in planned:
        c = Commitment(
            cadre=cadre,
            year=today.year,
            businesses=cadre.bindings.filter(is_active=True).count(),
            signed_on=today - datetime.timedelta(days=rng.randint(5, 120)),
        )
        c.signed_scan.save(f"commitment-{cadre.pk}.pdf", ContentFile(SCAN), save=False)
        c.save()
