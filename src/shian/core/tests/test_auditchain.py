"""The audit log is append-only and hash-chained; `shian audit-verify` names the first broken link."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from shian.core.audit import actor_context
from shian.core.auditchain import seal_pending, verify_chain
from shian.core.models import AppendOnlyError, AuditLog
from shian.organisation.models import Unit


def _make_entries(cast, n=5):
    with actor_context(cast.office_user):
        for i in range(n):
            cast.edu.contact_person = f"联系人{i}"
            cast.edu.save()
    seal_pending()


def test_sealed_rows_form_an_unbroken_chain(cast):
    _make_entries(cast)
    report = verify_chain()
    assert report.ok and report.unsealed == 0
    assert report.checked == AuditLog.objects.count()
    rows = list(AuditLog.objects.order_by("seq"))
    assert rows[0].prev_hash == "0" * 64
    assert all(b.prev_hash == a.hash for a, b in zip(rows, rows[1:], strict=False))


def test_tampering_one_row_is_named_by_audit_verify(cast):
    _make_entries(cast)
    victim = AuditLog.objects.filter(object_repr=cast.edu.name, action="update").order_by("seq")[2]
    # An attacker with database access edits the row behind the application's back.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditlog SET note = %s WHERE id = %s", ["篡改", victim.pk])
    out = io.StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("audit-verify", stdout=out)
    assert f"链序号 {victim.seq}" in str(exc.value)
    assert f"记录ID {victim.pk}" in str(exc.value)
    assert "被改动" in str(exc.value)


def test_deleting_a_row_is_named_by_audit_verify(cast):
    _make_entries(cast)
    victim = AuditLog.objects.order_by("seq")[3]
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditlog WHERE id = %s", [victim.pk])
    report = verify_chain()
    assert not report.ok and report.broken_seq == victim.seq and "删除" in report.reason


def test_audit_verify_passes_on_an_intact_log(cast):
    _make_entries(cast, 2)
    out = io.StringIO()
    call_command("audit-verify", stdout=out)
    assert "哈希链完整" in out.getvalue()


def test_the_application_cannot_change_or_delete_audit_rows(cast):
    _make_entries(cast, 1)
    entry = AuditLog.objects.first()
    entry.note = "改"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditLog.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditLog.objects.update(note="改")


@pytest.mark.django_db(transaction=True)
def test_rows_are_sealed_after_the_business_transaction_commits():
    from shian.testing import build_cast

    cast = build_cast()
    with actor_context(cast.office_user):
        Unit.objects.create(name="新单位", kind="member", region=cast.county)
    assert not AuditLog.objects.filter(seq__isnull=True).exists()
    assert verify_chain().ok


def test_audit_page_reads_in_chinese_and_local_time(cast, login):
    from django.utils import timezone

    from shian.workplan.models import Task

    task = cast.edu_task
    with actor_context(cast.office_user):
        task.status = "submitted" if task.status != "submitted" else "done"
        task.save()
    entry = AuditLog.objects.filter(object_id=str(task.pk), action="update").latest("id")
    body = login(cast.admin).get("/core/audit/").content.decode()
    status_field = Task._meta.get_field("status")
    assert str(status_field.verbose_name) in body
    assert dict(status_field.choices)[task.status] in body
    assert f"{timezone.localtime(entry.at):%Y-%m-%d %H:%M}" in body
    assert "status：" not in body


def test_audit_list_filters_by_user_and_kind_and_exports_xlsx(cast, login):
    import openpyxl
    from django.contrib.contenttypes.models import ContentType

    with actor_context(cast.office_user):
        cast.edu.contact_person = "导出测试"
        cast.edu.save()
    with actor_context(cast.other_office_user):
        cast.other_edu.contact_person = "另一县"
        cast.other_edu.save()
    ct = ContentType.objects.get_for_model(Unit)
    client = login(cast.admin)
    body = client.get(f"/core/audit/?actor={cast.office_user.pk}&content_type={ct.pk}").content.decode()
    assert "导出测试" in body and "另一县" not in body
    response = client.get(f"/core/audit/?actor={cast.office_user.pk}&content_type={ct.pk}&export=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][:4] == ["时间", "操作人", "来源地址", "动作"]
    assert any("联系人：" in (row[8] or "") and "导出测试" in (row[8] or "") for row in values[1:])
    # ... and the export itself is audited
    assert AuditLog.objects.filter(event="exported", actor=cast.admin).exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need a server database")
def test_concurrent_writers_keep_one_unbroken_chain():
    import threading

    from django.db import connections

    from shian.testing import build_cast

    cast = build_cast()
    errors = []

    def writer(n):
        try:
            with actor_context(cast.office_user):
                for i in range(15):
                    Unit.objects.create(name=f"并发单位{n}-{i}", kind="member", region=cast.county)
        except Exception as exc:  # reported below; a thread must not die silently
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    seal_pending()
    report = verify_chain()
    assert report.ok and report.unsealed == 0
    seqs = list(AuditLog.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))
