"""阶段工作总结 (half-year / annual): 工作开展情况 by category with the period's figures,
存在的问题 from the gap analysis and open problems, 下步工作打算 (editable)."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError

from shian.reports import gbt9704 as g
from shian.reports.choices import DocumentKind
from shian.reports.documents import common, sources
from shian.reports.documents.base import Draft, Narrative, num, pct, title_lines, unit_label

SEVERITY_WORDS = {"red": "红色", "orange": "橙色", "yellow": "黄色", "blue": "蓝色"}


def default_period(today) -> str:
    """The last complete half-year."""
    return f"{today.year}-H1" if today.month > 6 else f"{today.year - 1}-H2"


def build(doc) -> Draft:
    campaign = doc.campaign
    today = common.issue_date(doc)
    code = doc.period or default_period(today)
    p = sources._period(code)
    if p is None:
        raise ValidationError({"period": "期间无法识别"})
    region = campaign.region
    lw = common.level_word(region)
    office = common.office_name(campaign)
    title = doc.title or f"{region.name}{p.label}{common.campaign_goal(campaign)}工作总结"
    figures = {"period": p.code}
    blocks = [g.Title(title_lines(title)), g.Subtitle(f"（{office}  {common.date_cn(today)}）"), g.BlankLine(),
              Narrative("intro", "开头语",
                        f"{p.label}，{region.name}深入贯彻“四个最严”要求，坚持党政同责、部门协同、属地管理、"
                        f"全民参与，扎实推进{common.campaign_goal(campaign)}各项工作。现将有关情况总结如下。"),
              g.Heading(f"{p.label}工作开展情况")]

    counts = sources.task_counts(campaign, today)
    start = p.start_date
    end_month = datetime.date(p.end_ym // 100, p.end_ym % 100, 1)
    end = (end_month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(days=1)
    cats = sources.task_progress_by_category(campaign, start, end)
    evals = sources.indicator_evaluations(campaign, p.code) or []
    evals_by_cat = sources.by_category(evals, lambda pair: pair[0].scoring_item.indicator.category_id
                                       if pair[0].scoring_item_id else None)
    figures["tasks"] = {"total": counts["total"], "done": counts["done"], "overdue": counts["overdue"]}
    for c in cats:
        blocks.append(g.Heading(f"{c['category']}", 2))
        text = (f"该类别共分解任务{c['total']}项，已完成{c['done']}项（其中{p.label}完成{c['done_in']}项），"
                f"完成率{pct(c['done'], c['total'])}。")
        for defn, ev in evals_by_cat.get(c["cid"], []):
            if ev.value is None:
                continue
            target = f"，目标{num(defn.target)}{defn.value_unit}" if defn.target is not None else ""
            verdict = "" if ev.met is None else ("，已达标" if ev.met else "，尚未达标")
            text += f"{defn.name}{num(ev.value)}{defn.value_unit}{target}{verdict}。"
        blocks.append(g.Paragraph(text))
        blocks.append(Narrative(f"category_{c['cid'] or 0}", f"{c['category']}：主要做法",
                                f"一是对照评价细则逐项落实{c['category']}各项任务，明确牵头单位和完成时限。"))
        figures.setdefault("categories", {})[c["category"]] = {"total": c["total"], "done": c["done"],
                                                               "done_in_period": c["done_in"]}

    sup = sources.supervision_figures(campaign, p.code, today)
    if sup:
        s, cp, k = sup["sampling"], sup["complaints"], sup["cases"]
        rows = []
        tg = sup["targets"]

        def target(key, unit="%"):
            return f"{num(tg[key])}{unit}" if key in tg else "—"

        if s["food"]:
            share = ""
            if sup["annual_target"]:
                share = pct(s["food"], sup["annual_target"])
                figures["sampling_share"] = share
            rows.append(["食品抽检", f"{s['food']}批次", f"年度目标{num(sup['annual_target'].quantize(Decimal(1)))}批次"
                         if sup["annual_target"] else "—", share or "—"])
            if s["evaluation"]:
                rows.append(["评价性抽检合格率", pct(s["evaluation_passed"], s["evaluation"], 2),
                             target("evaluation_pass_rate"), "—"])
            if s["failed"]:
                rows.append(["不合格样品核查处置", f"{s['disposed']}/{s['failed']}批次", target("disposal_rate"),
                             pct(s["disposed"], s["failed"])])
        if cp["total"]:
            rows.append(["投诉举报按时办结", f"{cp['on_time']}/{cp['total']}件", target("complaints_on_time"),
                         pct(cp["on_time"], cp["total"])])
        if k["total"]:
            rows.append(["查办食品安全案件", f"{k['total']}件",
                         f"罚没款{g.format_wan_yuan((k['fines'] or 0) + (k['confiscated'] or 0))}", "—"])
        if rows:
            figures.update(sampling=s["food"], failed=s["failed"], complaints=cp["total"],
                           complaints_on_time=cp["on_time"], cases=k["total"])
            blocks += [g.Heading("主要监管数据", 2),
                       g.Paragraph(f"{p.label}，全{lw}完成食品抽检{s['food']}批次"
                                   + (f"，占年度目标的{figures['sampling_share']}" if figures.get("sampling_share") else "")
                                   + f"；受理投诉举报{cp['total']}件，按时办结{cp['on_time']}件；"
                                   f"查办食品安全案件{k['total']}件。"),
                       g.Table(["项目", "完成情况", "目标", "完成比例"], rows, col_widths_mm=[50, 40, 40, 26])]

    blocks.append(g.Heading("存在的问题"))
    problems_written = False
    gap = sources.gap_analysis(campaign, today)
    if gap:
        res = gap["result"]
        figures["readiness"] = pct(res.base_total, res.base_max)
        blocks.append(g.Paragraph(
            f"对照评价细则自评，基础得分{num(res.base_total)}分（满分{num(res.base_max)}分），"
            f"失分{num(gap['lost_total'])}分。失分较多的指标有："
            + "；".join(f"{ind.name}（失{num(v)}分）" for ind, v in gap["by_indicator"][:5]) + "。"
            if gap["by_indicator"] else
            f"对照评价细则自评，基础得分{num(res.base_total)}分（满分{num(res.base_max)}分）。"))
        problems_written = True
    pf = sources.problem_figures(campaign, today)
    if pf and pf["total"]:
        colours = "，".join(f"{SEVERITY_WORDS[k]}{v}个" for k, v in sorted(pf["by_colour"].items(),
                                                                         key=lambda kv: list(SEVERITY_WORDS).index(kv[0]))
                           if k in SEVERITY_WORDS)
        blocks.append(g.Paragraph(
            f"问题整改台账共登记问题{pf['total']}个，已销号{pf['closed']}个，整改销号率{pct(pf['closed'], pf['total'])}；"
            f"尚未销号{pf['open']}个" + (f"（{colours}）" if colours else "") + f"，其中逾期{pf['overdue']}个。"))
        figures["problems"] = {k: pf[k] for k in ("total", "closed", "open", "overdue")}
        late = sources.overdue_problems(campaign, today, limit=8) or []
        for prob in late:
            text = prob.description.splitlines()[0] if prob.description else ""
            blocks.append(g.Paragraph([(f"{unit_label(prob.unit)}：", True), (text.rstrip("。") + "。", False)]))
        problems_written = True
    if counts["overdue"]:
        blocks.append(g.Paragraph(f"创建任务中尚有{counts['overdue']}项逾期未完成，部分单位工作推进不平衡。"))
        problems_written = True
    blocks.append(Narrative("problems", "存在的问题（补充）",
                            "" if problems_written else "对照评价细则，部分指标的佐证材料和工作成效仍需进一步完善。"))

    blocks += [g.Heading("下步工作打算"),
               Narrative("next", "下步工作打算",
                         "一是持续压实责任。进一步落实党政同责，定期调度创建工作。\n"
                         "二是补齐短板弱项。对照失分指标和问题台账，逐项整改销号。\n"
                         "三是做好迎检准备。完善佐证材料，组织模拟评审，确保顺利通过评审验收。")]
    return Draft(DocumentKind.SUMMARY, title, blocks, figures)
