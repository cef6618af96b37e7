"""Whole pages kept for their next reader, thrown away as soon as a table they read is written.

The heavy read pages (the lists, the evidence matrix, the gap analysis, the indicators, the dashboard)
are read far more often than their data changes. A page rendered for one user is stored under a key
naming that user, their scope, the query string, the CSRF secret its forms carry and a five-minute
clock (逾期 and "N 天前" move with time); with it go the tables its queries read and the generation each
table had *before* the page read it. Every statement that writes a table bumps that table's generation
(`TableGeneration`, in the database, inside the writer's own transaction, so the bump commits or
rolls back with the data and every process sees it). A stored page is served only while all its
tables still have the generations it was built from: whatever wrote them — a form, an import, a
job, a bulk `update()`, another worker — invalidates it, and nobody ever sees a page older than the
data. Writes that bypass Django's cursor (COPY) call `touch(table)`.

Off under the test suite (the extra statements would change every query count); its own tests switch
it on (`SHIAN_PAGE_CACHE`).
"""

from __future__ import annotations

import hashlib
import os
import re
import time

from django.conf import settings
from django.core.cache import caches
from django.db import connection, connections
from django.http import HttpResponse

TABLE = "core_tablegeneration"
# Tables whose writes say nothing about a page: sessions are touched by every visit, login times by
# every login, the generations themselves by every write.
IGNORED = {TABLE, "django_session", "django_migrations", "security_loginfailure"}
_WRITE = re.compile(
    r'^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|REPLACE\s+INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?)\s+"?(\w+)"?',
    re.IGNORECASE,
)
_READ = re.compile(r'\b(?:FROM|JOIN)\s+"(\w+)"', re.IGNORECASE)
_LAST_LOGIN_ONLY = re.compile(r'^\s*UPDATE\s+"\w+"\s+SET\s+"last_login"\s*=\s*%s\s+WHERE', re.IGNORECASE)
CLOCK_SECONDS = 300


def enabled() -> bool:
    return bool(getattr(settings, "SHIAN_PAGE_CACHE", False))


# --- the write side --------------------------------------------------------------------------------


class _Transaction:
    """Registered with on_commit: while it is in the connection's list, we are in the same transaction."""

    def __init__(self):
        self.bumped = set()

    def __call__(self):
        pass


def _current(conn):
    if not conn.in_atomic_block:
        return None
    mark = getattr(conn, "_shian_generation_mark", None)
    if mark is not None and any(entry[1] is mark for entry in conn.run_on_commit):
        return mark
    mark = conn._shian_generation_mark = _Transaction()
    conn.on_commit(mark)
    return mark


def touch(table: str, using: str = "default"):
    """Bump `table`'s generation on `using`, in the caller's transaction."""
    conn = connections[using]
    with conn.cursor() as c:
        c.execute(f'UPDATE "{TABLE}" SET "generation" = "generation" + 1 WHERE "name" = %s', [table])
        if c.rowcount == 0:
            c.execute(f'INSERT INTO "{TABLE}" ("name", "generation") VALUES (%s, 1)', [table])


def _ready(conn) -> bool:
    """Is the generations table there yet? (Not while `migrate` builds a new database.)"""
    state = getattr(conn, "_shian_generations", None)
    if state is True:
        return True
    if state is not None and time.monotonic() - state < 60:
        return False
    with conn.cursor() as c:
        present = TABLE in conn.introspection.table_names(c)
    conn._shian_generations = True if present else time.monotonic()
    return present


def _track_writes(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    match = _WRITE.match(sql) if sql[:1] in "IiUuDdRrTt " else None
    if match:
        table = match.group(1)
        conn = context["connection"]
        if (
            table not in IGNORED
            and not table.startswith("_")
            and not _LAST_LOGIN_ONLY.match(sql)
            and _ready(conn)
        ):
            mark = _current(conn)
            # once per table per transaction and savepoint level: a savepoint rolled back takes its
            # bump with it, so the same table written after it is bumped again
            key = (table, tuple(conn.savepoint_ids))
            if mark is None or key not in mark.bumped:
                touch(table, conn.alias)
                if mark is not None:
                    mark.bumped.add(key)
    return result


def install(sender=None, connection=None, **kwargs):
    """connection_created: every connection of every process (web, worker, command) tracks its writes."""
    if enabled() and _track_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(_track_writes)


def generations(using="default") -> dict[str, int]:
    with connections[using].cursor() as c:
        c.execute(f'SELECT "name", "generation" FROM "{TABLE}"')
        return dict(c.fetchall())


# --- the read side ---------------------------------------------------------------------------------


def _build_id() -> str:
    """Changes with the templates: after a deployment no worker serves a page the old ones rendered
    (a shared Redis cache outlives the processes)."""
    import shian

    root = os.path.dirname(shian.__file__)
    newest = max(
        (
            os.path.getmtime(os.path.join(d, f))
            for d, _s, files in os.walk(root)
            for f in files
            if f.endswith(".html")
        ),
        default=0,
    )
    return f"{getattr(shian, '__version__', '')}:{newest:.0f}"


_BUILD = None


def page_key(request) -> str | None:
    """The key of this request's page, or None when it must not be kept."""
    global _BUILD
    user = request.user
    csrf = request.META.get("CSRF_COOKIE")
    if not user.is_authenticated or not csrf or _has_messages(request):
        return None
    if _BUILD is None:
        _BUILD = _build_id()
    verified = getattr(user, "is_verified", lambda: False)()
    parts = [
        _BUILD,
        request.path,
        "&".join(f"{k}={v}" for k, v in sorted(request.GET.lists())),
        str(user.pk),
        user.role,
        str(user.unit_id),
        str(user.is_superuser),
        str(verified),
        request.headers.get("HX-Request", ""),
        request.headers.get("HX-Target", ""),
        request.headers.get("HX-Boosted", ""),
        csrf,
        str(int(time.time() // CLOCK_SECONDS)),
    ]
    return "page:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _has_messages(request) -> bool:
    storage = getattr(request, "_messages", None)
    if storage is None:
        return False
    return bool(storage._queued_messages or storage._loaded_messages)


def serve(request, render):
    """The stored page when still current, else `render()`'s response (stored when it may be)."""
    key = page_key(request) if enabled() and request.method == "GET" else None
    if key is None:
        return render()
    csrf = request.META.get("CSRF_COOKIE")
    cache = caches[getattr(settings, "SHIAN_PAGE_CACHE_ALIAS", "default")]
    current = generations()  # before the page reads anything: a write after this shows as newer
    entry = cache.get(key)
    if entry is not None:
        body, content_type, deps = entry
        if all(current.get(t, 0) == g for t, g in deps.items()):
            response = HttpResponse(body, content_type=content_type)
            response["X-Page-Cache"] = "hit"
            return response
    read = set()

    def collect(execute, sql, params, many, context):
        read.update(_READ.findall(sql))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(collect):
        response = render()
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
    if (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and request.META.get("CSRF_COOKIE") == csrf  # the forms carry the secret the key names
        and not _has_messages(request)
    ):
        deps = {t: current.get(t, 0) for t in read - IGNORED}
        cache.set(key, (response.content, response["Content-Type"], deps), CLOCK_SECONDS)
        response["X-Page-Cache"] = "miss"
    return response


class CachedPageMixin:
    """For a class-based view whose GET is a pure read: the page comes from `serve`."""

    def dispatch(self, request, *args, **kwargs):
        if request.method != "GET":
            return super().dispatch(request, *args, **kwargs)
        return serve(request, lambda: super(CachedPageMixin, self).dispatch(request, *args, **kwargs))
