"""Demo rectification ledger: the self-assessment's deductions turned into problems, plus problems from
督查, 暗访, complaints and the media — in every state and colour, a few overdue and escalated, one 约谈 held."""

import datetime

from django.utils import timezone

from shian.rectification import services
from shian.rectification.choices import Severity, Source, Status
from shian.rectification.models import Problem

EXTRA = [
    (
        Source.INSPECTION,
        "第三轮督查发现部分学校食堂“明厨亮灶”视频未接入监管平台",
        "县教育局",
        Severity.ORANGE,
    ),
    (Source.COVERT, "暗访发现城关镇农贸市场2户摊贩无健康证明上岗", "城关镇", Severity.YELLOW),
    (Source.COVERT, "暗访发现东城街道小餐饮一条街油烟净化设施未正常使用", "东城街道", Severity.BLUE),
    (Source.COMPLAINT, "群众投诉西城街道某烧烤店夜间占道经营、卫生条件差", "西城街道", Severity.YELLOW),
    (Source.MEDIA, "县融媒体曝光某超市销售过期乳制品", "县市场监管局", Severity.RED),
    (Source.INSPECTION, "部分乡镇食安办协管员未按月报送巡查记录", "县市场监管局", Severity.BLUE),
    (Source.SELF_CHECK, "养老机构食堂食品安全管理员未持证", "县民政局", Severity.ORANGE),
    (Source.INSPECTION, "农村集体聚餐备案率偏低，部分村未建立申报登记台账", "白马镇", Severity.YELLOW),
    (Source.COVERT, "暗访发现青石镇学校周边流动摊贩售卖“三无”食品", "青石镇", Severity.ORANGE),
    (Source.SELF_CHECK, "食用农产品承诺达标合格证开具率不足80%", "县农业农村局", Severity.YELLOW),
    (Source.OTHER, "创建公益广告在公交站台投放数量不足", "县委宣传部", Severity.BLUE),
    (Source.INSPECTION, "医院食堂未落实食品留样48小时制度", "县卫生健康局", Severity.RED),
    (Source.REVIEW, "省级初评预审反馈：部分乡镇“三小”备案登记台账不规范", "柳林镇", Severity.YELLOW),
    (Source.COMPLAINT, "12345热线反映金鸡镇中心小学周边小卖部销售辣条无标签", "金鸡镇", Severity.ORANGE),
    (Source.INSPECTION, "粮食储备库出入库检验记录不完整", "县粮储局", Severity.BLUE),
    (Source.MEDIA, "网络平台曝光某外卖商家后厨环境脏乱", "县市场监管局", Severity.RED),
]
MEASURES = [
    "立即组织专项整治，建立问题清单和整改台账，明确责任人和完成时限",
    "开展全覆盖排查，举一反三，完善长效管理制度",
    "加强日常巡查，落实包保责任，每周通报整改进展",
    "补齐佐证资料，规范归档，由分管领导审核把关",
]
PROGRESS = [
    "已召开专题会议部署整改，正在逐户排查",
    "已完成60%的整改任务，剩余部分本月底前完成",
    "已制定整改方案并下发到各责任股室",
    "已完成整改，正在整理佐证材料",
]


