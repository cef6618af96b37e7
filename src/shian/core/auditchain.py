"""The audit log's hash chain: each sealed row carries the hash of the row before it.

Writing an audit row is a plain INSERT inside the business transaction (cheap, no lock). After
that transaction commits, `seal_pending()` gives the new rows their place in the chain in one
short transaction: it takes the chain lock (a PostgreSQL advisory lock; on SQLite the IMMEDIATE
transaction already holds the only write lock), reads the last sealed row and assigns `seq`,
`prev_hash` and `hash` in id order. Rows left unsealed by a crash are sealed by the next call (every
commit, the periodic sweep, `shian audit-verify`). `verify_chain()` recomputes every hash and names
the first row that does not match (changed, inserted or a gap where a row was removed).
"""

import hashlib
import json
from dataclasses import dataclass

from django.db import connection, transaction

GENESIS = "0" * 64
LOCK_KEY = 0x5_1A_A0D17  # any constant; names the advisory lock of the chain on PostgreSQL
BATCH = 2000


def _canonical(entry, seq: int, prev_hash: str) -> bytes:
    payload = [
        seq,
        entry.pk,
        entry.at.isoformat(timespec="microseconds"),
        entry.actor_id,
        entry.actor_name,
        entry.action,
        entry.event,
        entry.content_type_id,
        entry.object_id,
        entry.object_repr,
        entry.before,
        entry.after,
        entry.note,
        entry.ip_address,
        prev_hash,
    ]
    return json.dumps(
        payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str
    ).encode()


def row_hash(entry, seq: int, prev_hash: str) -> str:
    return hashlib.sha256(_canonical(entry, seq, prev_hash)).hexdigest()


def _lock_chain():
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])


def seal_pending() -> int:
    """Seal every unsealed row into the chain; returns how many were sealed."""
    from shian.core.models import AuditLog

    sealed = 0
    while True:
        with transaction.atomic():
            _lock_chain()
            last = AuditLog.objects.filter(seq__isnull=False).order_by("-seq").values("seq", "hash").first()
            seq, prev = (last["seq"], last["hash"]) if last else (0, GENESIS)
            pending = list(AuditLog.objects.filter(seq__isnull=True).order_by("id")[:BATCH])
            if not pending:
                return sealed
            for entry in pending:
                seq += 1
                entry.seq, entry.prev_hash = seq, prev
                entry.hash = prev = row_hash(entry, seq, prev)
            AuditLog.objects.bulk_update(pending, ["seq", "prev_hash", "hash"], batch_size=500)
            sealed += len(pending)


def schedule_seal():
    """Seal after the current transaction commits (once per transaction, however many rows it wrote)."""
    if connection.in_atomic_block:
        if any(func is seal_pending for _, func, _ in connection.run_on_commit):
            return
    transaction.on_commit(seal_pending)


@dataclass
class ChainReport:
    checked: int
    unsealed: int
    broken_id: int | None = None
    broken_seq: int | None = None
    reason: str = ""

    @property
    def ok(self):
        return self.broken_id is None and self.broken_seq is None


def verify_chain() -> ChainReport:
    from shian.core.models import AuditLog

    prev, expected_seq, checked = GENESIS, 1, 0
    qs = AuditLog.objects.filter(seq__isnull=False).order_by("seq")
    for entry in qs.iterator(chunk_size=BATCH):
        if entry.seq != expected_seq:
            return ChainReport(
                checked,
                0,
                entry.pk,
                expected_seq,
                f"链序号 {expected_seq} 缺失（下一条为 {entry.seq}），有记录被删除",
            )
        if entry.prev_hash != prev:
            return ChainReport(
                checked, 0, entry.pk, entry.seq, "“上一条哈希”与前一条记录不符，前一条记录被改动或删除"
            )
        if row_hash(entry, entry.seq, prev) != entry.hash:
            return ChainReport(checked, 0, entry.pk, entry.seq, "记录内容与其哈希不符，该记录被改动")
        prev = entry.hash
        expected_seq += 1
        checked += 1
    unsealed = AuditLog.objects.filter(seq__isnull=True).count()
    return ChainReport(checked, unsealed)
