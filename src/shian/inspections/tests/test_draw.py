import pytest
from django.core.exceptions import ValidationError

from shian.core.models import AuditLog
from shian.inspections import draw as drawing
from shian.inspections import services
from shian.inspections.models import DrawnSite
from shian.inspections.testing import make_plan, seed_registry
from shian.registry.models import Business, SiteCategory
from shian.registry.testing import make_business


def drawn(plan):
    return list(
        DrawnSite.objects.filter(plan=plan).order_by("order").values_list("business_id", "role", "stratum")
    )


def test_the_same_seed_over_the_same_registry_gives_the_same_points_in_the_same_order(cast):
    seed_registry(cast)
    plan = make_plan(cast)
    services.draw_sites(plan, actor=cast.office_user, seed=20250901)
    first = drawn(plan)
    services.draw_sites(plan, actor=cast.office_user, seed=20250901)
    assert drawn(plan) == first
    services.draw_sites(plan, actor=cast.office_user, seed=7)
    assert drawn(plan) != first


def test_each_stratum_meets_its_quota_with_reserves_and_no_business_twice(cast):
    seed_registry(cast)
    plan = make_plan(cast, reserves=2)
    services.draw_sites(plan, actor=cast.office_user, seed=1)
    rows = drawn(plan)
    # Two areas × two categories = four strata.
    by_stratum = {}
    for _bid, role, stratum in rows:
        by_stratum.setdefault(stratum, []).append(role)
    assert by_stratum["学校食堂（潼川镇）"] == ["selected"] * 3 + ["reserve"] * 2
    assert by_stratum["小餐饮（芦溪镇）"] == ["selected"] * 2 + ["reserve"] * 2
    assert len({bid for bid, _, _ in rows}) == len(rows)
    names = Business.objects.filter(pk__in=[b for b, _, _ in rows]).values_list("region__name", flat=True)
    assert "盐亭县" not in set(names)


def test_a_business_added_later_does_not_change_the_explanation_of_the_draw(cast):
    seed_registry(cast)
    plan = make_plan(cast)
    services.draw_sites(plan, actor=cast.office_user, seed=99)
    stored = drawn(plan)
    make_business(cast.town, 500, category_code="school", name="新开的学校食堂")
    explained = services.explain_draw(plan)
    ids = [bid for _, sel, res in explained for bid in sel + res]
    assert ids == [bid for bid, _, _ in stored]
    # A fresh snapshot now has one more candidate, so the same seed may pick differently …
    fresh = drawing.take_snapshot(plan)
    assert len(fresh) == len(plan.snapshot) + 1
    # … and the stored snapshot is checked against its hash.
    plan.draw_snapshot.rows = fresh
    with pytest.raises(ValidationError, match="校验值不符"):
        services.explain_draw(plan)


def test_a_stratum_short_of_its_quota_is_named_and_nothing_is_drawn(cast):
    seed_registry(cast, per_category=2)
    plan = make_plan(cast)
    with pytest.raises(ValidationError) as exc:
        services.draw_sites(plan, actor=cast.office_user, seed=1)
    assert "“学校食堂（潼川镇）”符合条件的点位只有2个，少于配额3个" in exc.value.messages
    assert not DrawnSite.objects.exists()
    plan.allow_shortfall = True
    plan.save()
    services.draw_sites(plan, actor=cast.office_user, seed=1)
    plan.refresh_from_db()
    assert any(s["shortfall"] for s in plan.draw_record["strata"])


def test_closed_and_recently_visited_businesses_are_excluded(cast):
    seed_registry(cast, per_category=3)
    Business.objects.filter(name="潼川镇学校食堂1").update(status="cancelled")
    plan = make_plan(cast, quotas=(("school", cast.town, 2),))
    services.draw_sites(plan, actor=cast.office_user, seed=3)
    assert "潼川镇学校食堂1" not in {r[drawing.NAME] for r in plan.snapshot}
    assert len(plan.snapshot) == 2 + 3  # the quota area is a stratum; eligibility covers the plan's areas


def test_the_risk_stratum_draws_high_risk_sites_first(cast):
    seed_registry(cast, per_category=8)
    plan = make_plan(
        cast, quotas=(("small_eatery", cast.town, 4),), risk_grades=["C", "D"], risk_share="0.5", reserves=0
    )
    services.draw_sites(plan, actor=cast.office_user, seed=5)
    sites = list(plan.sites.select_related("business").order_by("order"))
    assert [s.high_risk for s in sites] == [True, True, False, False]
    assert {s.business.risk_grade for s in sites[:2]} <= {"C", "D"}


def test_the_draw_is_audited_and_only_the_office_draws(cast):
    seed_registry(cast)
    plan = make_plan(cast)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.draw_sites(plan, actor=cast.other_office_user, seed=1)
    with pytest.raises(PermissionDenied):
        services.draw_sites(plan, actor=cast.leader, seed=1)
    services.draw_sites(plan, actor=cast.office_user, seed=1)
    entry = AuditLog.objects.get(event="sites_drawn")
    assert "种子1" in entry.note and entry.after["snapshot_hash"] == plan.snapshot_hash


def test_an_unvisitable_site_is_replaced_by_the_first_reserve(cast):
    seed_registry(cast)
    plan = make_plan(cast, reserves=1)
    services.draw_sites(plan, actor=cast.office_user, seed=11)
    site = plan.sites.filter(role="selected").order_by("order").first()
    reserve = plan.sites.filter(stratum=site.stratum, role="reserve").get()
    got = services.replace_site(site, actor=cast.office_user, reason="已停业装修")
    assert got == reserve
    reserve.refresh_from_db()
    site.refresh_from_db()
    assert reserve.role == "selected" and site.role == "unvisitable"


def test_draw_over_a_large_registry_is_fast(cast):
    import time

    cat = SiteCategory.objects.get(code="small_eatery")
    from shian.registry.testing import credit_code

    Business.objects.bulk_create(
        [
            Business(
                name=f"店{i}",
                credit_code=credit_code(cast.town.code, i),
                category=cat,
                region=cast.town if i % 2 else cast.town2,
            )
            for i in range(5000)
        ]
    )
    plan = make_plan(cast, quotas=(("small_eatery", None, 20),))
    start = time.perf_counter()
    services.draw_sites(plan, actor=cast.office_user, seed=1)
    assert time.perf_counter() - start < 2.0
