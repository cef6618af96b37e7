"""自评报告 and 评审报告: both read an assessment of the scoring app (scores by category and
indicator, deductions with their reasons, gates); the review report adds how the review was
organised (groups, experts, materials read, interviews)."""

from collections import OrderedDict, defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError

from shian.core import gbt9704 as g
from shian.reports.choices import DocumentKind
from shian.reports.documents import common, sources
from shian.reports.documents.base import Draft, Narrative, num, pct, population_text, title_lines

OUTCOME_WORDS = {"passed": "达到", "failed": "未达到", "incomplete": "尚不能判定是否达到"}


def _assessment(doc, self_only):
    a = sources.assessment_for(doc.campaign, doc.assessment_ref, self_only=self_only)
    if a is None:
        raise ValidationError({"assessment": "评分模块中尚无可用的评审（请先在“评分”中完成自评或评审）"})
    return a


def _score_sections(assessment, result, spec, figures, with_indicators=True):
    """Blocks: category table, indicator table, deductions, gates; figures filled alongside."""
    blocks = []
    cat_rows = []
    for c in result.categories:
        cat_rows.append(
            [c.category.name, num(c.max_points), num(c.awarded), num(c.lost), pct(c.awarded, c.max_points)]
        )
    figures["categories"] = {c.category.name: num(c.awarded) for c in result.categories}
    figures.update(
        base_total=num(result.base_total),
        base_max=num(result.base_max),
        bonus_total=num(result.bonus_total),
        total=num(result.total),
        unscored=result.unscored,
    )
    cat_rows.append(
        [
            "合计（不含加分项）",
            num(result.base_max),
            num(result.base_total),
            num(result.base_max - result.base_total),
            pct(result.base_total, result.base_max),
        ]
    )
    blocks += [
        g.Heading("得分情况"),
        g.Paragraph(
            f"对照评价细则逐项评分，基础项得分{num(result.base_total)}分（满分{num(result.base_max)}分），"
            + (
                f"示范引领等加分项得分{num(result.bonus_total)}分（封顶{num(result.bonus_max)}分），"
                if result.bonus_max
                else ""
            )
            + f"合计{num(result.total)}分"
            + (f"；尚有{result.unscored}个评分项未评分" if result.unscored else "")
            + "。"
        ),
        g.Heading("分类别得分", 2),
        g.Table(["类别", "分值", "得分", "失分", "得分率"], cat_rows, col_widths_mm=[56, 24, 24, 24, 28]),
    ]
    if with_indicators:
        points = dict(assessment.scores.values_list("item_id", "points"))
        from shian.framework.models import Indicator

        indicators = OrderedDict()
        names = {i.pk: i for i in Indicator.objects.filter(category__framework=assessment.campaign.framework)}
        for item in spec.items:
            row = indicators.setdefault(item.indicator_id, [Decimal(0), Decimal(0)])
            row[0] += item.points
            row[1] += points.get(item.id) or Decimal(0)
        rows = [
            [str(n), str(names[iid]), num(mx), num(got), pct(got, mx)]
            for n, (iid, (mx, got)) in enumerate(indicators.items(), start=1)
        ]
        blocks += [
            g.Heading("分指标得分", 2),
            g.Table(
                ["序号", "指标", "分值", "得分", "得分率"],
                rows,
                col_widths_mm=[14, 70, 22, 22, 28],
                font_size_pt=10.5,
            ),
        ]
    deductions = sources.deductions_of(assessment)
    blocks.append(g.Heading("扣分情况及原因"))
    if deductions:
        by_cat = defaultdict(list)
        for d in deductions:
            by_cat[d.score.item.indicator.category.name].append(d)
        total = sum((d.points for d in deductions), Decimal(0))
        figures["deductions"] = {"count": len(deductions), "points": num(total)}
        blocks.append(g.Paragraph(f"共有{len(deductions)}处扣分，合计扣{num(total)}分，具体如下："))
        for cat, items in by_cat.items():
            blocks.append(g.Heading(cat, 2))
            for d in items:
                item = d.score.item
                code = f"{item.code} " if item.code else ""
                blocks.append(
                    g.Paragraph(
                        [(f"{code}扣{num(d.points)}分：", True), (d.description.rstrip("。") + "。", False)]
                    )
                )
    else:
        figures["deductions"] = {"count": 0, "points": "0"}
        blocks.append(g.Paragraph("本次评分无扣分记录。"))
    blocks.append(g.Heading("否决项及门槛核查"))
    # The veto answers' basis: what the incident register found (with the records) and any override
    # of the office with its reason (scoring.VetoAnswer.basis_text).
    bases = {a.gate.name: a.basis_text() for a in assessment.vetoes.select_related("gate")}
    for gate in result.gates:
        verdict = {True: "符合", False: "不符合", None: "待核实"}[gate.passed]
        text = f"{verdict}。{gate.reason.rstrip('。')}。" if gate.reason else f"{verdict}。"
        if gate.kind == "veto" and bases.get(gate.name):
            text += f"依据：{bases[gate.name].rstrip('。')}。"
        blocks.append(g.Paragraph([(f"{gate.name}：", True), (text, False)]))
    figures["gates"] = {gate.name: gate.passed for gate in result.gates}
    figures["outcome"] = result.outcome
    return blocks


