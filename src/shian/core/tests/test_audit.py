import pytest

from shian.core.audit import actor_context
from shian.core.models import AuditLog
from shian.core.services import ConcurrentEditError, save_versioned
from shian.organisation.models import Unit


def test_create_update_delete_are_logged_with_actor_and_before_after(cast):
    with actor_context(cast.office_user):
        unit = Unit.objects.create(name="三台县卫健局", kind="member", region=cast.county)
        unit.contact_person = "周科长"
        unit.save()
        unit.delete()
    entries = list(AuditLog.objects.filter(object_repr="三台县卫健局").order_by("id"))
    assert [e.action for e in entries] == ["create", "update", "delete"]
    assert all(e.actor == cast.office_user for e in entries)
    update = entries[1]
    assert update.before["contact_person"] == ""
    assert update.after["contact_person"] == "周科长"
    assert ("contact_person", "", "周科长") in update.changed_fields()


def test_save_without_change_writes_no_update_entry(cast):
    before = AuditLog.objects.count()
    cast.edu.save()
    assert AuditLog.objects.count() == before


def test_stale_version_is_refused(cast):
    unit = Unit.objects.get(pk=cast.edu.pk)
    first = Unit.objects.get(pk=cast.edu.pk)
    second = Unit.objects.get(pk=cast.edu.pk)
    first.contact_person = "甲"
    save_versioned(first, unit.version)
    second.contact_person = "乙"
    with pytest.raises(ConcurrentEditError):
        save_versioned(second, unit.version)
    assert Unit.objects.get(pk=cast.edu.pk).contact_person == "甲"


def test_audit_history_page_follows_object_scope(cast, login):
    url = f"/core/audit/organisation/unit/{cast.edu.pk}/"
    cast.edu.contact_person = "审计测试"
    cast.edu.save()
    body = login(cast.office_user).get(url).content.decode()
    assert "审计测试" in body
    assert login(cast.other_office_user).get(url).status_code == 404
    assert login(cast.market_liaison).get(url).status_code == 404
    assert login(cast.office_user).get("/core/audit/auth/permission/1/").status_code == 404


def test_full_audit_log_is_for_admins_only(cast, login):
    assert login(cast.office_user).get("/core/audit/").status_code == 403
    assert login(cast.admin).get("/core/audit/").status_code == 200
