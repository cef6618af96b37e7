"""Figures other apps read from 示范引领: the leader's dashboard tiles."""

from decimal import Decimal

from django.urls import reverse

from shian.showcase.bonus import project_points
from shian.showcase.choices import Status
from shian.showcase.models import Project


def expected_bonus(campaign, projects) -> Decimal:
    """The bonus the approved projects earn: per item the best project's points, capped at the item's
    value; then the bonus categories' caps (as the assessment's engine caps them)."""
    best: dict[int, Decimal] = {}
    items = {}
    for p in projects:
        if p.status != Status.APPROVED or not p.item_id or p.rubric_total is None:
            continue
        items[p.item_id] = p.item
        best[p.item_id] = max(best.get(p.item_id, Decimal(0)), min(project_points(p, p.item), p.item.points))
    by_cat: dict[int, list] = {}
    for item_id, points in best.items():
        by_cat.setdefault(items[item_id].indicator.category_id, []).append((items[item_id], points))
    total = Decimal(0)
    for rows in by_cat.values():
        cap = rows[0][0].indicator.category.cap
        raw = sum((pts for _, pts in rows), Decimal(0))
        total += min(raw, cap) if cap is not None else raw
    return total


def dashboard_tiles(campaign, user) -> list[dict]:
    """示范引领 projects approved of those the user may see, with the bonus they earn (two queries)."""
    projects = list(
        Project.objects.restrict(user).filter(campaign=campaign).select_related("item__indicator__category")
    )
    counts = {"total": len(projects), "approved": sum(1 for p in projects if p.status == Status.APPROVED)}
    submitted = sum(1 for p in projects if p.status == Status.SUBMITTED)
    bonus = expected_bonus(campaign, projects)
    return [
        {
            "label": "示范引领项目",
            "value": counts["approved"],
            "unit": f"/{counts['total']}",
            "note": f"审核通过 / 全部；{submitted}项待审核；按评审折算加分{bonus.normalize():f}分",
            "url": reverse("showcase:project_list"),
            "tone": "success" if counts["total"] and counts["approved"] == counts["total"] else "primary",
        }
    ]
