"""Crash-safety of the ledger import (issue 10): SQLite staging outside the write lock, counters in the
rows' transaction, dead imports failed by the sweep."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from shian.core.jobs import sweep_dead_jobs
from shian.core.models import Job
from shian.supervision.choices import ImportStatus
from shian.supervision.importer import import_ledger
from shian.supervision.models import ImportBatch, SamplingRecord
from shian.supervision.tests.test_import import HEAD, row, xlsx

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite write-lock behaviour")


@pytest.mark.django_db(transaction=True)
def test_long_sqlite_import_reads_outside_any_transaction_then_merges_once():
    from shian.testing import build_cast

    build_cast()
    import_ledger("sampling", xlsx([HEAD, row("OLD1", result="不合格")]))
    in_transaction = []
    rows = [HEAD] + [row(f"S{i:05d}") for i in range(12_000)] + [row("OLD1", result="合格")]
    result = import_ledger(
        "sampling", xlsx(rows), progress=lambda done, total: in_transaction.append(connection.in_atomic_block)
    )
    assert result.ok, result.errors[:3]
    assert in_transaction and not any(in_transaction)  # the write lock is not held while reading
    assert SamplingRecord.objects.count() == 12_001
    assert SamplingRecord.objects.get(number="OLD1").result == "合格"
    assert (result.created, result.updated) == (12_000, 1)


@pytest.mark.django_db(transaction=True)
def test_staged_import_stays_all_or_nothing():
    from shian.testing import build_cast

    build_cast()
    rows = [HEAD] + [row(f"T{i:05d}") for i in range(9_000)]
    rows[8500] = row("T08499", date="不是日期")
    result = import_ledger("sampling", xlsx(rows))
    assert not result.ok
    assert SamplingRecord.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_counters_are_committed_with_the_rows():
    from shian.testing import build_cast

    cast = build_cast()
    batch = ImportBatch.objects.create(
        ledger="sampling", filename="x.xlsx", created_by=cast.office_user, status=ImportStatus.RUNNING
    )
    import_ledger("sampling", xlsx([HEAD] + [row(f"C{i}") for i in range(300)]), batch=batch)
    # No later save by the job (as if the process were killed right after the commit):
    batch.refresh_from_db()
    assert (batch.status, batch.rows_read, batch.created_count) == (ImportStatus.DONE, 300, 300)


def test_a_killed_import_is_failed_by_the_sweep(cast, settings):
    job = Job.objects.create(
        kind="supervision.import_ledger",
        title="导入",
        status=Job.Status.RUNNING,
        created_by=cast.office_user,
        worker="elsewhere:1",
    )
    batch = ImportBatch.objects.create(
        ledger="sampling",
        filename="x.xlsx",
        created_by=cast.office_user,
        status=ImportStatus.RUNNING,
        job=job,
    )
    job.params = {"batch_id": batch.pk}
    old = timezone.now() - datetime.timedelta(seconds=settings.SHIAN_JOB_STALE_SECONDS + 5)
    Job.objects.filter(pk=job.pk).update(params=job.params, started_at=old, heartbeat_at=old)
    fresh = Job.objects.create(
        kind="supervision.import_ledger",
        title="另一个",
        status=Job.Status.RUNNING,
        heartbeat_at=timezone.now(),
        worker="elsewhere:2",
    )
    assert sweep_dead_jobs() >= 1
    job.refresh_from_db()
    batch.refresh_from_db()
    fresh.refresh_from_db()
    assert job.status == Job.Status.FAILED and "后台进程已中断" in job.message and "心跳" in job.message
    assert batch.status == ImportStatus.FAILED and "中断" in batch.message
    assert fresh.status == Job.Status.RUNNING


def test_a_job_of_a_dead_local_process_is_failed_at_once(cast):
    import socket

    job = Job.objects.create(
        kind="supervision.import_ledger",
        title="导入",
        status=Job.Status.RUNNING,
        heartbeat_at=timezone.now(),
        worker=f"{socket.gethostname()}:999999",
    )
    sweep_dead_jobs()
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and "999999" in job.message


def test_polling_a_dead_job_shows_it_failed(cast, login, settings):
    old = timezone.now() - datetime.timedelta(seconds=settings.SHIAN_JOB_STALE_SECONDS + 5)
    job = Job.objects.create(
        kind="supervision.import_ledger",
        title="导入",
        status=Job.Status.RUNNING,
        created_by=cast.office_user,
        heartbeat_at=old,
        worker="elsewhere:1",
    )
    body = login(cast.office_user).get(f"/core/jobs/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "后台进程已中断" in body


def test_orphan_batch_without_job_is_failed(cast, settings):
    batch = ImportBatch.objects.create(ledger="sampling", filename="x.xlsx", status=ImportStatus.QUEUED)
    old = timezone.now() - datetime.timedelta(seconds=settings.SHIAN_JOB_STALE_SECONDS + 5)
    ImportBatch.objects.filter(pk=batch.pk).update(updated_at=old)
    sweep_dead_jobs()
    batch.refresh_from_db()
    assert batch.status == ImportStatus.FAILED
