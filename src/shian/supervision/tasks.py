"""Background jobs of supervision data."""

from shian.core.jobs import job, job_progress, on_job_dead, on_sweep


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
    return {
        "url": batch.get_absolute_url(),
        "rows_read": result.rows_read,
        "created": result.created,
        "updated": result.updated,
        "rejected": result.rejected,
    }


@job("supervision.build_rollups")
def build_rollups_job(record):
    """Roll-ups of a saved indicator, built in the background so its first read does not build them."""
    from shian.supervision import rollup
    from shian.supervision.models import IndicatorDefinition

    counts = rollup.build(
        rollup.definition_specs(IndicatorDefinition.objects.filter(pk__in=record.params["ids"]))
    )
    return {"sources": counts}


@on_job_dead("supervision.import_ledger")
def fail_batch_of_dead_job(record, reason):
    """The batch of a dead import job fails with it (counters stay as the last commit left them)."""
    from shian.supervision.choices import ImportStatus
    from shian.supervision.models import ImportBatch

    ImportBatch.objects.filter(
        pk=record.params.get("batch_id"), status__in=[ImportStatus.QUEUED, ImportStatus.RUNNING]
    ).update(status=ImportStatus.FAILED, message=reason)


@on_sweep
def fail_orphan_batches():
    """Unfinished batches whose job is already finished, or that never got a job, are failed too."""
    import datetime

    from django.conf import settings
    from django.db.models import Q
    from django.utils import timezone

    from shian.core.models import Job
    from shian.supervision.choices import ImportStatus
    from shian.supervision.models import ImportBatch

    old = timezone.now() - datetime.timedelta(seconds=settings.SHIAN_JOB_STALE_SECONDS)
    orphans = ImportBatch.objects.filter(status__in=[ImportStatus.QUEUED, ImportStatus.RUNNING]).filter(
        Q(job__status__in=[Job.Status.FAILED, Job.Status.SUCCEEDED]) | Q(job__isnull=True, updated_at__lt=old)
    )
    return orphans.update(
        status=ImportStatus.FAILED,
        message="导入进程已中断，导入没有完成；未提交的数据已随事务回滚，请重新导入。",
    )
