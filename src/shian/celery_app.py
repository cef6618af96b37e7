"""Celery application, used only when SHIAN_CELERY_BROKER_URL is set (production).

Start a worker with:  celery -A shian.celery_app worker -l info   (same environment variables as the web process)
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