def populate(ctx) -> None:
    from shian.scoring.services import current_self_assessment

    rng = ctx.rng
    office = ctx.users["office"]
    campaign = ctx.campaign
    today = ctx.today
    units = {u.short_name: u for u in [ctx.office, *ctx.member_units, *ctx.township_units]}
    assessment = current_self_assessment(campaign)
    problems = []
    if assessment is not None:
        problems += services.problems_from_deductions(assessment, actor=office, today=today)
    for source, text, unit_name, severity in EXTRA:
        unit = units.get(unit_name) or ctx.member_units[0]
        problems.append(
            services.create_problem(
                campaign,
                actor=office,
                description=text,
                source=source,
                unit=unit,
                severity=severity,
                source_detail={"inspection": "县食安委第三轮督查", "covert": "县食安办明查暗访"}.get(
                    source, ""
                ),
                person=unit.contact_person,
                measures=rng.choice(MEASURES),
                found_on=today - datetime.timedelta(days=rng.randint(20, 70)),
                deadline=today + datetime.timedelta(days=rng.randint(-30, 40)),
            )
        )
    problems = problems[:34]
    liaison = {}
    for user in ctx.users.values():
        if user.unit_id and user.role == "liaison":
            liaison.setdefault(user.unit_id, user)
    now = timezone.now()
    for n, p in enumerate(problems):
        actor = liaison.get(p.unit_id, office)
        if not p.measures:
            p.measures = rng.choice(MEASURES)
            p.person = p.unit.contact_person
            p.found_on = today - datetime.timedelta(days=rng.randint(15, 60))
            p.save(update_fields=["measures", "person", "found_on"])
        state = n % 6
        if state == 0:
            continue  # 待整改
        if state in (1, 2, 3, 4, 5):
            services.add_progress(p, actor=actor, text=rng.choice(PROGRESS), expected_version=p.version)
        if state in (3, 4, 5):
            services.submit_completion(
                p, actor=actor, text="已按整改措施全部完成，相关佐证材料已上传", expected_version=p.version
            )
        if state in (4, 5):
            closed = min(today, p.found_on + datetime.timedelta(days=rng.randint(5, 40)))
            at = now - datetime.timedelta(days=(today - closed).days)
            services.verify_problem(
                p,
                actor=office,
                method=rng.choice(["documents", "onsite", "phone"]),
                note="经核查，整改措施落实到位，同意销号",
                verified_at=at,
                expected_version=p.version,
            )
    # A few overdue problems to escalate: deadlines in the past, still open.
    open_ones = [p for p in problems if p.status in (Status.OPEN, Status.IN_PROGRESS)]
    for days, p in zip([25, 18, 9, 3], open_ones[:4], strict=False):
        Problem.objects.filter(pk=p.pk).update(deadline=today - datetime.timedelta(days=days))
    services.escalate_problems(campaign=campaign, today=today, actor=office)
    from shian.rectification.models import Summons

    held = Summons.objects.filter(campaign=campaign).first()
    if held is not None:
        services.record_summons(
            held,
            actor=office,
            held_on=today - datetime.timedelta(days=1),
            convener="李县长（县食安委主任）",
            attendees=f"{held.unit.name}主要负责人、分管负责人；县食安办主任王建华",
            outcome="被约谈单位作出书面整改承诺，10个工作日内完成整改并报县食安办销号；逾期未完成将在全县通报。",
            expected_version=held.version,
        )
    # One verified problem found again (reopened keeps its history).
    verified = Problem.objects.filter(campaign=campaign, status=Status.VERIFIED).order_by("id").first()
    if verified is not None:
        services.reopen_problem(
            verified,
            actor=office,
            reason="复查发现问题反弹，重新整改",
            deadline=today + datetime.timedelta(days=15),
            expected_version=verified.version,
        )
    spread_history(campaign, now)


def spread_history(campaign, now):
    """The workflow above ran in one moment; spread each problem's status history between the day
    it was found and its 销号 (or yesterday), so figures as of a past date see what was true then."""
    from shian.rectification.models import ProblemStatusChange

    rows = list(
        ProblemStatusChange.objects.filter(subject__campaign=campaign)
        .select_related("subject")
        .order_by("subject_id", "id")
    )
    by_problem = {}
    for r in rows:
        by_problem.setdefault(r.subject_id, []).append(r)
    for log in by_problem.values():
        problem = log[0].subject
        start = timezone.make_aware(datetime.datetime.combine(problem.found_on, datetime.time(9)))
        verified = next((i for i, r in enumerate(log) if r.status == Status.VERIFIED and r.at < now), None)
        end = log[verified].at if verified is not None else now - datetime.timedelta(days=1)
        if end <= start:
            end = now
        before = log[:verified] if verified is not None else log
        step = (end - start) / (len(before) + 1)
        for i, r in enumerate(before, start=1):
            r.at = start + step * i
    ProblemStatusChange.objects.bulk_update(rows, ["at"])
