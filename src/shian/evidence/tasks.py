"""Background jobs of the evidence app: text extraction and the review-ready archive export."""

import logging
import shutil
import tempfile
from pathlib import Path

from django.core.files.storage import default_storage

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


@job("evidence.extract")
def extract_job(record):
    ids = record.params.get("materials", [])
    for n, material_id in enumerate(ids, 1):
        extract_material(material_id)
        job_progress(record, n, len(ids), f"已提取 {n}/{len(ids)} 份材料")
    return {"count": len(ids)}


@job("evidence.archive")
def archive_job(record):
    """Build the 迎检资料包 ZIP into a temporary file, then hand it to storage (a move on local disk)."""
    from shian.evidence.archive import archive_plan, save_archive_to_job

    plan = archive_plan(record.params["campaign"], record.created_by, unit_id=record.params.get("unit"),
                        only_approved=record.params.get("only_approved", False))

    def progress(done, total):
        job_progress(record, done, total, f"已打包 {done}/{total} 份材料")

    return save_archive_to_job(record, plan, progress)
