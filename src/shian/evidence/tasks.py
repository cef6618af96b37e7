"""Background jobs of the evidence app: text extraction and the review-ready archive export."""

import logging
import shutil
import tempfile
import time
from pathlib import Path

from django.core.files.storage import default_storage
from django.db import OperationalError

from shian.core.jobs import job, job_progress

logger = logging.getLogger("shian.evidence")


def extract_material(material_id: int):
    """Extract the current file's text and record it (with checks and suggestions)."""
    from shian.evidence.extract import Unreadable, extract_text
    from shian.evidence.models import Material
    from shian.evidence.services import record_extraction

    material = Material.objects.with_related().filter(pk=material_id).first()
    if material is None or material.current is None:
        return None
    version = material.current
    if version.size == 0:
        return record_extraction(material, "")
    with tempfile.TemporaryDirectory(prefix="shian-extract-") as tmp:
        local = Path(tmp) / f"file.{version.kind}"
        with default_storage.open(version.file.name, "rb") as src, open(local, "wb") as dst:
            shutil.copyfileobj(src, dst, 1024 * 1024)
        try:
            text = extract_text(local, version.kind)
        except Unreadable as exc:
            return record_extraction(material, "", error=str(exc))
        except Exception as exc:  # any parser crash means the file cannot be read
            logger.warning("extraction of material %s failed: %s", material_id, exc)
            return record_extraction(material, "", error=str(exc)[:200])
    return record_extraction(material, text)


# SQLite refuses a write at once ("database is locked", no busy wait) when a transaction that
# began by reading must upgrade while another connection (a page request) has written meanwhile.
# The in-process job thread meets this on the embedded default; extraction is idempotent, so retry.
LOCK_RETRIES = 6
LOCK_BACKOFF_SECONDS = 0.25


def _is_locked(exc) -> bool:
    return "locked" in str(exc).lower() or "busy" in str(exc).lower()


def retry_locked(func, *args, sleep=time.sleep):
    """func(*args), retried with a growing pause while SQLite answers "database is locked"."""
    for attempt in range(LOCK_RETRIES):
        try:
            return func(*args)
        except OperationalError as exc:
            if not _is_locked(exc) or attempt == LOCK_RETRIES - 1:
                raise
            sleep(LOCK_BACKOFF_SECONDS * (attempt + 1))
    return None


@job("evidence.extract")
def extract_job(record):
    ids = record.params.get("materials", [])
    failed = []
    for n, material_id in enumerate(ids, 1):
        try:
            retry_locked(extract_material, material_id)
        except OperationalError as exc:  # one material stuck on the database does not stop the others
            logger.warning("extraction of material %s failed: %s", material_id, exc)
            failed.append(material_id)
        retry_locked(job_progress, record, n, len(ids), f"已提取 {n}/{len(ids)} 份材料")
    if failed:
        raise RuntimeError(
            f"{len(failed)} 份材料的文字提取因数据库繁忙未完成（材料编号 {'、'.join(map(str, failed))}），"
            "请在材料页面点击“重新提取文字”"
        )
    return {"count": len(ids)}


@job("evidence.archive")
def archive_job(record):
    """Build the 迎检资料包 ZIP into a temporary file, then hand it to storage (a move on local disk)."""
    from shian.evidence.archive import archive_plan, save_archive_to_job

    plan = archive_plan(
        record.params["campaign"],
        record.created_by,
        unit_id=record.params.get("unit"),
        only_approved=record.params.get("only_approved", False),
    )

    def progress(done, total):
        job_progress(record, done, total, f"已打包 {done}/{total} 份材料")

    return save_archive_to_job(record, plan, progress)
