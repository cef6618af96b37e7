"""The 层级对应 rule, suggestions within load, visit due arithmetic, and scope of cadres."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from shian.registry.models import Business
from shian.registry.testing import make_business
from shian.stewardship import services
from shian.stewardship.models import Binding, Cadre


def cadre(region, level="township", phone="13800000001", **kw):
    return Cadre.objects.create(name=kw.pop("name", "张三"), level=level, region=region, phone=phone, **kw)


def test_binding_follows_the_level_rule(cast):
    c = cadre(cast.town)
    ok = make_business(cast.town, 1, baobao_level="township")
    wrong = make_business(cast.town, 2, baobao_level="county")
    services.bind(c, ok, actor=cast.office_user)
    with pytest.raises(ValidationError) as e:
        services.bind(c, wrong, actor=cast.office_user)
    assert "应包保" in str(e.value)


def test_binding_outside_the_cadres_region_is_refused(cast):
    c = cadre(cast.town)
    elsewhere = make_business(cast.town2, 3, baobao_level="township")
    assert "不在干部所属区划" in services.binding_problem(c, elsewhere)


def test_suggestions_respect_the_load_and_list_breaking_bindings(cast):
    services.ensure_defaults()
    rule = services.rules()["township"]
    rule.max_load = 1
    rule.save()
    c1 = cadre(cast.town, name="甲", phone="13800000001")
    c2 = cadre(cast.town, name="乙", phone="13800000002")
    for n in range(3):
        make_business(cast.town, 10 + n, baobao_level="township")
    n = services.apply_suggestions(Business.objects.all(), Cadre.objects.all(), actor=cast.office_user)
    assert n == 2  # two cadres × load 1; the third business stays without a cadre
    assert Binding.objects.filter(cadre=c1).count() == Binding.objects.filter(cadre=c2).count() == 1
    assert Business.objects.exclude(bindings__is_active=True).count() == 1
    assert services.cadres_over_load(Cadre.objects.all()) == []
    rule.business_level = "village"
    rule.save()
    assert len(services.bindings_breaking_rule(Binding.objects.all())) == 2


def test_next_due_across_year_boundary():
    assert services.next_due(datetime.date(2026, 11, 15), 12, datetime.date(2026, 12, 1)) == datetime.date(
        2026, 12, 15
    )
    assert services.next_due(datetime.date(2026, 12, 20), 4, datetime.date(2026, 12, 21)) == datetime.date(
        2027, 3, 21
    )
    assert services.next_due(None, 4, datetime.date(2026, 12, 21)) == datetime.date(2026, 12, 21)


def test_other_county_cannot_see_or_change_cadres(cast):
    mine = cadre(cast.town)
    cadre(cast.other_county, phone="13900000000", name="外县")
    assert set(Cadre.objects.restrict(cast.office_user)) == {mine}
    assert not Cadre.objects.restrict(cast.other_office_user).filter(pk=mine.pk).exists()
    with pytest.raises(PermissionDenied):
        services.bind(
            mine, make_business(cast.town, 5, baobao_level="township"), actor=cast.other_office_user
        )


def test_visit_compliance_counts_required_and_done_per_township(cast):
    from shian.stewardship.figures import visit_compliance
    from shian.stewardship.models import StewardVisit

    c = cadre(cast.town)
    b = make_business(cast.town, 1, baobao_level="township")
    services.bind(c, b, actor=cast.office_user)
    StewardVisit.objects.create(cadre=c, business=b, visited_on=datetime.date(2026, 2, 1))
    rows = {r["region"]: r for r in visit_compliance(cast.county, datetime.date(2026, 6, 30))}
    assert rows[cast.town]["done"] == 1
    assert rows[cast.town]["required"] == 2  # 6 a year, half the year gone → 2.98 rounded down
