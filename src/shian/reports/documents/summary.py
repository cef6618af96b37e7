"""阶段工作总结 (half-year / annual), written as offices write it (see the seeds): 工作开展情况 under the
themes 高位推进 / 源头治理 / 过程监管 / 社会共治 / 示范引领 in the 一是/二是 register, drafted from the
period's records (task figures, dispatch rounds, the units' own dispatch narratives, documents
issued, the standard supervision figures, computed indicators); 存在的问题 as findings grouped by
theme (deductions, open problems, missed targets, overdue tasks — no criteria codes); 下步工作打算.

Every figure is as of the period's end (or the date written, when that comes first).
"""

import datetime

from django.core.exceptions import ValidationError

from shian.core import gbt9704 as g
from shian.core.figures import percent_text
from shian.reports.choices import DocumentKind
from shian.reports.documents import common, sources, standard, themes
from shian.reports.documents.base import Draft, Narrative, num, pct, title_lines, unit_label

PER_THEME = 6  # lines of one theme drafted at most (the office adds or cuts)
FINDINGS_PER_THEME = 6


def default_period(today) -> str:
    """The last complete half-year."""
    return f"{today.year}-H1" if today.month > 6 else f"{today.year - 1}-H2"


def period_bounds(p, today):
    start = p.start_date
    end_month = datetime.date(p.end_ym // 100, p.end_ym % 100, 1)
    end = (end_month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(days=1)
    return start, min(end, today)


def build(doc) -> Draft:
    campaign = doc.campaign
    today = common.issue_date(doc)
    code = doc.period or default_period(today)
    p = sources._period(code)
    if p is None:
        raise ValidationError({"period": "期间无法识别"})
    start, end = period_bounds(p, today)
    region = campaign.region
    lw = common.level_word(region)
    office = common.office_name(campaign)
    goal = common.campaign_goal(campaign)
    title = doc.title or f"{region.name}{p.label}{goal}工作总结"
    figures = {"period": p.code, "as_of": end.isoformat()}

    counts = sources.task_counts(campaign, end)
    done_in = sources.tasks_done_between(campaign, start, end)
    figures["tasks"] = {
        "total": counts["total"],
        "done": counts["done"],
        "done_in_period": done_in,
        "overdue": counts["overdue"],
    }
    sup = sources.supervision_figures(campaign, p.code, end)
    evals = [
        (d, ev) for d, ev in (sources.indicator_evaluations(campaign, p.code) or []) if ev.value is not None
    ]
    lines = {t.key: [] for t in themes.THEMES}

    # 高位推进: the task list, dispatch, documents issued
    if counts["total"]:
        lines["lead"].append(
            f"对照评价细则将创建任务分解为{counts['total']}项，明确牵头单位和完成时限。截至{common.date_cn(end)}，"
            f"已完成{counts['done']}项，完成率{pct(counts['done'], counts['total'])}，其中{p.label}完成{done_in}项。"
        )
    rounds = sources.rounds_in(campaign, start, end)
    if rounds:
        due, on_time = sum(r.n for r in rounds), sum(r.on_time for r in rounds)
        figures["rounds"] = {"count": len(rounds), "reports_due": due, "on_time": on_time}
        lines["lead"].append(
            f"建立定期调度机制，{p.label}开展创建工作调度{len(rounds)}轮，各单位应报送{due}份、"
            f"按时报送{on_time}份，按时报送率{pct(on_time, due)}。"
        )
    issued = sources.documents_issued(campaign, start, end, exclude=doc.pk)
    if issued:
        figures["documents_issued"] = issued
        lines["lead"].append(
            "印发" + "、".join(f"{label}{n}{unit}" for label, n, unit in issued) + "，及时通报创建进展。"
        )

    # the units' own words, each sentence under its theme
    for unit, text in sources.narrative_sentences(campaign, start, end):
        key = themes.classify(text)
        if len(lines[key]) < PER_THEME:
            lines[key].append(f"{unit_label(unit)}{text}")

    # supervision figures, by theme
    if sup:
        s = sup["sampling"]
        if s["farm"]:
            lines["source"].append(
                f"加强食用农产品质量安全监管，{p.label}完成农产品定量检测{s['farm']}批次。"
            )
        said = [x for x in standard.phrases(sup) if x.startswith(("完成食品抽检", "查办"))]
        if said:
            lines["process"].insert(0, f"{p.label}，全{lw}" + "；".join(said) + "。")
        said = [x for x in standard.phrases(sup) if not x.startswith(("完成食品抽检", "查办"))]
        if said:
            lines["society"].insert(0, f"{p.label}，全{lw}" + "；".join(said) + "。")
        figures.update(standard.figures_of(sup))
    specials = sources.special_figures(campaign, start, end)
    if specials:
        figures["special_campaigns"] = [
            {k: row[k] for k in ("title", "kind", "target", "covered", "done")} for row in specials
        ]
        at = 1 if lines["process"] and lines["process"][0].startswith(p.label) else 0
        lines["process"].insert(
            at,
            f"深入开展专项整治。截至{common.date_cn(end)}，全{lw}开展专项整治{len(specials)}项："
            + "；".join(standard.special_phrases(specials))
            + "。",
        )
    society = sources.community_figures(campaign, start, end)
    if society:
        lines["society"].append(f"{p.label}，全{lw}" + society["sentence"])
        figures["community"] = {
            k: str(v) for k, v in society.items() if k not in ("sentence", "activities_by_kind")
        }
    for defn, ev in evals:
        if defn.formula == "total" or sources.standard_key(defn):  # already among the standard figures
            continue
        key = themes.classify(defn.name, default="model")
        target = f"（目标{num(defn.target)}{defn.value_unit}）" if defn.target is not None else ""
        if len(lines[key]) < PER_THEME + 2:
            lines[key].append(f"{defn.name}{_value(ev.value, defn.value_unit)}{target}。")
        figures.setdefault("indicators", {})[defn.code] = str(ev.value)

    blocks = [
        g.Title(title_lines(title)),
        g.Subtitle(f"（{office}  {common.date_cn(today)}）"),
        g.BlankLine(),
        Narrative(
            "intro",
            "开头语",
            f"{p.label}，{region.name}深入贯彻“四个最严”要求，坚持党政同责、部门协同、属地管理、"
            f"全民参与，扎实推进{goal}各项工作。现将有关情况总结如下。",
        ),
        g.Heading(f"{p.label}工作开展情况"),
    ]
    written = False
    for theme in themes.THEMES:
        if not lines[theme.key]:
            continue
        written = True
        blocks += [
            g.Heading(theme.heading, 2),
            Narrative(f"theme_{theme.key}", theme.heading, themes.numbered(lines[theme.key])),
        ]
    if not written:
        blocks.append(Narrative("work", "工作开展情况", ""))
    table = _figure_table(sup)
    if table:
        blocks += [g.Paragraph(f"{p.label}主要监管数据如下（截至{common.date_cn(end)}）："), table]

    blocks += [
        g.Heading("存在的问题"),
        Narrative("problems", "存在的问题", _problems(campaign, end, counts, evals, figures)),
    ]
    blocks += [
        g.Heading("下步工作打算"),
        Narrative(
            "next",
            "下步工作打算",
            "一是持续压实责任。进一步落实党政同责，定期调度创建工作，及时研究解决突出问题。\n"
            "二是补齐短板弱项。对照失分指标和问题整改台账，逐项整改销号。\n"
            "三是做好迎检准备。完善佐证材料，组织模拟评审，确保顺利通过评审验收。",
        ),
    ]
    return Draft(DocumentKind.SUMMARY, title, blocks, figures)


def _value(value, unit) -> str:
    if unit == "%":
        return f"达到{percent_text(value)}"
    return f"为{num(value)}{unit}"


def _figure_table(sup):
    if not sup:
        return None
    s, c, k, m = sup["sampling"], sup["complaints"], sup["cases"], sup.get("metrics") or {}
    tg = sup["targets"]
    rows = []
    if s["food"]:
        rows.append(
            [
                "食品抽检",
                f"{s['food']}批次",
                f"{sup['target_basis']}{num(sup['annual_target'])}批次" if sup["annual_target"] else "—",
                standard.sampling_share(sup) or "—",
            ]
        )
    if s["evaluation"]:
        rows.append(
            [
                "评价性抽检合格率",
                pct(s["evaluation_passed"], s["evaluation"]),
                f"{num(tg['evaluation_pass_rate'])}%" if "evaluation_pass_rate" in tg else "—",
                "—",
            ]
        )
    if s["failed"]:
        rows.append(
            [
                "不合格样品核查处置",
                f"{s['disposed']}/{s['failed']}批次",
                f"{num(tg['disposal_rate'])}%" if "disposal_rate" in tg else "—",
                pct(s["disposed"], s["failed"]),
            ]
        )
    if c["total"]:
        rows.append(
            [
                "投诉举报按时办结",
                f"{c['on_time']}/{c['total']}件",
                f"{num(tg['complaints_on_time'])}%" if "complaints_on_time" in tg else "—",
                pct(c["on_time"], c["total"]),
            ]
        )
    if k["total"]:
        money = k["money"]
        rows.append(["查办食品安全案件", f"{k['total']}件", "—", "—"])
        rows.append(
            [
                "罚没款",
                g.format_wan_yuan(money["total"]),
                f"罚款{g.format_wan_yuan(money['fines'])}，没收{g.format_wan_yuan(money['confiscated'])}",
                "—",
            ]
        )
        if k["police"]:
            rows.append(["移送公安机关", f"{k['police']}件", "—", "—"])
    for label, value, unit in m.values():
        rows.append([label, f"{num(value)}{unit}", "—", "—"])
    if not rows:
        return None
    return g.Table(["项目", "完成情况", "目标/说明", "完成比例"], rows, col_widths_mm=[46, 36, 50, 24])


def _problems(campaign, end, counts, evals, figures) -> str:
    """存在的问题 as findings under their themes: 一是创建责任落实还有差距。…；…。"""
    findings = {t.key: [] for t in themes.THEMES}
    gap = sources.gap_analysis(campaign, end)
    if gap:
        res = gap["result"]
        figures["readiness"] = pct(res.base_total, res.base_max)
        scored_lost = [
            r
            for r in gap["fix_first"]
            if r["source"] == "score" and r["awarded"] is not None and not r["category"].is_bonus
        ]
        if res.unscored:
            findings["lead"].append(f"尚有{res.unscored}个评分项未开展自评，底数还不够清")
        for d in sources.deductions_of(gap["assessment"]):
            text = themes.finding(d.description)
            key = themes.classify(f"{text}{d.score.item.indicator.name}")
            if text and text not in findings[key]:
                findings[key].append(text)
        figures["scored_lost"] = num(sum((r["lost"] for r in scored_lost), 0))
    problems = sources.open_problems(campaign, end)
    if problems is not None:
        late = 0
        for prob in problems.order_by("deadline", "seq")[:30]:
            text = themes.finding(themes.sentence(prob.description))
            if prob.deadline and prob.deadline < end:
                late += 1
            key = themes.classify(text)
            if text and text not in findings[key] and len(findings[key]) < 4:
                findings[key].append(text)
        pf = sources.problem_figures(campaign, end)
        if pf and pf["open"]:
            figures["problems"] = {k: pf[k] for k in ("total", "closed", "open", "overdue")}
            findings["lead"].append(f"问题整改台账尚有{pf['open']}个问题未销号，其中逾期{pf['overdue']}个")
    for defn, ev in evals:
        if ev.met is False and not sources.standard_key(defn):
            findings[themes.classify(defn.name, default="model")].append(
                f"{defn.name}{_value(ev.value, defn.value_unit)}，未达到{num(defn.target)}{defn.value_unit}的目标"
            )
    if counts["overdue"]:
        slow = [r for r in sources.task_progress_by_unit(campaign, end) if r["overdue"]]
        slow.sort(key=lambda r: -r["overdue"])
        names = "、".join(r["label"] for r in slow[:3])
        findings["lead"].append(f"创建任务中尚有{counts['overdue']}项逾期未完成，{names}等单位推进较慢")
    out = []
    for theme in themes.THEMES:
        said = findings[theme.key]
        if said:
            more = "等" if len(said) > FINDINGS_PER_THEME else ""
            out.append(f"{theme.problem}。" + "；".join(said[:FINDINGS_PER_THEME]) + f"{more}。")
    return themes.numbered(out)
