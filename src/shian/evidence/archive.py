"""The review-ready archive (迎检资料包): a ZIP with a folder per category and indicator, files
renamed "序号-标题.ext", and an index (目录) in xlsx and docx listing every material and gap.

The archive is written file by file in 1 MB chunks without compression (PDF, Office files, images
and ZIPs are already compressed), so memory stays flat and the speed is close to a plain copy.
`write_archive` writes to a seekable file (the background job); `iter_archive` yields bytes for a
streaming HTTP response (small archives).
"""

import datetime
import os
import re
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage, default_storage
from django.http import Http404
from django.utils import timezone

from shian.core.filetypes import sanitize_name
from shian.evidence.choices import Coverage, MaterialStatus

CHUNK = 1024 * 1024
INDEX_HEADER = [
    "序号",
    "类别",
    "指标",
    "评分项",
    "材料要求",
    "材料标题",
    "提供单位",
    "文号",
    "成文日期",
    "审核状态",
    "自动检查",
    "归档路径",
]
UNFILED = "99-未归类材料"


@dataclass
class Entry:
    arcname: str
    storage_name: str
    size: int


@dataclass
class Plan:
    campaign: object
    entries: list[Entry] = field(default_factory=list)
    rows: list[list] = field(default_factory=list)
    total_bytes: int = 0

    @property
    def filename(self):
        return sanitize_name(f"{self.campaign.name}-迎检资料包-{timezone.localdate():%Y%m%d}.zip")


def _folder(category, indicator) -> str:
    if category is None:
        return UNFILED
    cat = sanitize_name(f"{category.seq:02d}-{category.name}", 60)
    ind = sanitize_name(f"{indicator.code or indicator.seq} {indicator.name}", 80)
    return f"{cat}/{ind}"


def archive_plan(campaign_id, user, unit_id=None, only_approved=False) -> Plan:
    """What goes into the archive for `user`: only materials the user may see (a unit its own, the
    office its region's); 404 if the campaign is outside the user's scope."""
    from shian.campaigns.models import Campaign
    from shian.evidence.models import Material
    from shian.evidence.services import requirements_for

    campaign = (
        Campaign.objects.restrict(user, "view").filter(pk=campaign_id).select_related("framework").first()
    )
    if campaign is None:
        raise Http404("创建项目不存在或无权访问")
    materials = (
        Material.objects.restrict(user, "view")
        .filter(campaign=campaign)
        .with_related()
        .order_by(
            "item__indicator__category__seq",
            "item__indicator__seq",
            "item__seq",
            "requirement__seq",
            "requirement_id",
            "submitted_at",
            "id",
        )
    )
    if unit_id:
        materials = materials.filter(unit_id=unit_id)
    left_out = {}  # requirement id → coverage label of the materials an approved-only archive leaves out
    if only_approved:
        from shian.evidence.matrix import coverage_of

        groups = {}
        for m in (
            materials.exclude(status=MaterialStatus.APPROVED)
            .select_related(None)
            .only("id", "requirement_id", "status", "flags")
        ):
            groups.setdefault(m.requirement_id, []).append(m)
        left_out = {rid: Coverage(coverage_of(ms)).label for rid, ms in groups.items()}
        materials = materials.filter(status=MaterialStatus.APPROVED)
    plan = Plan(campaign)
    covered = set()
    filed, unfiled = [], []
    for m in materials:
        (filed if m.item_id else unfiled).append(m)
    by_requirement = {}
    for m in filed:
        by_requirement.setdefault(m.requirement_id, []).append(m)
    seq = 0
    # Requirements in framework order; each lists its materials, or one 缺失 row.
    reqs = list(requirements_for(campaign))
    if unit_id:
        reqs = [r for r in reqs if r.provider_id == unit_id or r.pk in by_requirement or r.pk in left_out]
    elif not (user.is_admin or user.region_scope is not None):
        reqs = [
            r for r in reqs if r.provider_id == user.unit_id or r.pk in by_requirement or r.pk in left_out
        ]
    order = []
    seen_items = set()
    for req in reqs:
        order.append((req, by_requirement.get(req.pk, [])))
        seen_items.add(req.pk)
    for req_id, ms in by_requirement.items():
        if req_id is None or req_id not in seen_items:
            order.append((ms[0].requirement, ms))  # filed under an item without (or another) requirement
    for req, ms in order:
        item = req.item if req else (ms[0].item if ms else None)
        indicator = item.indicator if item else None
        category = indicator.category if indicator else None
        folder = _folder(category, indicator)
        base = [
            category.name if category else "",
            str(indicator) if indicator else "",
            item.code if item else "",
            req.name if req else "",
        ]
        if not ms:
            # A requirement with nothing in the archive: 缺失, or (approved-only archive) the state of
            # the materials left out, so the index does not call a filed but unapproved material missing.
            waiting = left_out.get(req.pk) if req else None
            plan.rows.append(
                [
                    None,
                    *base,
                    "",
                    req.provider.short_name or req.provider.name if req and req.provider else "",
                    "",
                    "",
                    waiting or Coverage.MISSING.label,
                    "",
                    "未审核通过，未收入资料包" if waiting else "",
                ]
            )
            continue
        for m in ms:
            seq += 1
            covered.add(m.pk)
            plan.rows.append([seq, *base, *_material_cells(m, folder, seq)])
            _add_entry(plan, m, folder, seq)
    for m in unfiled:
        seq += 1
        plan.rows.append([seq, "", "", "", "", *_material_cells(m, UNFILED, seq)])
        _add_entry(plan, m, UNFILED, seq)
    return plan


def _arcname(m, folder, seq):
    title = sanitize_name(m.title, 80)
    return f"{folder}/{seq:03d}-{title}.{m.current.kind}" if m.current else ""


