"""The reviewed 示范引领 projects as the source of the assessment's bonus items (registered with
`scoring.hooks.register_bonus_source` in `ShowcaseConfig.ready()`).

An item earns its value in proportion to the best approved project that answers it: value × rubric
total / 40 (four criteria, 0–10 each). Scoring caps the result at the item's value, rounds it down to
the item's step, and the engine caps the bonus category (加分合计不超过10分).
"""

from decimal import Decimal

from shian.scoring.hooks import BonusFinding, Record
from shian.showcase.choices import RUBRIC, Status
from shian.showcase.models import Project

RUBRIC_MAX = Decimal(10 * len(RUBRIC))


def project_points(project, item) -> Decimal | None:
    total = project.rubric_total
    if total is None:
        return None
    return item.points * Decimal(total) / RUBRIC_MAX


def bonus_from_projects(campaign, item) -> BonusFinding | None:
    projects = [
        p
        for p in Project.objects.filter(campaign=campaign, item=item, status=Status.APPROVED).order_by("id")
        if p.rubric_total is not None
    ]
    if not projects:
        return None
    best = max(projects, key=lambda p: (p.rubric_total, -p.pk))
    points = project_points(best, item)
    detail = "、".join(f"{label}{getattr(best, name)}" for name, label in RUBRIC)
    basis = (
        f"按示范引领项目“{best.title}”评审得分{best.rubric_total}/{RUBRIC_MAX}（{detail}）折算："
        f"{item.points.normalize():f}×{best.rubric_total}/{RUBRIC_MAX}"
    )
    records = tuple(
        Record(f"示范引领项目：{p.title}（{p.rubric_total}/{RUBRIC_MAX}）", p.get_absolute_url())
        for p in [best, *[p for p in projects if p is not best]]
    )
    return BonusFinding(points, basis, records)
