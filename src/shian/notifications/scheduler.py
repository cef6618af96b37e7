"""The in-process scheduler of the embedded deployment: a daemon thread that `shian run` starts.

Every minute it sends what is due (retries, deliveries held back by quiet hours); every
SHIAN_REMIND_INTERVAL minutes (default 15) it runs a full reminder pass. Production uses Celery beat
instead (celery_app.py); tests and other management commands never start it.
"""

import logging
import threading
import time

from django.conf import settings
from django.db import close_old_connections

logger = logging.getLogger("shian.notifications")
_started = threading.Event()


def _loop(stop: threading.Event):
    last_pass = 0.0
    while not stop.is_set():
        try:
            if time.monotonic() - last_pass >= settings.SHIAN_REMIND_INTERVAL * 60:
                from shian.notifications.reminders import describe, run_pass

                logger.info("提醒：%s", describe(run_pass()))
                last_pass = time.monotonic()
            else:
                from shian.notifications.delivery import deliver_due

                deliver_due()
        except Exception:  # keep the scheduler alive; the next round tries again
            logger.exception("scheduled notification pass failed")
        finally:
            close_old_connections()
        stop.wait(60)


def start_scheduler() -> threading.Event | None:
    """Start the thread once per process; returns its stop event (None if already running or disabled)."""
    if settings.TESTING or not settings.SHIAN_SCHEDULER or _started.is_set():
        return None
    _started.set()
    stop = threading.Event()
    threading.Thread(target=_loop, args=(stop,), name="shian-scheduler", daemon=True).start()
    return stop
