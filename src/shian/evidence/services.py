"""Business rules for evidence materials: upload, new versions, review, requirement assignment,
extraction results and checks. Views, API and jobs call these; nothing else saves a Material."""

import hashlib
import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from shian.core import policy
from shian.core.audit import log_event
from shian.core.filetypes import detect_kind, sanitize_name, stem_of, with_kind_extension
from shian.core.history import record_status
from shian.core.notify import notify_event  # notify (issue 11)
from shian.core.services import ConcurrentEditError, require, save_versioned
from shian.evidence.checks import run_checks
from shian.evidence.choices import MaterialStatus, TextStatus
from shian.evidence.models import Material, MaterialFile, MaterialStatusChange
from shian.framework.models import MaterialRequirement


def _file_size(upload) -> int:
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, 2)
        size = upload.tell()
        upload.seek(0)
    return size


def _limit_label() -> str:
    return f"{settings.SHIAN_MAX_UPLOAD_BYTES / 1024 / 1024:g}MB"


def inspect_upload(upload) -> dict:
    """Name, kind, size and content hash of an uploaded file; ValidationError naming the file."""
    name = sanitize_name(getattr(upload, "name", "") or "未命名")
    size = _file_size(upload)
    if size > settings.SHIAN_MAX_UPLOAD_BYTES:
        raise ValidationError(
            {"files": f"文件“{name}”大小 {size / 1024 / 1024:.1f}MB 超过上限 {_limit_label()}"}
        )
    try:
        kind = detect_kind(upload, name, size)
    except ValidationError as exc:
        raise ValidationError({"files": exc.messages})
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in iter(lambda: upload.read(1024 * 1024), b""):
        digest.update(chunk)
    upload.seek(0)
    return {"name": with_kind_extension(name, kind), "kind": kind, "size": size, "sha256": digest.hexdigest()}


def _check_campaign(campaign, actor):

    if not policy.can(actor, policy.VIEW, campaign):
        raise PermissionDenied("您无权向该创建项目上传材料")


def _resolve_unit(actor, unit, requirement, campaign):
    if actor.is_read_only:
        raise PermissionDenied("只读账号不能上传材料")
    if unit is None:
        if actor.is_office and requirement is not None and requirement.provider_id:
            unit = requirement.provider
        else:
            unit = actor.unit or campaign.office
    if unit is None:
        raise ValidationError({"unit": "请选择提供单位"})
    if not actor.manages_unit(unit) or not unit.region.path.startswith(campaign.region.path):
        raise PermissionDenied("您只能为本单位上传材料")
    return unit


def _check_requirement(requirement, campaign):
    if requirement is not None and requirement.item.indicator.category.framework_id != campaign.framework_id:
        raise ValidationError({"requirement": "所选材料要求不属于该创建项目的评价细则"})


def _store(upload, info, campaign) -> str:
    path = f"evidence/{campaign.pk}/{uuid.uuid4().hex}.{info['kind']}"
    upload.seek(0)
    return default_storage.save(path, upload)


def _schedule_extraction(material_ids, actor):
    from shian.core.jobs import enqueue

    ids = list(material_ids)
    transaction.on_commit(
        lambda: enqueue(
            "evidence.extract",
            f"提取材料文字（{len(ids)}份）",
            {"materials": ids},
            actor if actor and actor.pk else None,
        )
    )


def _refresh_flags(material, text="", error=""):
    material.flags = run_checks(material, text, error)


