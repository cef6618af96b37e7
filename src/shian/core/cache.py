"""Caching what is expensive and changes rarely (dashboard figures, gap analysis, indicator values).

Invalidation rides on the audit log. Every change of business data writes an `AuditLog` row (the house
rule; a bulk import writes one summary row, text extraction logs its event), so the newest audit id
is a generation number of all business data: cached values are keyed by it, and the first request
after any change computes afresh. Reading it is one query on the primary key index (MAX(id)), the
same cost at any data size. Values also carry the date (overdue and "days left" change at midnight)
and the viewer's scope, so nobody is served figures computed for another scope.

The cache backend is Django's `default` cache (per process unless SHIAN_CACHE_URL points at Redis);
the generation always comes from the database, so several web processes never disagree about what
is current. One known window: on PostgreSQL a transaction that commits after a later-numbered one
has already been read is seen only when the entry expires (CACHE_SECONDS).
"""

import hashlib

from django.core.cache import cache
from django.db.models import Max
from django.utils import timezone

CACHE_SECONDS = 300
_MISSING = object()


def data_generation() -> int:
    from shian.core.models import AuditLog

    return AuditLog.objects.aggregate(m=Max("id"))["m"] or 0


def scope_key(user) -> str:
    """What `restrict(user, "view")` depends on: role, region scope and unit (not the person)."""
    if user is None:
        return "system"
    if user.is_admin:
        return "admin"
    region = user.region_scope
    return f"{user.role}:{region.pk if region is not None else '-'}:{user.unit_id or '-'}"


def cached(
    name: str, parts, compute, *, user=None, generation: int | None = None, timeout: int = CACHE_SECONDS
):
    """compute() once per (name, parts, viewer scope, data generation, date); the value must pickle."""
    generation = data_generation() if generation is None else generation
    raw = repr((tuple(parts), scope_key(user) if user is not None else "", timezone.localdate().isoformat()))
    key = f"shian:{name}:{generation}:{hashlib.sha1(raw.encode()).hexdigest()}"
    value = cache.get(key, _MISSING)
    if value is _MISSING:
        value = compute()
        cache.set(key, value, timeout)
    return value
