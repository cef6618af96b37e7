"""Celery application, used only when SHIAN_CELERY_BROKER_URL is set (production).

Start a worker with:  celery -A shian.celery_app worker -l info   (same environment variables as the web process)
The settings (CELERY_* in shian/settings.py) make a job run at most once: the message is acknowledged
when a worker takes it, so a worker that dies mid-job does not hand the job to another worker to run
again; the job is marked failed instead (shian.core.tasks).
"""

import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shian.settings")

app = Celery("shian")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.worker_ready.connect
def sweep_on_start(**kwargs):
    """A worker that starts may follow one that was killed: fail the jobs it left behind."""
    from shian.core.jobs import sweep_dead_jobs

    sweep_dead_jobs()


# Periodic work (start beat with:  celery -A shian.celery_app beat -l info). Each pass is idempotent.
app.conf.beat_schedule = {
    "notifications-remind": {"task": "shian.notifications.remind", "schedule": 15 * 60.0},
    "notifications-deliver-due": {"task": "shian.notifications.deliver_due", "schedule": 60.0},
}
