"""Demo scoring: a self-assessment scored on most items with realistic deductions, and one mock review
by a review group of expert1..3 (expert scores, the leader's confirmation, two leader interviews)."""

import datetime
from decimal import Decimal

from shian.framework.choices import CategoryKind, GateKind, Method
from shian.scoring import engine, services
from shian.scoring.choices import AssessmentKind

# Free-text deductions that fit any item (item-specific ones come from the framework's deduction rules).
FREE_REASONS = [
    "佐证材料缺少2024年度资料",
    "部分台账记录不完整、签字不全",
    "工作总结未体现量化成效",
    "佐证材料与评价要求对应性不强",
    "会议纪要未体现具体研究事项",
    "部分乡镇资料未按要求归档",
    "文件印发时间晚于评价时段要求",
    "督导记录缺少问题整改反馈",
]
EXPERT_NOTES = ["资料基本齐全", "台账有缺项", "现场与资料不一致", "佐证材料时间跨度不足", "整体较好"]


def _score(ctx, assessment, item, spec, rng, deduct_share):
    office = ctx.users["office"]
    rules = list(item.deductions.all())
    chosen, free = [], []
    if rng.random() < deduct_share:
        if rules and rng.random() < 0.85:
            chosen = [rng.choice(rules)]
        else:
            pts = min(item.points, spec.step * rng.choice([1, 1, 2, 2, 3, 4]))
            free = [(rng.choice(FREE_REASONS), pts)]
    methods = [m for m in (item.methods or [Method.DOCUMENTS]) if m in Method.values] or [Method.DOCUMENTS]
    services.score_item(
        assessment,
        item,
        actor=office,
        rules=chosen,
        free_deductions=free,
        methods=methods,
        note="对照细则逐项核查佐证材料" if Method.DOCUMENTS in methods else "",
    )


def populate(ctx) -> None:
    rng = ctx.rng
    office = ctx.users["office"]
    campaign = ctx.campaign
    spec = engine.framework_spec(campaign.framework)
    items = list(
        campaign.framework.items()
        .select_related("indicator__category")
        .prefetch_related("deductions")
        .order_by("indicator__category__seq", "indicator__seq", "seq", "id")
    )
    by_id = {s.id: s for s in spec.items}

    self_a = services.create_assessment(
        campaign,
        actor=office,
        kind=AssessmentKind.SELF,
        held_on=ctx.today - datetime.timedelta(days=12),
        title="安澜县创建国家食品安全示范城市自评",
        reviewer="县食安办",
        note="各成员单位对照评价细则逐项自评，县食安办汇总复核。",
    )
    for item in items:
        if rng.random() < 0.9:  # most items scored; a few still pending
            bonus = item.indicator.category.kind == CategoryKind.BONUS
            _score(ctx, self_a, item, by_id[item.pk], rng, 0.6 if bonus else 0.35)
    for answer in self_a.vetoes.select_related("gate"):
        services.answer_veto(
            answer,
            actor=office,
            occurred=False,
            evidence=f"经县市场监管局、卫健局核查，近三年未发生“{answer.gate.name}”情形",
            expected_version=answer.version,
        )
    survey = {"satisfaction": Decimal("0.832"), "awareness": Decimal("0.791"), "support": Decimal("0.915")}
    metrics = set(campaign.framework.gates.filter(kind=GateKind.SURVEY).values_list("metric", flat=True))
    services.update_survey(
        self_a,
        actor=office,
        expected_version=self_a.version,
        **{k: v for k, v in survey.items() if k in metrics or not metrics},
    )

    mock = services.create_assessment(
        campaign,
        actor=office,
        kind=AssessmentKind.MOCK,
        held_on=ctx.today - datetime.timedelta(days=4),
        title="市级专家模拟评审",
        reviewer="绵阳市食安办邀请专家组",
    )
    experts = [ctx.users[k] for k in ("expert1", "expert2", "expert3") if k in ctx.users]
    if not experts:
        return
    group_items = items[:12]
    group = services.save_review_group(
        mock,
        actor=office,
        name="第一评审组（资料审查）",
        leader=experts[0],
        members=experts,
        items=group_items,
        note="负责基础工作部分资料审查及领导访谈",
    )
    for n, item in enumerate(group_items):
        s = by_id[item.pk]
        base = engine.round_down_to_step(s, item.points - s.step * rng.choice([0, 0, 1, 2]))
        for expert in experts:
            pts = engine.round_down_to_step(s, base - s.step * rng.choice([0, 0, 0, 1]))
            services.submit_expert_score(
                group,
                item,
                actor=expert,
                points=pts,
                deduction_note="" if pts == item.points else rng.choice(EXPERT_NOTES),
                methods=[Method.DOCUMENTS],
            )
        if n < 9:  # the leader has confirmed most of the group's items
            spread = services.spread(group, item)
            final = engine.round_down_to_step(s, spread["mean"])
            services.confirm_group_score(
                group,
                item,
                actor=experts[0],
                points=final,
                deduction_text="" if final == item.points else rng.choice(FREE_REASONS),
            )
    interview_item = next((i for i in group_items if Method.INTERVIEW in (i.methods or [])), None)
    for name, position, qa, score in [
        (
            "李县长",
            "县人民政府县长",
            [
                (
                    "食品安全工作在县委县政府工作中的位置如何体现？",
                    "每年县委常委会、县政府常务会议专题研究食品安全不少于2次，纳入年度目标考核，权重4%。",
                ),
                ("创建工作经费如何保障？", "县财政2024年安排创建专项经费860万元，已列入年度预算。"),
            ],
            Decimal("1.5"),
        ),
        (
            "周局长",
            "县市场监督管理局局长",
            [
                (
                    "“两个责任”如何落实到基层？",
                    "全县落实包保干部1260名，包保主体覆盖率100%，督导记录按月汇总。",
                ),
                ("抽检不合格产品如何处置？", "全部按时核查处置，处置率100%，已录入国家平台。"),
            ],
            Decimal("2"),
        ),
    ]:
        services.save_interview(
            mock,
            actor=office,
            group=group,
            item=interview_item,
            interviewee=name,
            position=position,
            held_on=mock.held_on,
            interviewer="、".join(str(e) for e in experts),
            score=score,
            max_score=Decimal("2"),
            summary="回答较为全面，对创建要求熟悉。",
            questions=[(q, a, None) for q, a in qa],
        )
