"""Unit names as offices write them resolve to the demo's units: exact, short name, normalised."""

import pytest

from shian.framework.matching import UnitMatcher, normalise, region_prefixes, split_names
from shian.organisation.demo import MEMBER_UNITS


def test_split_names_on_every_separator_and_drops_spaces():
    assert split_names("县市场监管局、县教育局，县公安局;县民政局\n县 财政局／县商务局") == [
        "县市场监管局",
        "县教育局",
        "县公安局",
        "县民政局",
        "县财政局",
        "县商务局",
    ]
    assert split_names("县教育局、县教育局") == ["县教育局"]
    assert split_names(None) == [] and split_names("") == []


def test_every_demo_unit_resolves_by_name_and_by_short_name(anlan):
    matcher = UnitMatcher(anlan.county)
    units = {u.name: u for u in anlan.member_units}
    for name, short in MEMBER_UNITS:
        by_name, by_short = matcher.match(name), matcher.match(short)
        assert (by_name.how, by_name.units) == ("exact", [units[name]])
        assert (by_short.how, by_short.units) == ("short", [units[name]])


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("市场监管局", "安澜县市场监督管理局"),
        ("安澜县市场监管局", "安澜县市场监督管理局"),
        ("县　市场监督管理局", "安澜县市场监督管理局"),
        ("县卫健委", "安澜县卫生健康局"),
        ("安澜县卫生健康委员会", "安澜县卫生健康局"),
        ("中共安澜县委办公室", "安澜县委办公室"),
        ("安澜县政府办公室", "安澜县人民政府办公室"),
        ("县委宣传部", "中共安澜县委宣传部"),
        ("安澜县委组织部", "中共安澜县委组织部"),
        ("县发改委", "安澜县发展和改革局"),
        ("教育局", "安澜县教育局"),
        ("县食品安全委员会办公室", "安澜县食品安全委员会办公室"),
        ("城关镇政府", "城关镇人民政府"),
        ("东城街道", "东城街道办事处"),
    ],
)
def test_variants_resolve_after_normalising(anlan, written, expected):
    found = UnitMatcher(anlan.county).match(written)
    assert [u.name for u in found.units] == [expected]
    assert found.how in ("normalised", "short")


def test_all_townships_is_a_group(anlan):
    found = UnitMatcher(anlan.county).match("各乡镇（街道）")
    assert found.how == "group"
    assert len(found.units) == 20 and {u.kind for u in found.units} == {"township"}


def test_unknown_names_stay_unmatched(anlan):
    matcher = UnitMatcher(anlan.county)
    for name in ("县委编办", "县气象局", "安澜县人民法院"):
        assert not matcher.match(name).matched


def test_a_mapping_chosen_by_the_user_wins(anlan):
    matcher = UnitMatcher(anlan.county)
    matcher.add_mapping("县委编办", anlan.member_units[0])
    assert matcher.match("县委编办").units == [anlan.member_units[0]]
    assert matcher.match("县委编办").how == "mapped"


def test_normalise_strips_region_prefixes_and_applies_aliases(anlan):
    prefixes = region_prefixes(anlan.county)
    assert normalise("安澜县市场监督管理局", prefixes) == "市场监管局"
    assert normalise("县市场监管局", prefixes) == "市场监管局"
    assert normalise("中共安澜县委组织部", prefixes) == "组织部"
    assert normalise("ＡＢ县教育局", prefixes) == "AB县教育局"


def test_units_of_another_county_are_not_candidates(anlan):
    from shian.organisation.choices import RegionLevel, UnitKind
    from shian.organisation.models import Region, Unit

    other = Region.objects.create(code="510798", name="临江县", level=RegionLevel.COUNTY, parent=anlan.city)
    Unit.objects.create(name="临江县气象局", short_name="县气象局", kind=UnitKind.MEMBER, region=other)
    assert not UnitMatcher(anlan.county).match("县气象局").matched
    assert UnitMatcher(other).match("县气象局").how == "short"
