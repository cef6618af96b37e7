"""The sample framework and the framework services (build, edit, permissions, versions)."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from shian.core.models import AuditLog
from shian.core.services import ConcurrentEditError
from shian.framework import services
from shian.framework.models import Framework, ItemUnit, ScoringItem
from shian.framework.sample import load_sample_framework, sample_tree
from shian.framework.treedata import tree_summary


def test_sample_tree_has_the_promised_shape():
    tree = sample_tree()
    s = tree_summary(tree)
    assert [c["name"] for c in tree["categories"]] == ["基础工作", "能力建设", "生产经营状况", "示范引领"]
    assert [(c["points"], c["item_points"]) for c in s["categories"][:3]] == [
        (Decimal(30), Decimal(30)),
        (Decimal(35), Decimal(35)),
        (Decimal(35), Decimal(35)),
    ]
    assert (s["item_count"], s["indicator_count"], s["key_item_count"]) == (54, 23, 10)
    assert (s["base_points"], s["bonus_points"]) == (Decimal(100), Decimal(10))
    assert tree["is_sample"] and "示例" in tree["name"]
    assert (tree["pass_line"], tree["key_item_min_share"]) == (Decimal(90), Decimal("0.6"))
    gates = [(g["kind"], g["metric"], g["threshold"]) for g in tree["gates"]]
    assert gates.count(("veto", "", None)) == 4
    assert ("survey", "satisfaction", Decimal("0.7")) in gates
    assert ("survey", "awareness", Decimal("0.75")) in gates
    assert ("survey", "support", Decimal("0.85")) in gates
    assert ("key_items", "", Decimal("0.6")) in gates and ("total", "", Decimal(90)) in gates


def test_sample_units_all_resolve_against_the_demo_units(anlan):
    fw = load_sample_framework(owner_region=anlan.county)
    items = ScoringItem.objects.filter(indicator__category__framework=fw)
    assert items.count() == 54
    assert not items.exclude(unmatched_units="", unmatched_coop_units="").exists()
    first = items.get(code="1.1")
    assert [u.short_name for u in first.lead_units()] == ["县委组织部"]
    assert [u.short_name for u in first.coop_units()] == ["县委办", "县政府办", "县食安办"]
    assert len(items.get(code="2.1").coop_units()) == 20  # 各乡镇（街道）
    assert (
        ItemUnit.objects.filter(item__in=items, role="lead", unit=anlan.units["县市场监管局"]).count() == 32
    )
    assert items.get(code="11.1").deadline.isoformat() == "2025-06-30"
    assert fw.owner_region == anlan.county and fw.is_sample


def test_building_logs_one_summary_event(anlan):
    fw = load_sample_framework(owner_region=anlan.county)
    event = AuditLog.objects.get(event="sample_framework_loaded")
    assert event.object_id == str(fw.pk)
    assert "54个评分项" in event.note
    assert not AuditLog.objects.filter(content_type__model="scoringitem").exists()


def test_sample_without_region_keeps_unit_names_as_text(db):
    fw = load_sample_framework()
    item = ScoringItem.objects.get(indicator__category__framework=fw, code="1.1")
    assert item.unmatched_units == "县委组织部"
    assert item.unmatched_coop_units == "县委办、县政府办、县食安办"
    assert not item.assignments.exists()


def test_only_the_office_of_the_region_may_create_or_edit(cast):
    with pytest.raises(PermissionDenied):
        load_sample_framework(owner_region=cast.county, actor=cast.other_office_user)
    with pytest.raises(PermissionDenied):
        load_sample_framework(owner_region=cast.county, actor=cast.edu_liaison)
    with pytest.raises(PermissionDenied):
        load_sample_framework(owner_region=None, actor=cast.office_user)
    fw = load_sample_framework(owner_region=cast.county, actor=cast.office_user)
    item = ScoringItem.objects.filter(indicator__category__framework=fw).first()
    with pytest.raises(PermissionDenied):
        services.update_item(
            item, {"points": Decimal(1)}, expected_version=item.version, actor=cast.other_office_user
        )
    with pytest.raises(PermissionDenied):
        services.update_item(item, {"points": Decimal(1)}, expected_version=item.version, actor=cast.leader)


def test_a_stale_edit_is_refused(cast):
    item = cast.items[1]
    services.update_item(item, {"points": Decimal(3)}, expected_version=1, actor=cast.office_user)
    stale = ScoringItem.objects.get(pk=item.pk)
    stale.version = 1
    with pytest.raises(ConcurrentEditError):
        services.update_item(stale, {"points": Decimal(4)}, expected_version=1, actor=cast.office_user)
    assert ScoringItem.objects.get(pk=item.pk).points == Decimal(3)


def test_item_values_are_validated(cast):
    item = cast.items[0]
    with pytest.raises(ValidationError) as exc:
        services.update_item(
            item,
            {"rubric": [{"level": "好", "min": 3, "max": 9}]},
            expected_version=item.version,
            actor=cast.office_user,
        )
    assert "最高分超过分值" in str(exc.value)


def test_item_units_are_replaced_and_must_lie_in_the_region(cast):
    item = cast.items[1]  # lead 教育局, coop 市场监管局
    services.set_item_units(item, lead=[cast.market], coop=[cast.edu, cast.town_unit], actor=cast.office_user)
    assert [(a.unit, a.role, a.seq) for a in item.assignments.order_by("role", "seq")] == [
        (cast.edu, "coop", 1),
        (cast.town_unit, "coop", 2),
        (cast.market, "lead", 1),
    ]
    with pytest.raises(ValidationError) as exc:
        services.set_item_units(item, lead=[cast.other_edu], coop=[], actor=cast.office_user)
    assert "不在细则所属区划" in str(exc.value)


def test_a_framework_used_by_a_campaign_cannot_be_deleted(cast):
    with pytest.raises(ValidationError):
        services.delete_framework(cast.framework, actor=cast.office_user)
    fw = load_sample_framework(owner_region=cast.county)
    services.delete_framework(fw, actor=cast.office_user)
    assert not Framework.objects.filter(pk=fw.pk).exists()
