"""Demo dispatch: two closed monthly rounds (on time / late / missing) and one round open now."""

import datetime

from django.utils import timezone

from shian.dispatch import services
from shian.dispatch.choices import ReportStatus, RoundStatus
from shian.dispatch.models import DispatchReport, DispatchRound, ReportLine
from shian.workplan.choices import TaskStatus
from shian.workplan.demo import liaisons_by_unit
from shian.workplan.models import Task

NARRATIVES = [
    "本月召开食品安全工作专题会议1次，传达学习创建工作推进会精神，对照评价细则逐项梳理责任清单。",
    "按照创建工作方案，组织开展专项检查{n}次，出动执法人员{m}人次，发现问题已全部建立整改台账。",
    "完成本单位牵头指标佐证材料的收集整理，已按“一项一档”要求归档，正在补充近三年会议纪要。",
    "开展食品安全宣传进社区、进校园活动{n}场，发放宣传资料{m}份，群众知晓率进一步提升。",
]
PROBLEMS = [
    "",
    "",
    "部分乡镇基层监管力量不足，检查频次难以保证。",
    "个别佐证材料年代较久，查找困难。",
    "专项经费尚未到位，快检设备采购进度滞后。",
]
HELP = ["", "", "", "请创建办协调财政部门加快专项经费拨付。", "建议由创建办统一组织业务培训。"]


def _month_start(day: datetime.date, back: int) -> datetime.date:
    y, m = day.year, day.month - back
    while m <= 0:
        y, m = y - 1, m + 12
    return datetime.date(y, m, 1)


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _text(rng, template):
    return template.format(n=rng.randint(2, 8), m=rng.randint(20, 300))


def _past_round(ctx, month_start, liaisons, outcomes):
    rng, office = ctx.rng, ctx.users["office"]
    label = f"{month_start.year}年{month_start.month}月"
    opened = _at(month_start + datetime.timedelta(days=19), 9)
    deadline = _at(month_start + datetime.timedelta(days=25), 17)
    rnd = services.open_round(
        ctx.campaign,
        "monthly",
        f"{label}食安创城工作月调度",
        deadline,
        label,
        "请各单位对照任务分解清单，如实报送本月工作进展、存在问题和需协调事项。",
        actor=office,
        opened_at=opened,
    )
    reports = list(rnd.reports.order_by("unit__kind", "unit__sort_order", "unit__name"))
    tasks_by_unit = {}
    for t in Task.objects.filter(campaign=ctx.campaign).order_by("id"):
        tasks_by_unit.setdefault(t.unit_id, []).append(t)
    lines = []
    for report in reports:
        outcome = outcomes(rng)
        if outcome == "missing":
            continue
        if outcome == "on_time":
            report.submitted_at = deadline - datetime.timedelta(hours=rng.randint(2, 120))
        else:
            report.submitted_at = deadline + datetime.timedelta(hours=rng.randint(3, 70))
        report.status = ReportStatus.SUBMITTED
        report.submitted_by = liaisons.get(report.unit_id)
        report.narrative = _text(rng, rng.choice(NARRATIVES))
        report.problems = rng.choice(PROBLEMS)
        report.help_needed = rng.choice(HELP)
        for t in tasks_by_unit.get(report.unit_id, []):
            if t.status == TaskStatus.DONE:
                continue
            status = (
                TaskStatus.IN_PROGRESS if t.status != TaskStatus.PENDING_CLAIM else TaskStatus.PENDING_CLAIM
            )
            lines.append(
                ReportLine(
                    report=report,
                    task=t,
                    status=status,
                    progress=max(0, t.progress - 20),
                    note="按计划推进" if status == TaskStatus.IN_PROGRESS else "",
                )
            )
    DispatchReport.objects.bulk_update(
        reports, ["status", "submitted_at", "submitted_by", "narrative", "problems", "help_needed"]
    )
    ReportLine.objects.bulk_create(lines)
    DispatchRound.objects.filter(pk=rnd.pk).update(
        status=RoundStatus.CLOSED, closed_at=deadline + datetime.timedelta(days=3)
    )
    return rnd


def _outcome_weights(on_time, late):
    def pick(rng):
        r = rng.random()
        return "on_time" if r < on_time else "late" if r < on_time + late else "missing"

    return pick


def populate(ctx) -> None:
    rng, today = ctx.rng, ctx.today
    liaisons = liaisons_by_unit(ctx.users)
    _past_round(ctx, _month_start(today, 2), liaisons, _outcome_weights(0.7, 0.18))
    _past_round(ctx, _month_start(today, 1), liaisons, _outcome_weights(0.78, 0.12))
    # The current round: opened three days ago, due in four days; some units have already reported.
    now = timezone.now()
    opened = now - datetime.timedelta(days=3)
    label = f"{today.year}年{today.month}月"
    rnd = services.open_round(
        ctx.campaign,
        "monthly",
        f"{label}食安创城工作月调度",
        _at(today + datetime.timedelta(days=4), 17),
        label,
        "请于截止时间前报送本月各项任务进展；临近省级初评，请重点说明资料审查准备情况。",
        actor=ctx.users["office"],
        opened_at=opened,
    )
    reports = list(
        rnd.reports.select_related("unit").order_by("unit__kind", "unit__sort_order", "unit__name")
    )
    skip = {u.pk for u in ctx.member_units if u.short_name in ("县教育局", "县市场监管局")}
    for report in reports:
        liaison = liaisons.get(report.unit_id)
        if liaison is None or report.unit_id in skip:
            continue  # left for the demo user to file
        roll = rng.random()
        if roll > 0.55:
            continue
        tasks = services.report_tasks(report)
        lines = [
            (t, t.status if t.status != TaskStatus.DONE else None, t.progress, "")
            for t in tasks
            if t.status != TaskStatus.DONE
        ]
        services.save_report(
            report,
            _text(rng, rng.choice(NARRATIVES)),
            rng.choice(PROBLEMS),
            rng.choice(HELP),
            lines,
            submit=roll < 0.45,
            actor=liaison,
            expected_version=report.version,
        )
        if roll < 0.45:  # filed over the last three days, not all at this instant
            DispatchReport.objects.filter(pk=report.pk).update(
                submitted_at=opened + datetime.timedelta(hours=rng.randint(2, 70), minutes=rng.randint(0, 59))
            )