def _material_cells(m, folder, seq):
    return [
        m.title,
        m.unit.short_name or m.unit.name,
        m.doc_number,
        m.doc_date.isoformat() if m.doc_date else "",
        m.get_status_display(),
        "；".join(m.flag_labels()),
        _arcname(m, folder, seq),
    ]


def _add_entry(plan, m, folder, seq):
    if m.current is None:
        return
    plan.entries.append(Entry(_arcname(m, folder, seq), m.current.file.name, m.current.size))
    plan.total_bytes += m.current.size


def _index_xlsx(plan, path):
    from shian.core.exports import write_xlsx

    write_xlsx(
        [INDEX_HEADER, *[[("" if v is None else v) for v in row] for row in plan.rows]],
        str(path),
        sheet_title="目录",
    )


_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _index_docx(plan, path):
    """The index as a Word table. Rows are appended as one parsed XML fragment: python-docx's
    add_row() is quadratic and takes seconds for a few thousand materials."""
    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls
    from docx.shared import Pt

    document = docx.Document()
    document.styles["Normal"].font.size = Pt(9)
    document.add_heading(f"{plan.campaign.name} 迎检资料目录", level=1)
    document.add_paragraph(f"生成日期：{timezone.localdate():%Y年%m月%d日}　材料 {len(plan.entries)} 份")
    columns = [0, 2, 4, 5, 6, 8, 9]  # 序号 指标 材料要求 标题 单位 日期 状态
    table = document.add_table(rows=1, cols=len(columns))
    table.style = "Table Grid"
    for cell, col in zip(table.rows[0].cells, columns, strict=True):
        cell.text = INDEX_HEADER[col]

    def cell_xml(value):
        text = xml_escape(_XML_ILLEGAL.sub("", "" if value is None else str(value)))
        return f'<w:tc><w:p><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p></w:tc>'

    rows_xml = "".join("<w:tr>" + "".join(cell_xml(row[c]) for c in columns) + "</w:tr>" for row in plan.rows)
    fragment = parse_xml(f"<w:tbl {nsdecls('w')}>{rows_xml}</w:tbl>")
    for tr in list(fragment):
        table._tbl.append(tr)
    document.save(str(path))


def _write_entries(zf, plan, progress=None, on_chunk=None):
    now = timezone.localtime().timetuple()[:6]
    total = len(plan.entries)
    for n, entry in enumerate(plan.entries, 1):
        info = zipfile.ZipInfo(entry.arcname, date_time=now)
        info.compress_type = zipfile.ZIP_STORED
        info.external_attr = 0o644 << 16
        with (
            default_storage.open(entry.storage_name, "rb") as src,
            zf.open(info, "w", force_zip64=entry.size >= 2**31) as dst,
        ):
            while chunk := src.read(CHUNK):
                dst.write(chunk)
                if on_chunk:
                    yield from on_chunk()
        if progress and (n % 20 == 0 or n == total):
            progress(n, total)
    with tempfile.TemporaryDirectory(prefix="shian-index-") as tmp:
        for name, writer in (("目录.xlsx", _index_xlsx), ("目录.docx", _index_docx)):
            path = Path(tmp) / name
            writer(plan, path)
            info = zipfile.ZipInfo(name, date_time=now)
            info.compress_type = zipfile.ZIP_DEFLATED
            with open(path, "rb") as src, zf.open(info, "w") as dst:
                while chunk := src.read(CHUNK):
                    dst.write(chunk)
            if on_chunk:
                yield from on_chunk()


def write_archive(plan, fileobj, progress=None):
    with zipfile.ZipFile(fileobj, "w", allowZip64=True) as zf:
        for _ in _write_entries(zf, plan, progress):
            pass


class _Sink:
    """A write-only, non-seekable buffer zipfile writes to; the generator drains it after each chunk."""

    def __init__(self):
        self.buffer = bytearray()
        self.position = 0

    def write(self, data):
        self.buffer += data
        self.position += len(data)
        return len(data)

    def tell(self):
        return self.position

    def flush(self):
        pass

    def drain(self):
        data = bytes(self.buffer)
        self.buffer.clear()
        return data


def iter_archive(plan):
    """The archive as a stream of byte chunks, for StreamingHttpResponse; memory stays ~1 chunk."""
    sink = _Sink()

    def drain():
        data = sink.drain()
        if data:
            yield data

    zf = zipfile.ZipFile(sink, "w", allowZip64=True)
    yield from _write_entries(zf, plan, on_chunk=drain)
    zf.close()
    yield from drain()


class _LocalFile(File):
    """A finished file on local disk; FileSystemStorage moves it instead of copying it."""

    def temporary_file_path(self):
        return self.name


def save_archive_to_job(record, plan, progress=None) -> dict:
    from shian.core.models import Job

    if isinstance(default_storage, FileSystemStorage):
        workdir = Path(settings.MEDIA_ROOT) / "tmp"
        workdir.mkdir(parents=True, exist_ok=True)
    else:
        workdir = None
    fd, path = tempfile.mkstemp(prefix="archive-", suffix=".zip", dir=workdir)
    try:
        with os.fdopen(fd, "wb") as out:
            write_archive(plan, out, progress)
        size = os.path.getsize(path)
        with open(path, "rb") as fh:
            stored = default_storage.save(
                f"jobs/{datetime.date.today():%Y/%m}/{Path(path).name}", _LocalFile(fh, name=path)
            )
        Job.objects.filter(pk=record.pk).update(result_file=stored)
    finally:
        if os.path.exists(path):
            os.unlink(path)
    return {"filename": plan.filename, "count": len(plan.entries), "bytes": size}
