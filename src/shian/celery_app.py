"""Celery application, used only when SHIAN_CELERY_BROKER_URL is set (production).

Start a worker with:  celery -A shian.celery_app worker -l info   (same environment variables as the web process)
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shian.settings")

app = Celery("shian")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Periodic work (start beat with:  celery -A shian.celery_app beat -l info). Each pass is idempotent.
app.conf.beat_schedule = {
    "notifications-remind": {"task": "shian.notifications.remind", "schedule": 15 * 60.0},
    "notifications-deliver-due": {"task": "shian.notifications.deliver_due", "schedule": 60.0},
}