def _pending(result) -> str:
    """What keeps the scoring from being complete ("尚有45个评分项未评分、3项否决项待核实"), or ""."""
    parts = []
    if result.unscored:
        parts.append(f"尚有{result.unscored}个评分项未评分")
    open_gates = sum(1 for gate in result.gates if gate.passed is None)
    if open_gates:
        parts.append(f"{open_gates}项否决项及门槛待核实")
    return "、".join(parts)


def build_self(doc) -> Draft:
    campaign = doc.campaign
    a = _assessment(doc, self_only=True)
    result, spec = sources.assessment_result(a)
    today = common.issue_date(doc)
    office = common.office_name(campaign)
    region = campaign.region
    title = doc.title or f"{region.name}{common.campaign_goal(campaign)}自评报告"
    figures = {"assessment": a.pk}
    blocks = [
        g.Title(title_lines(title)),
        g.Subtitle(f"（{office}  {common.date_cn(today)}）"),
        g.BlankLine(),
        Narrative(
            "intro",
            "开头语",
            f"按照{common.framework_cite(campaign.framework)}要求，{region.name}组织对{common.campaign_goal(campaign)}工作进行了全面自评。"
            "现将自评情况报告如下。",
        ),
        g.Heading("基本情况"),
        Narrative(
            "basic",
            "基本情况",
            f"{region.name}常住人口{population_text(region.population)}。"
            if region.population
            else f"{region.name}扎实推进创建各项工作。",
        ),
    ]
    blocks += _score_sections(a, result, spec, figures)
    line = campaign.framework.pass_line
    pending = _pending(result)
    if pending:
        conclusion = f"自评尚未完成（{pending}），暂不形成自评结论。"
    else:
        conclusion = (
            f"经自评，{region.name}基础项得分{num(result.base_total)}分"
            + (f"，及格线{num(line)}分" if line is not None else "")
            + f"，{OUTCOME_WORDS[result.outcome]}{campaign.get_level_display()}评价要求。"
        )
    figures["conclusion"] = conclusion
    blocks += [
        g.Heading("自评结论"),
        g.Paragraph(conclusion),
        Narrative("conclusion", "自评结论（补充）", "下一步，将对照扣分项逐项整改，巩固提升创建成效。"),
        g.Signature(office, today),
    ]
    return Draft(DocumentKind.SELF_ASSESSMENT, title, blocks, figures)


def _onsite(campaign, assessment) -> str:
    """The 现场检查 paragraph from the campaign's visits (明查暗访)."""
    from shian.inspections.report import onsite_text

    return onsite_text(campaign, assessment.kind)


