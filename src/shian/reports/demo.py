"""Demo documents: three issues of the 工作简报 and one 通报 on the latest dispatch round, generated.

Uses the dispatch rounds other apps' demos created; when there are none yet, adds one closed round
with reports (some on time, some late, some missing) so that the 通报 names real units.
"""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

from shian.reports import services
from shian.reports.choices import DocumentKind

NARRATIVES = [
    "组织开展学校食堂食品安全专项检查，检查学校（幼儿园）食堂{n}家，督促整改问题{m}个。",
    "召开本单位创建工作推进会，对照任务分解清单逐项明确责任人和完成时限。",
    "开展农村集体聚餐备案指导{n}场次，发放宣传资料{m}份。",
    "完成“你点我检”活动抽检{n}批次，结果已向社会公开。",
    "对辖区{n}家餐饮单位开展明厨亮灶建设督导，完成率{m}%。",
]


def _ensure_round(ctx):
    from shian.dispatch.models import DispatchReport, DispatchRound

    rnd = DispatchRound.objects.filter(campaign=ctx.campaign).order_by("-deadline").first()
    if rnd is not None:
        return rnd
    rng = ctx.rng
    deadline = timezone.make_aware(
        datetime.datetime.combine(ctx.today - datetime.timedelta(days=6), datetime.time(18))
    )
    label = f"{(ctx.today - datetime.timedelta(days=20)).year}年{(ctx.today - datetime.timedelta(days=20)).month}月"
    rnd = DispatchRound.objects.create(
        campaign=ctx.campaign,
        title=f"{label}创建工作调度",
        period_label=label,
        kind="monthly",
        deadline=deadline,
        status="closed",
        opened_at=deadline - datetime.timedelta(days=10),
        closed_at=deadline,
        instructions="请各单位报送本月创建任务推进情况、存在问题和需协调事项。",
    )
    for i, unit in enumerate(ctx.member_units + ctx.township_units[:6]):
        roll = rng.random()
        if roll < 0.12:
            DispatchReport.objects.create(round=rnd, unit=unit, status="missing")
            continue
        late = roll < 0.25
        at = (
            deadline + datetime.timedelta(hours=rng.randint(5, 60))
            if late
            else deadline - datetime.timedelta(hours=rng.randint(2, 120))
        )
        text = NARRATIVES[i % len(NARRATIVES)].format(n=rng.randint(6, 40), m=rng.randint(3, 95))
        DispatchReport.objects.create(
            round=rnd,
            unit=unit,
            status="submitted",
            submitted_at=at,
            narrative=text,
            submitted_by=ctx.users.get("office"),
        )
    return rnd


def populate(ctx) -> None:
    office = ctx.users["office"]
    rnd = _ensure_round(ctx)
    for months_back in (2, 1, 0):
        y, m = ctx.today.year, ctx.today.month - months_back
        while m < 1:
            y, m = y - 1, m + 12
        issued = min(ctx.today, datetime.date(y, m, 25))
        doc = services.create_document(
            ctx.campaign, DocumentKind.BULLETIN, actor=office, period=f"{y}-{m:02d}", issued_on=issued
        )
        services.generate_document(doc, actor=office, pdf=False)
    circular = services.create_document(
        ctx.campaign, DocumentKind.CIRCULAR, actor=office, round=rnd, issued_on=ctx.today
    )
    services.generate_document(circular, actor=office, pdf=False)
    # Drafts not generated yet, so the list shows documents still being written: the half-year summary,
    # and the self-assessment / review reports when the scoring demo has assessments.
    for kind in (DocumentKind.SUMMARY, DocumentKind.SELF_ASSESSMENT, DocumentKind.REVIEW):
        try:
            services.create_document(ctx.campaign, kind, actor=office)
        except ValidationError:  # that app's demo data is not there: no such draft
            pass
