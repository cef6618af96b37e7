"""Celery entry point for jobs; the work itself lives in each app's registered job functions.

A job whose worker process dies under it (killed, out of memory) never reaches `run_job`'s own
failure handling. Celery's parent process notices the lost child and sends `task_failure` with a
WorkerLostError; we mark the job failed there, with a reason the user can read. The job's own
writes were inside its transaction, so the database rolled them back when the process died.
"""

from celery import shared_task
from celery.exceptions import WorkerLostError
from celery.signals import task_failure

from shian.core.jobs import dead_job_hook

RUN_JOB = "shian.run_job"
LOST_MESSAGE = (
    "后台工作进程在任务进行中意外终止（{reason}），任务未完成，已写入的部分均已撤销；"
    "请检查服务器资源后重新发起。"
)


@shared_task(name=RUN_JOB)
def run_job_task(job_id: int):
    from shian.core.jobs import run_job

    run_job(job_id)


def fail_lost_job(job_id: int, reason: str) -> bool:
    """Mark a job that was queued or running as failed because its process is gone; True if it was.

    What hangs on the job (an import batch …) fails with it through the hooks the dead-job sweep runs,
    in the same transaction: nobody sees a failed job whose batch still says "running"."""
    from django.db import transaction
    from django.utils import timezone

    from shian.core.models import Job

    with transaction.atomic():
        lost = Job.objects.filter(pk=job_id, status__in=[Job.Status.QUEUED, Job.Status.RUNNING]).update(
            status=Job.Status.FAILED, message=LOST_MESSAGE.format(reason=reason), finished_at=timezone.now()
        )
        if lost:
            record = Job.objects.get(pk=job_id)
            hook = dead_job_hook(record.kind)
            if hook is not None:
                hook(record, record.message)
    return bool(lost)


@task_failure.connect
def _on_worker_lost(sender=None, exception=None, args=None, kwargs=None, **_):
    if getattr(sender, "name", "") != RUN_JOB or not isinstance(exception, WorkerLostError):
        return
    job_id = (args or [None])[0] if args else (kwargs or {}).get("job_id")
    if job_id is None:
        return
    from django.db import close_old_connections

    close_old_connections()
    fail_lost_job(int(job_id), _reason(exception))


def _reason(exception) -> str:
    text = str(exception)
    if "SIGKILL" in text or "signal 9" in text:
        return "进程被强制结束，可能是内存不足"
    if "signal" in text.lower():
        return "进程收到终止信号"
    return "进程异常退出"
