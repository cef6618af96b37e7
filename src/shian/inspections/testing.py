"""Test helpers: a registry over the cast's townships, checklists, and a drawn plan."""

from shian.inspections import services
from shian.inspections.checklist_data import items_for
from shian.inspections.checklists import save_checklist
from shian.registry.models import Business, SiteCategory
from shian.registry.testing import credit_code


def seed_registry(cast, per_category=6, categories=("school", "small_eatery")):
    """`per_category` businesses of each category in each of the two townships (+ the other county)."""
    from shian.registry.services import ensure_defaults

    ensure_defaults()  # a browser test elsewhere may have flushed the data-migration 业态 list
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


PNG = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAA"
    "AABJRU5ErkJggg=="
)


def drawn_plan_with_visits(cast, inspector=None, **plan_fields):
    seed_registry(cast)
    make_checklists()
    plan = make_plan(cast, **plan_fields)
    services.draw_sites(plan, actor=cast.office_user, seed=42)
    visits = services.assign_visits(plan, actor=cast.office_user, inspectors=[inspector or cast.expert])
    return plan, visits


def complete(visit, actor, fail_seq=(), submit=True):
    """Answer every item (符合, or 不符合 for `fail_seq`), photos where required, a signature."""
    items = list(visit.checklist.items.all())
    data = {
        "answers": {
            str(i.pk): {
                "result": "fail" if i.seq in fail_seq else "pass",
                "note": "现场发现问题" if i.seq in fail_seq else "",
            }
            for i in items
        },
        "photos": [
            {
                "id": f"p{i.pk}",
                "item": i.pk,
                "data": PNG,
                "taken_at": "2025-09-01T10:00:00+08:00",
                "lat": "31.09",
                "lng": "105.09",
            }
            for i in items
            if i.photo_required
        ],
        "signature": PNG,
        "person_in_charge": "张店长",
    }
    return services.save_visit(visit, actor=actor, data=data, submit=submit)