def upload_materials(
    campaign,
    files,
    *,
    actor,
    requirement=None,
    unit=None,
    title="",
    doc_date=None,
    issuer="",
    doc_number="",
    extract=True,
) -> list[Material]:
    """File one material per uploaded file, all or nothing.

    Every file is checked (size, type from content) before anything is written; files are written
    to storage before their rows, inside one transaction, and deleted again if anything fails, so a
    failed upload leaves neither a row nor an orphan file. Text extraction runs after commit.
    """
    files = list(files or [])
    if not files:
        raise ValidationError({"files": "请选择要上传的文件"})
    _check_campaign(campaign, actor)
    _check_requirement(requirement, campaign)
    unit = _resolve_unit(actor, unit, requirement, campaign)
    infos = [inspect_upload(f) for f in files]
    saved = []
    created = []
    now = timezone.now()
    try:
        with transaction.atomic():
            for upload, info in zip(files, infos, strict=True):
                stored = _store(upload, info, campaign)
                saved.append(stored)
                material = Material.objects.create(
                    campaign=campaign,
                    requirement=requirement,
                    item=requirement.item if requirement else None,
                    unit=unit,
                    title=(title if title and len(files) == 1 else stem_of(info["name"]))[:200],
                    doc_date=doc_date,
                    issuer=issuer,
                    doc_number=doc_number,
                    submitted_at=now,
                    text_status=TextStatus.PENDING,
                )
                version = MaterialFile.objects.create(
                    material=material,
                    number=1,
                    file=stored,
                    original_name=info["name"],
                    kind=info["kind"],
                    size=info["size"],
                    sha256=info["sha256"],
                    uploaded_by=actor,
                )
                material.current = version
                _refresh_flags(material)
                material.save(update_fields=["current", "flags", "updated_at"])
                from shian.evidence.search import index_material

                index_material(material, "")
                log_event(material, "material_uploaded", note=info["name"])
                created.append(material)
            if extract:
                _schedule_extraction([m.pk for m in created], actor)
    except BaseException:
        for name in saved:
            try:
                default_storage.delete(name)
            except OSError:
                pass
        raise
    return created


def add_version(material, upload, *, actor, expected_version) -> MaterialFile:
    """Replace the material's file; earlier versions are kept; the material goes back to review."""
    require(
        Material.objects.restrict(actor, "change").filter(pk=material.pk).exists() and not actor.is_read_only,
        "您无权修改该材料",
    )
    info = inspect_upload(upload)
    stored = _store(upload, info, material.campaign)
    try:
        with transaction.atomic():
            number = (material.files.order_by("-number").values_list("number", flat=True).first() or 0) + 1
            version = MaterialFile.objects.create(
                material=material,
                number=number,
                file=stored,
                original_name=info["name"],
                kind=info["kind"],
                size=info["size"],
                sha256=info["sha256"],
                uploaded_by=actor,
            )
            material.current = version
            material.status = MaterialStatus.PENDING
            material.submitted_at = timezone.now()
            material.text_status = TextStatus.PENDING
            _refresh_flags(material)
            save_versioned(material, expected_version)
            record_status(
                MaterialStatusChange, material, material.status, actor=actor, at=material.submitted_at
            )
            log_event(material, "material_version_added", note=f"第{number}版：{info['name']}")
            _schedule_extraction([material.pk], actor)
    except BaseException:
        default_storage.delete(stored)
        raise
    return version


EDITABLE = ("title", "doc_date", "issuer", "doc_number", "requirement")


@transaction.atomic
def update_material(material, data: dict, *, actor, expected_version) -> Material:
    """Edit the description of a material (title, date, issuer, 文号, requirement); a returned
    material goes back to the reviewer's queue."""
    require(
        Material.objects.restrict(actor, "change").filter(pk=material.pk).exists() and not actor.is_read_only,
        "您无权修改该材料",
    )
    if "requirement" in data:
        _check_requirement(data["requirement"], material.campaign)
    for key in EDITABLE:
        if key in data:
            setattr(material, key, data[key])
    if not (material.title or "").strip():
        raise ValidationError({"title": "标题不能为空"})
    if "doc_date" in data:
        material.doc_date_detected = False
    material.item = material.requirement.item if material.requirement_id else material.item
    if material.status == MaterialStatus.RETURNED:
        material.status = MaterialStatus.PENDING
        material.submitted_at = timezone.now()
        log_event(material, "material_resubmitted")
    body = getattr(material, "body", None)
    _refresh_flags(material, body.text if body else "")
    saved = save_versioned(material, expected_version)
    record_status(MaterialStatusChange, material, material.status, actor=actor, at=material.submitted_at)
    return saved


def assign_requirement(material, requirement, *, actor, expected_version) -> Material:
    """The user confirms a suggested (or chosen) requirement for a material."""
    material = update_material(
        material, {"requirement": requirement}, actor=actor, expected_version=expected_version
    )
    log_event(material, "material_requirement_confirmed", note=str(requirement))
    return material


def _check_reviewer(material, actor):
    require(policy.manages(actor, material.campaign), "只有创建办可以审核材料")


