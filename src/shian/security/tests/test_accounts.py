"""Who may create which role (organisation/accounts.py), through the form, the service and the API."""

import pytest
from django.core.exceptions import PermissionDenied

from shian.core.models import AuditLog
from shian.organisation.accounts import grantable_roles
from shian.organisation.models import User
from shian.organisation.services import save_user


def test_written_rule(cast):
    assert set(grantable_roles(cast.office_user)) == {"unit_head", "liaison"}
    assert "admin" in grantable_roles(cast.admin) and "office" in grantable_roles(cast.admin)
    assert grantable_roles(cast.edu_liaison) == []
    assert grantable_roles(cast.leader) == []


def test_office_form_offers_only_unit_roles_and_refuses_office(cast, login):
    client = login(cast.office_user)
    page = client.get("/organisation/users/add/").content.decode()
    assert 'value="liaison"' in page and 'value="office"' not in page and 'value="admin"' not in page
    response = client.post(
        "/organisation/users/add/",
        {
            "username": "fake-office",
            "name": "冒充",
            "unit": cast.office.pk,
            "role": "office",
            "password": "Strong-Pass-2026",
            "is_active": "on",
        },
    )
    assert response.status_code == 400
    assert not User.objects.filter(username="fake-office").exists()


@pytest.mark.parametrize("role", ["office", "admin", "leader", "expert"])
def test_service_refuses_office_creating_privileged_roles(cast, role):
    with pytest.raises(PermissionDenied):
        save_user(
            User(username=f"x-{role}", role=role, unit=cast.office),
            actor=cast.office_user,
            password="Strong-Pass-2026",
        )


def test_office_may_not_create_users_in_the_other_county(cast):
    with pytest.raises(PermissionDenied):
        save_user(
            User(username="x-other", role="liaison", unit=cast.other_edu),
            actor=cast.office_user,
            password="Strong-Pass-2026",
        )


def test_office_may_not_promote_a_liaison_or_edit_another_office(cast):
    liaison = User.objects.get(pk=cast.edu_liaison.pk)
    liaison.role = "office"
    with pytest.raises(PermissionDenied):
        save_user(liaison, actor=cast.office_user)
    peer = User.objects.get(pk=cast.office_user.pk)
    peer.name = "改名"
    with pytest.raises(PermissionDenied):
        save_user(peer, actor=cast.other_office_user)


def test_office_edit_page_of_an_office_account_is_not_reachable(cast, login):
    client = login(cast.office_user)
    assert client.get(f"/organisation/users/{cast.leader.pk}/edit/").status_code == 404
    assert client.get(f"/organisation/users/{cast.other_liaison.pk}/edit/").status_code == 404


def test_office_creates_a_liaison_of_its_region(cast):
    user = save_user(
        User(username="new-liaison", role="liaison", unit=cast.edu),
        actor=cast.office_user,
        password="Strong-Pass-2026",
    )
    assert user.pk and user.must_change_password


def test_api_applies_the_same_rule(cast, api):
    client = api(cast.office_user)
    refused = client.post(
        "/api/users/",
        {"username": "api-office", "role": "office", "unit": cast.office.pk, "password": "Strong-Pass-2026"},
        format="json",
    )
    assert refused.status_code == 403
    other = client.post(
        "/api/users/",
        {
            "username": "api-other",
            "role": "liaison",
            "unit": cast.other_edu.pk,
            "password": "Strong-Pass-2026",
        },
        format="json",
    )
    assert other.status_code == 403
    weak = client.post(
        "/api/users/",
        {"username": "api-weak", "role": "liaison", "unit": cast.edu.pk, "password": "abc"},
        format="json",
    )
    assert weak.status_code == 400 and "8 个字符" in str(weak.json())
    ok = client.post(
        "/api/users/",
        {"username": "api-liaison", "role": "liaison", "unit": cast.edu.pk, "password": "Strong-Pass-2026"},
        format="json",
    )
    assert ok.status_code == 201, ok.json()
    promote = client.patch(f"/api/users/{ok.json()['id']}/", {"role": "office", "version": 1}, format="json")
    assert promote.status_code == 403
    assert (
        client.patch(
            f"/api/users/{cast.other_liaison.pk}/", {"name": "x", "version": 1}, format="json"
        ).status_code
        == 404
    )


def test_role_and_unit_changes_are_audited(cast):
    liaison = User.objects.get(pk=cast.edu_liaison.pk)
    liaison.role = "unit_head"
    liaison.unit = cast.market
    save_user(liaison, actor=cast.admin)
    role = AuditLog.objects.get(event="role_changed", object_id=str(liaison.pk))
    assert "单位联络员 → 单位负责人" in role.note
    unit = AuditLog.objects.get(event="unit_changed", object_id=str(liaison.pk))
    assert cast.market.name in unit.note
