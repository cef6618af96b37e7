"""Roll-up: visit scores → points of the framework's 现场检查 scoring items (item ↔ 业态 mapping).

The sample framework scores these items as “现场检查得分率×分值”: an item's points are its value times
the average score (百分制) of the plan's submitted visits in its mapped categories, rounded down to
the item's step, written into the assessment through `scoring.services.score_item`.
"""

from decimal import ROUND_FLOOR, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from shian.framework.choices import Method
from shian.framework.extensions import ItemField
from shian.inspections.choices import VisitStatus
from shian.inspections.models import ItemCategory

# Demo mapping for the sample framework, by item code.
SAMPLE_MAPPING = {
    "14.1": ["producer", "workshop", "central_kitchen"],
    "14.2": ["producer", "workshop", "central_kitchen"],
    "15.1": ["school", "kindergarten"],
    "16.1": ["elderly", "hospital", "institution"],
    "17.1": ["farmers_market"],
    "18.1": ["supermarket"],
    "19.1": ["large_restaurant", "medium_restaurant"],
    "21.1": ["producer"],
}


def onsite_items(framework):
    from shian.framework.models import ScoringItem

    return [
        i
        for i in ScoringItem.objects.filter(indicator__category__framework=framework)
        .select_related("indicator__category")
        .order_by("indicator__category__seq", "indicator__seq", "seq")
        if Method.ONSITE in (i.methods or [])
    ]


@transaction.atomic
def set_mapping(item, categories, *, actor):
    """The categories whose visits score `item` (replaces the previous mapping)."""
    from shian.core.policy import manages

    fw = item.indicator.category.framework
    if not (actor.is_admin or (fw.owner_region_id and manages(actor, fw.owner_region))):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("只有细则所属辖区的创建办可以设置评分项与业态的对应关系")
    keep = {c.pk for c in categories}
    ItemCategory.objects.filter(item=item).exclude(category_id__in=keep).delete()
    have = set(ItemCategory.objects.filter(item=item).values_list("category_id", flat=True))
    for c in categories:
        if c.pk not in have:
            ItemCategory.objects.create(item=item, category=c)


# The mapping travels with the framework (framework/extensions.py): export, import, copy.
def _load_mapping(item_ids) -> dict[int, list[str]]:
    out = {}
    for m in (
        ItemCategory.objects.filter(item_id__in=list(item_ids))
        .select_related("category")
        .order_by("item_id", "category__sort_order", "category__code")
    ):
        out.setdefault(m.item_id, []).append(m.category.name)
    return out


def _unknown_categories(names) -> list[str]:
    from shian.registry.importer import categories_named

    return categories_named(names)[1]


def _save_mapping(values: dict[int, list[str]]) -> None:
    from shian.registry.importer import categories_named

    ItemCategory.objects.bulk_create(
        [
            ItemCategory(item_id=item_id, category=c)
            for item_id, names in values.items()
            for c in categories_named(names)[0]
        ]
    )


SITE_CATEGORIES_FIELD = ItemField(
    key="site_categories",
    label="现场检查业态",
    synonyms=("对应业态", "检查业态", "现场检查对应业态"),
    load=_load_mapping,
    unknown=_unknown_categories,
    save=_save_mapping,
)


def planned_points(plan):
    """[(item, categories, visits counted, average, points)] for the plan's campaign framework."""
    from shian.inspections.models import Visit

    framework = plan.campaign.framework
    mapping = {}
    for m in ItemCategory.objects.filter(item__indicator__category__framework=framework).select_related(
        "category"
    ):
        mapping.setdefault(m.item_id, []).append(m.category)
    visits = list(
        Visit.objects.filter(plan=plan, status=VisitStatus.SUBMITTED, score__isnull=False).values_list(
            "business__category_id", "score"
        )
    )
    out = []
    for item in onsite_items(framework):
        cats = mapping.get(item.pk, [])
        ids = {c.pk for c in cats}
        scores = [s for cat, s in visits if cat in ids]
        if not scores:
            out.append((item, cats, 0, None, None))
            continue
        avg = sum(scores) / len(scores)
        step = item.step or framework.default_step or Decimal("0.5")
        raw = item.points * avg / 100
        points = ((raw / step).to_integral_value(rounding=ROUND_FLOOR) * step).quantize(Decimal("0.01"))
        out.append((item, cats, len(scores), avg.quantize(Decimal("0.1")), min(points, item.points)))
    return out


@transaction.atomic
def roll_up(plan, assessment, *, actor) -> list:
    """Write the points of every mapped 现场检查 item into `assessment`; items without visits are left."""
    from shian.core.audit import log_event
    from shian.scoring import services as scoring

    if assessment.campaign_id != plan.campaign_id:
        raise ValidationError({"assessment": "评审与检查计划不属于同一创建项目"})
    written = []
    for item, _cats, n, avg, points in planned_points(plan):
        if points is None:
            continue
        scoring.score_item(
            assessment,
            item,
            actor=actor,
            points=points,
            methods=[Method.ONSITE],
            note=f"由“{plan.name}”{n}个现场检查点位平均得分{avg}折算（得分率×分值）",
        )
        written.append((item, points))
    if not written:
        raise ValidationError(
            {"assessment": "没有可折算的现场检查评分项：请先设置评分项与业态的对应关系并完成检查"}
        )
    log_event(plan, "rolled_up", note=f"写入“{assessment}”{len(written)}个现场检查评分项")
    return written