def build_review(doc) -> Draft:
    campaign = doc.campaign
    a = _assessment(doc, self_only=False)
    result, spec = sources.assessment_result(a)
    region = campaign.region
    kind_label = a.get_kind_display()
    title = doc.title or f"{region.name}{common.campaign_goal(campaign)}{kind_label}报告"
    figures = {"assessment": a.pk}
    groups = list(a.review_groups.prefetch_related("members", "items").select_related("leader"))
    experts = {m.pk for grp in groups for m in grp.members.all()} | {
        grp.leader_id for grp in groups if grp.leader_id
    }
    interviews = list(a.interviews.select_related("unit"))
    read = {e for s in a.scores.values_list("evidence_ids", flat=True) for e in (s or [])}
    figures.update(
        groups=len(groups), experts=len(experts), interviews=len(interviews), materials_read=len(read)
    )
    n_cat = sum(1 for c in spec.categories if not c.is_bonus)
    bonus = {c.id for c in spec.categories if c.is_bonus}
    n_items = sum(
        1 for i in spec.items if i.category_id not in bonus
    )  # 加分项 are not among the 评分项 counted
    organiser = a.reviewer or "评审组"
    when = f"于{common.date_cn(a.held_on)}" if a.held_on else ""
    blocks = [
        g.Title(title_lines(title)),
        Narrative(
            "intro",
            "开头语",
            f"根据工作安排，{organiser}{when}依据{common.framework_cite(campaign.framework)}，对{region.name}"
            f"{common.campaign_goal(campaign)}工作进行了{kind_label}。现将有关情况报告如下。",
        ),
        g.Heading(f"{kind_label}组织实施情况"),
        g.Heading("实施方式", 2),
    ]
    methods = "资料审查、现场检查" + ("、领导访谈" if interviews else "")
    if groups:
        blocks.append(
            g.Paragraph(
                f"{organiser}抽选{len(experts)}名专家，组成{len(groups)}个评审组，"
                f"采取{methods}等方式开展{kind_label}。"
            )
        )
        blocks.append(
            g.Table(
                ["评审组", "组长", "成员人数", "负责评分项"],
                [
                    [
                        grp.name,
                        grp.leader.display_name if grp.leader_id else "—",
                        str(len(grp.members.all())),
                        str(len(grp.items.all())),
                    ]
                    for grp in groups
                ],
                col_widths_mm=[50, 40, 30, 36],
            )
        )
    else:
        blocks.append(g.Paragraph(f"采取{methods}等方式开展{kind_label}。"))
    blocks.append(g.Heading("评价内容", 2))
    content = f"按照评价细则{n_cat}大项{n_items}个评分项逐一评分。"
    if read:  # only materials a score cites were read for it; uploads alone are not "查阅"
        content += f"资料审查共查阅创建材料{len(read)}份。"
    blocks.append(g.Paragraph(content))
    if interviews:
        positions = [
            (i.position or i.interviewee) + (f"（{i.unit.short_name or i.unit.name}）" if i.unit_id else "")
            for i in interviews
        ]
        blocks.append(
            g.Paragraph(
                f"对{'、'.join(positions[:8])}{'等' if len(positions) > 8 else ''}"
                f"{len(interviews)}名党政负责同志和成员单位负责同志进行了访谈。"
            )
        )
    blocks.append(Narrative("onsite", "现场检查情况（点位、业态）", _onsite(campaign, a)))
    blocks.append(g.Heading(f"{region.name}食品安全总体情况"))
    blocks.append(
        Narrative(
            "overall",
            "总体情况",
            f"{region.name}坚持党政同责，扎实推进{common.campaign_goal(campaign)}工作，取得明显成效。",
        )
    )
    # 主要亮点 are the reviewers' own words (a score rate is not a highlight): shown once written.
    blocks.append(Narrative("highlights", "主要亮点", ""))
    blocks += _score_sections(a, result, spec, figures, with_indicators=False)
    blocks += [
        g.Heading("意见建议"),
        Narrative(
            "suggestions",
            "意见建议",
            "一是针对扣分项逐项制定整改方案，明确责任单位和完成时限。\n"
            "二是进一步完善佐证材料，做到资料规范、数据准确。\n"
            "三是加强基层监管能力建设，巩固提升创建成效。",
        ),
    ]
    line = campaign.framework.pass_line
    pending = _pending(result)
    if pending:
        opinion = f"评分尚未完成（{pending}），暂不形成{kind_label}意见。"
    else:
        opinion = (
            f"经{kind_label}，{region.name}基础项得分{num(result.base_total)}分"
            + (f"（及格线{num(line)}分）" if line is not None else "")
            + (f"，示范引领等加分项得分{num(result.bonus_total)}分" if result.bonus_max else "")
            + f"，{OUTCOME_WORDS[result.outcome]}{campaign.get_level_display()}评价要求。"
        )
    figures["opinion"] = opinion
    blocks += [g.Heading(f"{kind_label}意见"), g.Paragraph(opinion)]
    return Draft(DocumentKind.REVIEW, title.replace("\n", ""), blocks, figures)
