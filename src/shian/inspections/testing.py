"""Test helpers: a registry over the cast's townships, checklists, and a drawn plan."""

from shian.inspections import services
from shian.inspections.checklist_data import items_for
from shian.inspections.checklists import save_checklist
from shian.registry.models import Business, SiteCategory
from shian.registry.testing import credit_code


def seed_registry(cast, per_category=6, categories=("school", "small_eatery")):
    """`per_category` businesses of each category in each of the two townships (+ the other county)."""
    rows, n = [], 0
    for code in categories:
        cat = SiteCategory.objects.get(code=code)
        for region in (cast.town, cast.town2, cast.other_county):
            for i in range(per_category):
                n += 1
                rows.append(
                    Business(
                        name=f"{region.name}{cat.name}{i + 1}",
                        credit_code=credit_code(region.code, n),
                        category=cat,
                        region=region,
                        risk_grade="ABCD"[i % 4],
                    )
                )
    Business.objects.bulk_create(rows)


def make_checklists(codes=("school", "small_eatery")):
    return {code: save_checklist(SiteCategory.objects.get(code=code), items_for(code)) for code in codes}


def make_plan(cast, quotas=(("school", None, 3), ("small_eatery", None, 2)), areas=None, **fields):
    qs = [(SiteCategory.objects.get(code=c), area, n) for c, area, n in quotas]
    fields.setdefault("name", "模拟评审明查")
    return services.create_plan(
        cast.campaign,
        actor=cast.office_user,
        quotas=qs,
        areas=areas if areas is not None else [cast.town, cast.town2],
        **fields,
    )
