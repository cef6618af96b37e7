"""Readiness checks behind /readyz: can this process serve a request end to end right now?"""

import logging
import os
import time
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connections

logger = logging.getLogger("shian.health")
PROBE_NAME = "health/readyz-probe"


def check_database():
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_redis():
    import redis

    client = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_connect_timeout=2, socket_timeout=2)
    try:
        client.ping()
    finally:
        client.close()


def check_storage():
    from django.core.files.storage import FileSystemStorage

    if isinstance(default_storage, FileSystemStorage):
        # The folder may not exist before the first upload; its nearest existing ancestor must be writable.
        folder = Path(default_storage.location)
        while not folder.exists():
            folder = folder.parent
        if not os.access(folder, os.W_OK):
            raise PermissionError(f"{folder} is not writable")
        return
    # A HEAD request on object storage: it needs the store to answer, not the object to exist.
    default_storage.exists(PROBE_NAME)


def readiness() -> dict[str, str]:
    checks = {"database": check_database, "storage": check_storage}
    if settings.CELERY_BROKER_URL:
        checks["redis"] = check_redis
    out = {}
    for name, check in checks.items():
        started = time.monotonic()
        try:
            check()
        except Exception:  # any failure means "not ready"; the reason goes to the log, not the page
            logger.exception("readiness check %s failed after %.1f s", name, time.monotonic() - started)
            out[name] = "error"
        else:
            out[name] = "ok"
    return out
