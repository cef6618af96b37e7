"""Demo 包保: county, township and village cadres bound to the demo registry's businesses by the
层级对应 rule (through the suggestion service), a year of 五步法 visits with findings and 复查, and signed
三张清单一承诺书 for most cadres — with the gaps a real county has (unbound businesses, overdue cadres);
主体责任 records of the businesses with a 总监 (some kept, some not), and one 企业账号 (`biz01`)."""

import datetime

from django.core.files.base import ContentFile

from shian.registry.models import Business
from shian.stewardship import services
from shian.stewardship.choices import FindingStatus, VisitStep
from shian.stewardship.duty import period_start
from shian.stewardship.models import (
    Binding,
    BusinessAccount,
    Cadre,
    Commitment,
    DutyRecord,
    RiskControl,
    StewardVisit,
    VisitFinding,
)

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
# What a failed 一看/二查/三问 step says (the visit form requires a note for a fail).
STEP_NOTES = {
    VisitStep.LOOK: ["许可证未在醒目位置公示", "从业人员健康证未公示"],
    VisitStep.CHECK: ["进货查验台账不全", "食品留样记录缺三天"],
    VisitStep.ASK: ["负责人说不出留样要求", "从业人员不清楚食品安全总监职责"],
}
STEP_FIELDS = {
    VisitStep.LOOK: ("licences_shown", "licences_note", 0.08),
    VisitStep.CHECK: ("records_kept", "records_note", 0.15),
    VisitStep.ASK: ("staff_answered", "staff_note", 0.1),
}
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
                steps = {}
                for step, (passed, note, fail_rate) in STEP_FIELDS.items():
                    failed = rng.random() < fail_rate
                    steps[passed] = not failed
                    steps[note] = rng.choice(STEP_NOTES[step]) if failed else ""
                visits.append(
                    StewardVisit(
                        cadre=binding.cadre,
                        business_id=binding.business_id,
                        visited_on=day,
                        feedback="现场反馈，限期整改" if rng.random() < 0.3 else "",
                        longitude=None,
                        latitude=None,
                        **steps,
                    )
                )
            day += datetime.timedelta(days=interval + rng.randint(-5, 20))
    StewardVisit.objects.bulk_create(visits, batch_size=2000)
    labels = dict(VisitStep.choices)
    findings = []
    old = today - datetime.timedelta(days=20)
    # a failed step is a finding, worded as record_visit words it; the older ones mostly fixed since
    for v in StewardVisit.objects.exclude(licences_shown=True, records_kept=True, staff_answered=True):
        for step, (passed, note, _rate) in STEP_FIELDS.items():
            if not getattr(v, passed):
                fixed = v.visited_on < old and rng.random() < 0.8
                findings.append(
                    VisitFinding(
                        visit=v,
                        step=step,
                        text=f"{labels[step].split('：')[1]}不符合：{getattr(v, note)}",
                        status=FindingStatus.FIXED if fixed else FindingStatus.OPEN,
                    )
                )
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

    _duty(ctx)


RISKS = [
    ("原料进货查验", "查验供货者许可证和产品合格证明，建立进货台账", "每批次"),
    ("冷藏冷冻温度", "冷藏0–8℃、冷冻-18℃以下，每日两次记录", "每日"),
    ("餐用具清洗消毒", "按“一刮二洗三冲四消毒五保洁”操作并记录", "每餐"),
    ("食品留样", "每餐次每样不少于125克，冷藏48小时以上", "每餐"),
]


def _duty(ctx) -> None:
    """A month of 日管控 (with gaps), the weeks' 周排查 and the month's 月调度 for businesses with a 总监,
    the 风险管控清单 of some, and the 企业账号 `biz01` of one bound business of the first township."""
    rng, today = ctx.rng, ctx.today
    keeping = [b for b in Business.objects.operating().exclude(safety_director="") if rng.random() < 0.6]
    records, risks = [], []
    start = today - datetime.timedelta(days=30)
    for business in keeping:
        care = rng.random()
        seen = set()
        day = start
        while day <= today:
            for kind, chance in (("daily", care), ("weekly", care + 0.2), ("monthly", care + 0.3)):
                key = (kind, period_start(kind, day))
                if key not in seen and rng.random() < chance:
                    seen.add(key)
                    records.append(
                        DutyRecord(
                            business=business,
                            kind=kind,
                            period=key[1],
                            done_by=business.safety_officer if kind == "daily" else business.safety_director,
                            checked="按风险管控清单逐项检查",
                            problems=rng.choice(PROBLEMS) if rng.random() < 0.1 else "",
                        )
                    )
            day += datetime.timedelta(days=1)
        if rng.random() < 0.5:
            for risk, measures, freq in RISKS[: rng.randint(2, 4)]:
                risks.append(
                    RiskControl(
                        business=business,
                        risk=risk,
                        measures=measures,
                        frequency=freq,
                        person=business.safety_officer,
                    )
                )
    DutyRecord.objects.bulk_create(records, batch_size=2000)
    RiskControl.objects.bulk_create(risks)
    town = ctx.townships[0]
    business = (
        Business.objects.operating()
        .filter(region=town, bindings__is_active=True)
        .exclude(safety_director="")
        .order_by("pk")
        .first()
    )
    template = ctx.users.get("t01")
    if business is None or template is None:
        return
    from shian.organisation.choices import Role
    from shian.organisation.models import User

    user = User.objects.create(
        username="biz01",
        role=Role.BUSINESS,
        name=business.safety_director,
        password=template.password,  # the demo's shared password, already hashed
    )
    BusinessAccount.objects.create(user=user, business=business)
    if not business.risk_controls.exists():
        RiskControl.objects.bulk_create(
            RiskControl(business=business, risk=r, measures=m, frequency=f, person=business.safety_officer)
            for r, m, f in RISKS
        )
    ctx.users["biz01"] = user


def logins(password: str) -> str:
    account = BusinessAccount.objects.select_related("business").filter(user__username="biz01").first()
    where = f"：{account.business.name}" if account else ""
    return f"  biz01      企业账号{where}（本企业主体责任：日管控/周排查/月调度，密码同上）"
