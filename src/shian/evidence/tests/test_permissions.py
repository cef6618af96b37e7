import pytest

from shian.evidence import services
from shian.evidence.models import Material
from shian.evidence.tests.factories import docx_bytes, upload


@pytest.fixture
def materials(ev):
    (edu,) = services.upload_materials(
        ev.campaign, [upload("教育.docx", docx_bytes("教育"))], actor=ev.edu_liaison
    )
    (market,) = services.upload_materials(
        ev.campaign, [upload("市场.docx", docx_bytes("市场"))], actor=ev.market_liaison
    )
    (other,) = services.upload_materials(
        ev.other_campaign, [upload("盐亭.docx", docx_bytes("盐亭"))], actor=ev.other_liaison
    )
    return {"edu": edu, "market": market, "other": other}


def visible(user, action="view"):
    return sorted(Material.objects.restrict(user, action).values_list("title", flat=True))


def test_each_role_sees_its_own_scope(ev, materials):
    assert visible(ev.admin) == ["市场", "教育", "盐亭"]
    assert visible(ev.office_user) == visible(ev.office_user, "change") == ["市场", "教育"]
    assert visible(ev.leader) == ["市场", "教育"] and visible(ev.leader, "change") == []
    assert visible(ev.edu_liaison) == visible(ev.edu_head) == ["教育"]
    assert visible(ev.other_office_user) == ["盐亭"]
    assert visible(ev.expert) == [] and visible(ev.town_liaison) == []


def test_a_unit_cannot_change_another_units_material(ev, materials):
    from django.core.exceptions import PermissionDenied

    m = Material.objects.get(pk=materials["market"].pk)
    with pytest.raises(PermissionDenied):
        services.update_material(m, {"title": "改"}, actor=ev.edu_liaison, expected_version=m.version)
    with pytest.raises(PermissionDenied):
        services.add_version(
            m, upload("x.docx", docx_bytes("x")), actor=ev.edu_liaison, expected_version=m.version
        )


def test_the_flag_filter_finds_flagged_materials(ev, materials, login):
    services.upload_materials(ev.campaign, [upload("重复.docx", docx_bytes("教育"))], actor=ev.edu_liaison)
    response = login(ev.office_user).get("/evidence/?flag=duplicate")
    assert [r.record.title for r in response.context["table"].rows] == ["重复"]
