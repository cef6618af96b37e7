"""Background jobs: Celery on Redis in production, a thread in-process by default, inline in tests.

A job function is registered with @job("kind") and receives the Job row; it reports progress with
`job_progress`. Callers pass IDs and plain values in `params`, never objects.
"""

import logging
import threading

from django.conf import settings
from django.db import close_old_connections, transaction
from django.utils import timezone

from shian.core.audit import actor_context
from shian.core.models import Job

logger = logging.getLogger("shian.jobs")
_REGISTRY = {}


def job(kind: str):
    def register(func):
        _REGISTRY[kind] = func
        return func

    return register


def enqueue(kind: str, title: str, params: dict, user=None) -> Job:
    """Create the Job row and start it after the surrounding transaction commits."""
    if kind not in _REGISTRY:
        raise KeyError(f"unknown job kind {kind}")
    record = Job.objects.create(kind=kind, title=title, params=params, created_by=user)
    mode = settings.SHIAN_JOBS_MODE
    if mode == "eager":
        transaction.on_commit(lambda: run_job(record.pk))
    elif mode == "celery":
        from shian.core.tasks import run_job_task

        transaction.on_commit(lambda: run_job_task.delay(record.pk))
    else:
        transaction.on_commit(lambda: threading.Thread(target=_run_in_thread, args=(record.pk,), daemon=True).start())
    return record


def _run_in_thread(job_id: int):
    try:
        run_job(job_id)
    finally:
        close_old_connections()


def run_job(job_id: int):
    record = Job.objects.select_related("created_by").get(pk=job_id)
    func = _REGISTRY[record.kind]
    Job.objects.filter(pk=job_id).update(status=Job.Status.RUNNING, started_at=timezone.now())
    try:
        with actor_context(record.created_by):
            result = func(record) or {}
    except Exception as exc:  # the job row must say why it failed, whatever the error
        logger.exception("job %s (%s) failed", job_id, record.kind)
        Job.objects.filter(pk=job_id).update(
            status=Job.Status.FAILED, message=str(exc)[:2000], finished_at=timezone.now()
        )
        return
    record.refresh_from_db(fields=["result_file"])
    Job.objects.filter(pk=job_id).update(
        status=Job.Status.SUCCEEDED, progress=100, result=result, finished_at=timezone.now()
    )


def job_progress(record: Job, done: int, total: int, message: str = ""):
    percent = int(done * 100 / total) if total else 0
    Job.objects.filter(pk=record.pk).update(progress=min(percent, 99), message=message)


def job_kinds():
    return sorted(_REGISTRY)
