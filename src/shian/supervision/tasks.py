"""Background jobs of supervision data."""

from shian.core.jobs import job, job_progress
from shian.core.tasks import on_lost


@job("supervision.import_ledger")
def import_ledger_job(record):
    """Import one stored ImportBatch; the job row shows progress, the batch holds the outcome."""
    from shian.supervision.models import ImportBatch
    from shian.supervision.services import run_import_batch

    batch = ImportBatch.objects.get(pk=record.params["batch_id"])

    def progress(done, total):
        job_progress(record, done, total or max(done * 2, 1), f"已读取 {done} 行")

    result = run_import_batch(batch, progress=progress)
    from shian.core.models import Job

    outcome = result.summary() + ("" if result.ok else "。有错误，未导入任何数据，请下载错误报告")
    Job.objects.filter(pk=record.pk).update(message=outcome)
    return {"url": batch.get_absolute_url(), "rows_read": result.rows_read, "created": result.created,
            "updated": result.updated, "rejected": result.rejected}


@on_lost("supervision.import_ledger")
def import_ledger_lost(record):
    """The worker died mid-import: the transaction rolled back, so the batch imported nothing."""
    from shian.supervision.choices import ImportStatus
    from shian.supervision.models import ImportBatch

    ImportBatch.objects.filter(pk=record.params.get("batch_id"), status__in=[ImportStatus.QUEUED, ImportStatus.RUNNING]
                               ).update(status=ImportStatus.FAILED, message=record.message)
