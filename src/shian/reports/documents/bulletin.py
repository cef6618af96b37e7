"""工作简报 第N期: the period's progress, the units' own reports, dispatch and supervision figures."""

import datetime

from django.core.exceptions import ValidationError

from shian.core import gbt9704 as g
from shian.reports.choices import DocumentKind
from shian.reports.documents import common, sources, standard
from shian.reports.documents.base import Draft, Narrative, pct, title_lines, unit_label


def period_range(doc, today):
    """(start, end, label, code) of the bulletin's period; default: the month of the issue date."""
    code = doc.period or f"{today.year}-{today.month:02d}"
    p = sources._period(code)
    if p is None:
        raise ValidationError({"period": "期间无法识别"})
    start = datetime.date(p.start_ym // 100, p.start_ym % 100, 1)
    end_month = datetime.date(p.end_ym // 100, p.end_ym % 100, 1)
    end = (end_month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(days=1)
    return start, min(end, today) if start <= today else end, p.label, p.code


def build(doc) -> Draft:
    """Every figure is as of `end`: the period's last day, or the issue date when that comes first."""
    campaign = doc.campaign
    today = common.issue_date(doc)
    start, end, label, code = period_range(doc, today)
    office = common.office_name(campaign)
    lw = common.level_word(campaign.region)
    name = f"{campaign.region.name}食品安全示范创建工作简报"
    counts = sources.task_counts(campaign, end)
    done_in = sources.tasks_done_between(campaign, start, end)
    figures = {
        "issue": doc.issue_no,
        "period": code,
        "as_of": end.isoformat(),
        "tasks": counts["total"],
        "tasks_done": counts["done"],
        "tasks_done_in_period": done_in,
        "tasks_overdue": counts["overdue"],
    }
    title = doc.title or f"{label}创建工作进展"
    blocks = [
        g.BulletinMasthead(name, doc.issue_no or 1, office, today),
        g.Title(title_lines(title), size_pt=18),
    ]
    lead = (
        f"{label}，全{lw}各地各部门对照任务分解清单扎实推进创建工作。截至{common.date_cn(end)}，"
        f"全{lw}共分解创建任务{counts['total']}项，已完成{counts['done']}项，完成率{pct(counts['done'], counts['total'])}；"
        f"本期新完成{done_in}项；逾期未完成{counts['overdue']}项。"
    )
    blocks.append(g.Paragraph(lead))

    rounds = sources.rounds_in(campaign, start, end)
    if rounds:
        blocks.append(g.Heading("调度推进情况"))
        for r in rounds:
            figures.setdefault("rounds", []).append(
                {"title": r.title, "units": r.n, "submitted": r.submitted, "on_time": r.on_time}
            )
            blocks.append(
                g.Paragraph(
                    f"{r.title}：应报送单位{r.n}个，已报送{r.submitted}个，其中按时报送{r.on_time}个，"
                    f"按时报送率{pct(r.on_time, r.n)}。"
                )
            )

    specials = sources.special_figures(campaign, start, end)
    if specials:
        blocks.append(g.Heading("专项整治推进情况"))
        blocks.append(
            g.Paragraph(
                f"截至{common.date_cn(end)}，全{lw}开展专项整治{len(specials)}项："
                + "；".join(standard.special_phrases(specials))
                + "。"
            )
        )
        figures["special_campaigns"] = [
            {k: row[k] for k in ("title", "kind", "target", "covered", "done")} for row in specials
        ]

    reports = sources.reports_in(campaign, start, end)
    if reports:
        blocks.append(g.Heading("各地各部门工作动态"))
        for r in reports:
            text = " ".join(r.narrative.split())
            blocks.append(g.Paragraph([(f"{unit_label(r.unit)}：", True), (text.rstrip("。") + "。", False)]))
        figures["unit_reports"] = [r.unit.name for r in reports]

    sup = sources.supervision_figures(campaign, code, end)
    said = standard.phrases(sup)
    if said:
        blocks.append(g.Heading("监管工作数据"))
        blocks.append(g.Paragraph(f"{label}（截至{common.date_cn(end)}），全{lw}" + "；".join(said) + "。"))
        figures.update(standard.figures_of(sup))

    blocks += [
        g.Heading("下步工作安排"),
        Narrative(
            "next",
            "下步工作安排",
            f"各地各部门要对照任务分解清单，紧盯逾期未完成的{counts['overdue']}项任务，"
            "倒排工期、挂图作战，确保按时完成各项创建任务。",
        ),
        g.Distribution(
            report_to=f"{campaign.region.parent.name if campaign.region.parent_id else ''}食安办，"
            f"{lw}委、{lw}政府领导",
            send_to=f"{lw}食安委各成员单位",
            issue_to="各乡镇人民政府、街道办事处",
        ),
    ]
    return Draft(DocumentKind.BULLETIN, title, blocks, figures)