@transaction.atomic
def approve_material(material, *, actor, expected_version) -> Material:
    """通过. Refused if someone else decided (or the unit changed the material) since it was loaded."""
    _check_reviewer(material, actor)
    if material.status != MaterialStatus.PENDING:
        current = Material.objects.filter(pk=material.pk).values_list("version", flat=True).first()
        if current != expected_version:
            raise ConcurrentEditError()
        raise ValidationError(
            {"status": f"材料当前状态为“{material.get_status_display()}”，只能审核待审核的材料"}
        )
    material.status = MaterialStatus.APPROVED
    material.review_reason = ""
    material.reviewed_by = actor
    material.reviewed_at = timezone.now()
    save_versioned(material, expected_version)
    record_status(MaterialStatusChange, material, material.status, actor=actor, at=material.reviewed_at)
    log_event(material, "material_approved")
    _notify_material_approved(material)  # notify (issue 11)
    return material


@transaction.atomic
def return_material(material, reason: str, *, actor, expected_version) -> Material:
    """退回 with a reason the unit sees at once on the material and in its list."""
    _check_reviewer(material, actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"review_reason": "退回时必须填写退回原因"})
    if material.status == MaterialStatus.RETURNED:
        raise ValidationError({"status": "材料已被退回，等待单位修改后重新提交"})
    material.status = MaterialStatus.RETURNED
    material.review_reason = reason[:2000]
    material.reviewed_by = actor
    material.reviewed_at = timezone.now()
    save_versioned(material, expected_version)
    record_status(MaterialStatusChange, material, material.status, actor=actor, at=material.reviewed_at)
    log_event(material, "material_returned", note=reason[:300])
    _notify_material_returned(material, reason)  # notify (issue 11)
    return material


def record_extraction(material, text: str | None, error: str = "") -> Material:
    """Store the extraction result of the job: text, detected date, suggestions, flags.

    Written with update() on derived fields only, so a person editing the material at the same
    time is not refused because of the background job (their version stays valid).
    """
    from shian.evidence.extract import detect_document_date
    from shian.evidence.matching import suggest_requirements
    from shian.evidence.search import index_material

    if error:
        status = TextStatus.FAILED
    elif text is None:
        status = TextStatus.UNSUPPORTED
    elif not text.strip():
        status = TextStatus.EMPTY
    else:
        status = TextStatus.DONE
    text = text or ""
    material.text_status = status
    updates = {"text_status": status}
    if material.doc_date is None and text:
        detected = detect_document_date(text)
        if detected:
            material.doc_date, material.doc_date_detected = detected, True
            updates.update(doc_date=detected, doc_date_detected=True)
    with transaction.atomic():
        index_material(material, text)
        if material.requirement_id is None:
            material.suggestions = suggest_requirements(material, text)
            updates["suggestions"] = material.suggestions
        _refresh_flags(material, text, error)
        updates["flags"] = material.flags
        Material.objects.filter(pk=material.pk).update(**updates)
        log_event(
            material,
            "material_text_extracted",
            note=f"{material.get_text_status_display()}，{len(text)}字"
            + (f"；{error[:100]}" if error else ""),
        )
    return material


@transaction.atomic
def request_extraction(material, *, actor) -> Material:
    """重新提取文字: run the extraction job again (after a failure, or a job lost to a busy database).

    Only derived fields change, so the material's version (and anyone's open form) stays valid."""
    require(
        Material.objects.restrict(actor, "change").filter(pk=material.pk).exists() and not actor.is_read_only,
        "您无权修改该材料",
    )
    if material.current is None:
        raise ValidationError({"current": "材料没有文件，无法提取文字"})
    Material.objects.filter(pk=material.pk).update(text_status=TextStatus.PENDING)
    material.text_status = TextStatus.PENDING
    log_event(material, "material_extraction_requested")
    _schedule_extraction([material.pk], actor)
    return material


def requirements_for(campaign):
    return (
        MaterialRequirement.objects.filter(item__indicator__category__framework_id=campaign.framework_id)
        .select_related("item__indicator__category", "provider")
        .order_by("item__indicator__category__seq", "item__indicator__seq", "item__seq", "seq", "id")
    )


# --- notifications (issue 11): who hears about what, in what words ----------------------------


def _notify_material_returned(material, reason):
    notify_event(
        "material_returned",
        material,
        units=[material.unit_id],
        campaign=material.campaign_id,
        title=f"材料被退回：{material.title[:80]}",
        body=f"退回原因：{reason}\n请修改后重新提交。",
        occasion=f"v{material.version}",
    )


def _notify_material_approved(material):
    notify_event(
        "material_approved",
        material,
        units=[material.unit_id],
        campaign=material.campaign_id,
        title=f"材料已通过审核：{material.title[:80]}",
        occasion=f"v{material.version}",
    )
