"""Background jobs: Celery on Redis in production, a thread in-process by default, inline in tests.

A job function is registered with @job("kind") and receives the Job row; it reports progress with
`job_progress`. Callers pass IDs and plain values in `params`, never objects.

Crash recovery: a running job beats (`heartbeat_at`, every SHIAN_JOB_HEARTBEAT_SECONDS, from a
side thread, and on every progress report) and names its process (`worker` = host:pid). A job
whose process is gone (same host, pid not alive) or whose heartbeat is older than
SHIAN_JOB_STALE_SECONDS is marked failed with a Chinese reason by `sweep_dead_jobs()`, which runs
when the server or a Celery worker starts, when a job page is polled, and from `shian sweep-jobs`
(cron). Apps register what else must be failed with the job (`on_job_dead`, e.g. the import batch).
"""

import logging
import os
import socket
import threading

from django.conf import settings
from django.db import close_old_connections, transaction
from django.utils import timezone

from shian.core.audit import actor_context
from shian.core.models import Job

logger = logging.getLogger("shian.jobs")
_REGISTRY = {}
_DEAD_HOOKS = {}

DEAD_REASON = "后台进程已中断（{why}），任务没有完成；未提交的数据已随事务回滚，请重新发起。"


def job(kind: str):
    def register(func):
        _REGISTRY[kind] = func
        return func

    return register


def on_job_dead(kind: str):
    """Register func(job, reason) to run when a job of this kind is found dead (in the same transaction)."""

    def register(func):
        _DEAD_HOOKS[kind] = func
        return func

    return register


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


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
        transaction.on_commit(
            lambda: threading.Thread(target=_run_in_thread, args=(record.pk,), daemon=True).start()
        )
    return record


def _run_in_thread(job_id: int):
    try:
        run_job(job_id)
    finally:
        close_old_connections()


class _Heartbeat(threading.Thread):
    """Updates the job's heartbeat while its body runs (a long step may not report progress)."""

    def __init__(self, job_id):
        super().__init__(daemon=True)
        self.job_id = job_id
        self.stop = threading.Event()

    def run(self):
        try:
            while not self.stop.wait(settings.SHIAN_JOB_HEARTBEAT_SECONDS):
                Job.objects.filter(pk=self.job_id, status=Job.Status.RUNNING).update(
                    heartbeat_at=timezone.now()
                )
        except Exception:  # a missed beat is not worth a crash; the sweep tolerates a few
            logger.exception("heartbeat of job %s", self.job_id)
        finally:
            close_old_connections()


def run_job(job_id: int):
    record = Job.objects.select_related("created_by").get(pk=job_id)
    func = _REGISTRY[record.kind]
    now = timezone.now()
    started = Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
        status=Job.Status.RUNNING, started_at=now, heartbeat_at=now, worker=worker_name()
    )
    if not started:
        logger.warning("job %s is no longer queued; not run twice", job_id)
        return
    beat = None
    if settings.SHIAN_JOBS_MODE != "eager":
        beat = _Heartbeat(job_id)
        beat.start()
    try:
        with actor_context(record.created_by):
            result = func(record) or {}
    except Exception as exc:  # the job row must say why it failed, whatever the error
        logger.exception("job %s (%s) failed", job_id, record.kind)
        Job.objects.filter(pk=job_id).update(
            status=Job.Status.FAILED, message=str(exc)[:2000], finished_at=timezone.now()
        )
        return
    finally:
        if beat is not None:
            beat.stop.set()
    record.refresh_from_db(fields=["result_file"])
    Job.objects.filter(pk=job_id).update(
        status=Job.Status.SUCCEEDED, progress=100, result=result, finished_at=timezone.now()
    )


def job_progress(record: Job, done: int, total: int, message: str = ""):
    percent = int(done * 100 / total) if total else 0
    Job.objects.filter(pk=record.pk).update(
        progress=min(percent, 99), message=message, heartbeat_at=timezone.now()
    )


def job_kinds():
    return sorted(_REGISTRY)


def _pid_alive(worker: str) -> bool | None:
    """True/False for a process on this host, None when it ran elsewhere (only the heartbeat can tell)."""
    host, _, pid = worker.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return None
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def dead_reason(record: Job, now=None) -> str:
    """Why this unfinished job is dead, or '' if it may still be alive."""
    now = now or timezone.now()
    stale = settings.SHIAN_JOB_STALE_SECONDS
    if record.status == Job.Status.RUNNING:
        alive = _pid_alive(record.worker) if record.worker else None
        if alive is False and record.worker != worker_name():
            return f"执行进程 {record.worker} 已不存在"
        beat = record.heartbeat_at or record.started_at or record.created_at
        if (now - beat).total_seconds() > stale:
            return f"已超过 {stale} 秒没有心跳，最后心跳 {timezone.localtime(beat):%Y-%m-%d %H:%M:%S}"
    elif record.status == Job.Status.QUEUED:
        # In-process threads do not survive a restart; a Celery queue may legitimately wait longer.
        limit = stale if settings.SHIAN_JOBS_MODE == "thread" else 24 * 3600
        if (now - record.created_at).total_seconds() > limit:
            return f"排队超过 {limit} 秒仍未开始"
    return ""


def mark_dead(record: Job, reason: str) -> bool:
    with transaction.atomic():
        changed = Job.objects.filter(pk=record.pk, status__in=[Job.Status.QUEUED, Job.Status.RUNNING]).update(
            status=Job.Status.FAILED, message=DEAD_REASON.format(why=reason), finished_at=timezone.now()
        )
        if changed and record.kind in _DEAD_HOOKS:
            _DEAD_HOOKS[record.kind](record, DEAD_REASON.format(why=reason))
    if changed:
        logger.warning("job %s (%s) marked failed: %s", record.pk, record.kind, reason)
    return bool(changed)


def sweep_dead_jobs() -> int:
    """Mark every dead unfinished job failed (and what hangs on it); returns how many."""
    count = 0
    now = timezone.now()
    for record in Job.objects.filter(status__in=[Job.Status.QUEUED, Job.Status.RUNNING]):
        reason = dead_reason(record, now)
        if reason and mark_dead(record, reason):
            count += 1
    for hook in _SWEEP_HOOKS:
        count += hook() or 0
    return count


_SWEEP_HOOKS = []


def on_sweep(func):
    """Register a function the sweep also runs (an app's own orphans, e.g. batches without a job)."""
    _SWEEP_HOOKS.append(func)
    return func
