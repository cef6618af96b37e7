"""通报 on a dispatch round: who reported on time, late or not at all, task progress by unit,
what is overdue, and what is required next. Every unit named comes from the round's data."""

from django.core.exceptions import ValidationError

from shian.core import gbt9704 as g
from shian.core.history import day_end
from shian.reports.choices import DocumentKind
from shian.reports.documents import common, sources, themes
from shian.reports.documents.base import Draft, Narrative, join_names, pct, title_lines, unit_label


def build(doc) -> Draft:
    rnd = doc.round
    if rnd is None:
        raise ValidationError({"round": "调度通报须选择调度轮次"})
    campaign = doc.campaign
    today = common.issue_date(doc)
    cutoff = day_end(today)
    # Before the deadline (and the round not closed) nobody is late yet: the 通报 is an interim one
    # ("截至目前"), reminding those who have not reported of the deadline instead of ordering a 补报.
    interim = rnd.status != "closed" and rnd.deadline > cutoff
    reps = sources.round_reports(rnd, as_of=cutoff, exclude_unit_id=campaign.office_id)
    n_all, on_time, late, missing = len(reps["all"]), reps["on_time"], reps["late"], reps["missing"]
    office = common.office_name(campaign)
    lw = common.level_word(campaign.region)
    label = rnd.period_label or rnd.title
    title = doc.title or f"关于{label}创建工作调度情况的通报"
    number = doc.doc_number  # allocated once, at 定稿: drafts carry none
    deadline = sources.local_day(rnd.deadline)

    figures = {
        "as_of": today.isoformat(),
        "interim": interim,
        "units": n_all,
        "on_time": len(on_time),
        "late": len(late),
        "missing": len(missing),
        "on_time_rate": pct(len(on_time), n_all),
        "on_time_units": [r.unit.name for r in on_time],
        "late_units": [r.unit.name for r in late],
        "missing_units": [r.unit.name for r in missing],
    }

    intro = (
        f"按照{common.campaign_goal(campaign)}工作安排，{office}于{common.date_cn(sources.local_day(rnd.opened_at))}"
        f"开展{label}调度，要求各地各部门于{common.date_cn(deadline)}前报送工作进展。"
        + ("本轮调度尚未截止，现将截至目前的报送情况通报如下。" if interim else "现将有关情况通报如下。")
    )
    blocks = [
        g.Masthead(f"{office}文件", number),
        g.Title(title_lines(title)),
        g.Addressee(common.addressee(campaign)),
        Narrative("intro", "开头语", intro),
        g.Heading("报送情况"),
    ]
    if interim:
        summary = (
            f"截至{common.date_cn(today)}，本轮调度应报送单位{n_all}个，已报送{len(on_time)}个，"
            f"报送率{pct(len(on_time), n_all)}；尚未报送{len(missing)}个。"
        )
    else:
        summary = (
            f"本轮调度应报送单位{n_all}个，按时报送{len(on_time)}个，按时报送率{pct(len(on_time), n_all)}；"
            f"逾期报送{len(late)}个；未报送{len(missing)}个。"
        )
    blocks.append(g.Paragraph(summary))
    if on_time:
        blocks.append(
            g.Paragraph(
                [
                    ("已报送的单位：" if interim else "按时报送的单位：", True),
                    (join_names(unit_label(r.unit) for r in on_time) + "。", False),
                ]
            )
        )
    if late:
        text = "、".join(
            f"{unit_label(r.unit)}（{sources.local_day(r.submitted_at).month}月"
            f"{sources.local_day(r.submitted_at).day}日报送）"
            for r in late
        )
        blocks.append(g.Paragraph([("逾期报送的单位：", True), (text + "。", False)]))
    if missing:
        blocks.append(
            g.Paragraph(
                [
                    ("尚未报送的单位：" if interim else "未报送的单位：", True),
                    (join_names(unit_label(r.unit) for r in missing) + "。", False),
                ]
            )
        )

    units = [r.unit for r in reps["all"]]
    progress = sources.task_progress_by_unit(campaign, today, units=units)
    if progress:
        tot = sum(r["total"] for r in progress)
        done = sum(r["done"] for r in progress)
        overdue = sum(r["overdue"] for r in progress)
        figures.update(tasks=tot, tasks_done=done, tasks_overdue=overdue)
        blocks += [
            g.Heading("任务推进情况"),
            g.Paragraph(
                f"参与本轮调度的单位共承担创建任务{tot}项，已完成{done}项，完成率{pct(done, tot)}；"
                f"逾期未完成{overdue}项。各单位任务推进情况见下表。"
            ),
            g.Table(
                ["序号", "单位", "任务数", "已完成", "未完成", "逾期", "完成率"],
                [
                    [
                        str(i),
                        r["label"],
                        str(r["total"]),
                        str(r["done"]),
                        str(r["open"]),
                        str(r["overdue"]),
                        pct(r["done"], r["total"]),
                    ]
                    for i, r in enumerate(progress, start=1)
                ],
                col_widths_mm=[12, 46, 18, 18, 18, 16, 24],
                font_size_pt=12,
            ),
        ]

    late_tasks = sources.overdue_tasks(campaign, today)
    late_problems = sources.overdue_problems(campaign, today)
    if late_tasks or late_problems:
        blocks.append(g.Heading("逾期事项"))
        if late_tasks:
            figures["overdue_tasks"] = len(late_tasks)
            blocks.append(g.Heading("逾期未完成的任务", 2))
            for t in late_tasks:
                days = (today - t.deadline).days
                blocks.append(
                    g.Paragraph(
                        [
                            (f"{unit_label(t.unit)}：", True),
                            (
                                f"{t.title.rstrip('。；;.')}（时限{common.date_cn(t.deadline)}，已逾期{days}天）。",
                                False,
                            ),
                        ]
                    )
                )
        if late_problems:
            figures["overdue_problems"] = len(late_problems)
            blocks.append(g.Heading("逾期未整改的问题", 2))
            for p in late_problems:
                days = (today - p.deadline).days
                text = themes.finding(p.description.splitlines()[0]) if p.description else ""
                blocks.append(
                    g.Paragraph(
                        [
                            (f"{unit_label(p.unit)}：", True),
                            (
                                f"{text.rstrip('。')}（整改时限{common.date_cn(p.deadline)}，已逾期{days}天）。",
                                False,
                            ),
                        ]
                    )
                )

    demands = [
        "一是提高思想认识。各地各部门要把创建工作作为一项重要政治任务，主要负责同志亲自研究部署，"
        "确保各项任务按时保质完成。"
    ]
    if interim and missing:
        names = join_names([unit_label(r.unit) for r in missing])
        demands.append(
            f"二是严格报送纪律。{names}要抓紧梳理工作进展，于{common.date_cn(deadline)}前向"
            f"{lw}食安办报送，逾期未报送的将予以通报。"
        )
    elif missing or late:
        names = join_names([unit_label(r.unit) for r in missing + late])
        demands.append(
            f"二是严格报送纪律。{names}要认真分析原因，于{common.date_cn(today + _days(3))}前向"
            f"{lw}食安办补报（说明）工作进展情况。"
        )
    else:
        demands.append("二是严格报送纪律。各单位要继续按时、如实报送工作进展，确保调度信息真实准确。")
    if late_tasks or late_problems:
        demands.append(
            "三是加快整改销号。对逾期未完成的任务和问题，责任单位要制定整改计划，明确责任人和完成时限，"
            "逐项销号；逾期仍未完成的，将按程序予以约谈。"
        )
    blocks += [
        g.Heading("下步工作要求"),
        Narrative("requirements", "下步工作要求", "\n".join(demands)),
        g.Signature(office, today),
        g.Imprint(cc=common.copy_to(campaign), printer=office, print_date=today),
    ]
    return Draft(DocumentKind.CIRCULAR, title, blocks, figures)


def _days(n):
    import datetime

    return datetime.timedelta(days=n)
