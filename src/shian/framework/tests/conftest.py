"""Fixtures of the framework tests: the demo's county (安澜县 and its units, named exactly as in the
demo, without the demo's users) and an office user there."""

from types import SimpleNamespace

import pytest


@pytest.fixture
def anlan(db):
    from shian.organisation.choices import RegionLevel, Role, UnitKind
    from shian.organisation.demo import MEMBER_UNITS, TOWNSHIPS
    from shian.organisation.models import Region, Unit
    from shian.testing import make_user

    province = Region.objects.create(code="510000", name="四川省", level=RegionLevel.PROVINCE)
    city = Region.objects.create(code="510700", name="绵阳市", level=RegionLevel.CITY, parent=province)
    county = Region.objects.create(
        code="510799", name="安澜县", level=RegionLevel.COUNTY, parent=city, population=820_000
    )
    townships = Region.objects.bulk_create(
        [
            Region(
                code=f"510799{100 + i}",
                name=name,
                level=RegionLevel.TOWNSHIP,
                parent=county,
                population=pop,
                path=f"{county.path}510799{100 + i}/",
            )
            for i, (name, pop) in enumerate(TOWNSHIPS)
        ]
    )
    office = Unit.objects.create(
        name="安澜县食品安全委员会办公室", short_name="县食安办", kind=UnitKind.OFFICE, region=county
    )
    members = Unit.objects.bulk_create(
        [
            Unit(name=name, short_name=short, kind=UnitKind.MEMBER, region=county, sort_order=10 + i)
            for i, (name, short) in enumerate(MEMBER_UNITS)
        ]
    )
    towns = Unit.objects.bulk_create(
        [
            Unit(
                name=f"{t.name}{'办事处' if t.name.endswith('街道') else '人民政府'}",
                short_name=t.name,
                kind=UnitKind.TOWNSHIP,
                region=t,
                sort_order=100 + i,
            )
            for i, t in enumerate(townships)
        ]
    )
    by_short = {u.short_name: u for u in [office, *members, *towns]}
    return SimpleNamespace(
        province=province,
        city=city,
        county=county,
        townships=townships,
        office=office,
        member_units=members,
        township_units=towns,
        units=by_short,
        office_user=make_user("anlan_office", office, Role.OFFICE, "王建华"),
        liaison=make_user("anlan_m23", by_short["县市场监管局"], Role.LIAISON, "刘联络员"),
    )
