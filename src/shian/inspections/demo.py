"""Demo 明查暗访: checklists for ten categories, a drawn 模拟评审 明查 plan with most visits done by the
experts and their findings turned into problems, and a 暗访 plan drawn and waiting for inspectors."""

import datetime

from shian.core.audit import actor_context
from shian.inspections import services
from shian.inspections.checklist_data import CHECKLISTS, items_for
from shian.inspections.checklists import save_checklist
from shian.registry.models import SiteCategory

PNG = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAA"
    "AABJRU5ErkJggg=="
)
FINDINGS = [
    "后厨地面有积水、油污",
    "健康证已过期",
    "留样记录不完整",
    "原料台账缺少供货方资质",
    "灭蝇灯损坏未更换",
    "冷藏柜生熟食品混放",
    "消毒柜未通电使用",
    "许可证未在醒目位置公示",
]


def populate(ctx) -> None:
    rng = ctx.rng
    office = ctx.users["office"]
    experts = [ctx.users[f"expert{i}"] for i in (1, 2, 3)]
    cats = {c.code: c for c in SiteCategory.objects.all()}
    for code in CHECKLISTS:
        save_checklist(cats[code], items_for(code), basis="参照国家食品安全示范城市评价细则现场检查要求")
    with actor_context(office):
        towns = ctx.townships
        plan = services.create_plan(
            ctx.campaign,
            actor=office,
            name="模拟评审明查（第一轮）",
            stage="mock",
            mode="open",
            areas=[towns[0], towns[1], towns[5], towns[14]],
            planned_on=ctx.today - datetime.timedelta(days=3),
            reserves=1,
            quotas=[(cats[c], None, 1) for c in CHECKLISTS],
            risk_grades=["C", "D"],
            risk_share="0.3",
            allow_shortfall=True,
        )
        services.draw_sites(plan, actor=office, seed=20250918)
        visits = services.assign_visits(plan, actor=office, inspectors=experts, scheduled_on=plan.planned_on)
        for i, visit in enumerate(visits):
            if i % 7 == 3:
                continue  # a few points still to be visited
            items = list(visit.checklist.items.all())
            fails = set(
                rng.sample([it.seq for it in items if it.kind == "check"], rng.choice([0, 0, 1, 1, 2]))
            )
            data = {
                "answers": {
                    str(it.pk): {
                        "result": "fail"
                        if it.seq in fails
                        else rng.choice(["pass", "pass", "pass", "partial"]),
                        "note": rng.choice(FINDINGS) if it.seq in fails else "",
                    }
                    for it in items
                },
                "photos": [
                    {
                        "id": f"demo-{visit.pk}-{it.pk}",
                        "item": it.pk,
                        "data": PNG,
                        "lat": "31.1",
                        "lng": "105.1",
                    }
                    for it in items
                    if it.photo_required
                ],
                "signature": PNG,
                "person_in_charge": "现场负责人",
                "notes": "现场检查已反馈，负责人签字确认",
            }
            services.save_visit(visit, actor=visit.inspector, data=data, submit=True)
            if fails and i % 3:
                services.problems_from_visit(visit, actor=office)
        _roll_up(ctx, plan, office, cats)
        covert = services.create_plan(
            ctx.campaign,
            actor=office,
            name="暗访（第一轮）",
            stage="mock",
            mode="covert",
            areas=[towns[0], towns[1]],
            quotas=[(cats[c], None, 2) for c in ("small_eatery", "vendor", "farmers_market", "supermarket")],
            allow_shortfall=True,
        )
        services.draw_sites(covert, actor=office, seed=7)


def _roll_up(ctx, plan, office, cats):
    """Map the sample framework's 现场检查 items to categories and write the points into the mock review."""
    from django.core.exceptions import ValidationError

    from shian.inspections import rollup
    from shian.scoring.models import Assessment

    items = {i.code: i for i in rollup.onsite_items(ctx.framework)}
    for code, codes in rollup.SAMPLE_MAPPING.items():
        if code in items:
            rollup.set_mapping(items[code], [cats[c] for c in codes], actor=office)
    mock = Assessment.objects.filter(campaign=ctx.campaign, kind="mock").first()
    if mock is not None:
        try:
            rollup.roll_up(plan, mock, actor=office)
        except ValidationError:
            pass  # a locked mock review keeps its scores
