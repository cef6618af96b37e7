"""One gate for every file that enters the system (等保 入侵防范 / 恶意代码防范).

`check_upload(upload, use)` is called by every upload path — evidence, rectification evidence,
imports (framework, organisation, supervision ledger, rectification ledger) — through
`GatedFileField` on forms or directly in the API. In order, before any parser sees a byte:
1. the name: directories, control and reserved characters removed; too long → refused in Chinese;
2. the size against the use's cap;
3. ZIP containers (also DOCX/XLSX, which are ZIPs): member count, total uncompressed size and the
   compression ratio of each member and of the whole, read from the central directory only;
4. the type from the content (magic bytes, OOXML/OLE structure, text for CSV/YAML) against the use's
   allow-list. The extension must agree with the content.
"""

import zipfile
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

MAX_NAME = 120
ZIP_MAX_MEMBERS = 2000
ZIP_MAX_RATIO = 100  # XML compresses well (real DOCX/XLSX stay under ~30×); bombs go to 300× and more
MB = 1024 * 1024

KIND_LABELS = {
    "pdf": "PDF",
    "docx": "Word（DOCX）",
    "doc": "Word（DOC）",
    "xlsx": "Excel（XLSX）",
    "xls": "Excel（XLS）",
    "jpg": "JPG 图片",
    "png": "PNG 图片",
    "zip": "ZIP 压缩包",
    "csv": "CSV",
    "yaml": "YAML",
}


@dataclass(frozen=True)
class Use:
    label: str
    kinds: frozenset
    max_mb_setting: str
    default_mb: int

    @property
    def max_bytes(self) -> int:
        return int(getattr(settings, self.max_mb_setting, self.default_mb)) * MB


USES = {
    "evidence": Use(
        "佐证材料",
        frozenset({"pdf", "docx", "doc", "xlsx", "xls", "jpg", "png", "zip"}),
        "SHIAN_MAX_UPLOAD_MB",
        100,
    ),
    "rectification": Use(
        "整改佐证",
        frozenset({"pdf", "docx", "doc", "xlsx", "xls", "jpg", "png"}),
        "SHIAN_MAX_EVIDENCE_FILE_MB",
        20,
    ),
    "dispatch": Use(
        "调度附件",
        frozenset({"pdf", "docx", "doc", "xlsx", "xls", "jpg", "png"}),
        "SHIAN_MAX_EVIDENCE_FILE_MB",
        20,
    ),
    "import": Use("导入文件", frozenset({"xlsx", "xls", "csv"}), "SHIAN_MAX_IMPORT_MB", 50),
    "framework_import": Use(
        "评价细则导入文件", frozenset({"xlsx", "xls", "yaml"}), "SHIAN_MAX_IMPORT_MB", 50
    ),
}


def _ext(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def clean_name(raw: str) -> str:
    from shian.core.filetypes import sanitize_name

    raw = raw or ""
    base = raw.replace("\\", "/").rsplit("/", 1)[-1]
    if len(base) > MAX_NAME:
        raise ValidationError(
            f"文件名过长（{len(base)} 个字符），请改短到 {MAX_NAME} 个字符以内后重新上传：“{base[:30]}……”",
            code="name_too_long",
        )
    return sanitize_name(base, max_length=MAX_NAME)


def _size(upload) -> int:
    size = getattr(upload, "size", None)
    if size is None:
        pos = upload.tell()
        upload.seek(0, 2)
        size = upload.tell()
        upload.seek(pos)
    return size


def check_zip(upload, name: str, size: int, max_unzipped: int) -> zipfile.ZipFile | None:
    """Refuse ZIP bombs from the central directory alone (nothing is decompressed)."""
    upload.seek(0)
    try:
        zf = zipfile.ZipFile(upload)
    except zipfile.BadZipFile:
        raise ValidationError(f"文件“{name}”不是有效的 ZIP/Office 文件，可能已损坏")
    infos = zf.infolist()
    if len(infos) > ZIP_MAX_MEMBERS:
        raise ValidationError(f"文件“{name}”内含文件过多（{len(infos)} 个，上限 {ZIP_MAX_MEMBERS}）")
    total = sum(i.file_size for i in infos)
    if total > max_unzipped:
        raise ValidationError(
            f"文件“{name}”解压后 {total / MB:.0f}MB，超过上限 {max_unzipped / MB:.0f}MB，疑似压缩炸弹"
        )
    for info in infos:
        if info.file_size > 1 * MB and info.file_size > max(info.compress_size, 1) * ZIP_MAX_RATIO:
            raise ValidationError(
                f"文件“{name}”中的“{info.filename[:60]}”压缩比异常（{info.file_size / MB:.0f}MB 压缩为 "
                f"{info.compress_size / 1024:.0f}KB），疑似压缩炸弹，已拒绝"
            )
    if total > 10 * MB and total > max(size, 1) * ZIP_MAX_RATIO:
        raise ValidationError(f"文件“{name}”整体压缩比异常，疑似压缩炸弹，已拒绝")
    upload.seek(0)
    return zf


def _text_kind(head: bytes, ext: str, name: str) -> str:
    if b"\x00" in head:
        raise ValidationError(f"文件“{name}”不是文本文件，但扩展名为 .{ext}")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            head.decode(encoding)
            break
        except UnicodeDecodeError as exc:
            if exc.start > len(head) - 4:  # cut in the middle of a character at the end of the sample
                break
    else:
        raise ValidationError(f"文件“{name}”不是 UTF-8 或 GBK 编码的文本")
    return "yaml" if ext in ("yaml", "yml") else "csv"


def detect(upload, name: str, size: int, max_unzipped: int) -> str:
    upload.seek(0)
    head = upload.read(64 * 1024)
    upload.seek(0)
    ext = _ext(name)
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        zf = check_zip(upload, name, size, max_unzipped)
        names = set(zf.namelist())
        upload.seek(0)
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
        return "zip"
    if ext in ("csv", "yaml", "yml", "txt"):
        return _text_kind(head, ext, name)
    from shian.core.filetypes import detect_kind

    return str(detect_kind(upload, name, size, head=head[: 1024 * 1024]))


def check_upload(upload, use: str) -> str:
    """The sanitised name of an acceptable upload; ValidationError in Chinese naming the file otherwise."""
    spec = USES[use]
    name = clean_name(getattr(upload, "name", "") or "未命名")
    size = _size(upload)
    if size > spec.max_bytes:
        raise ValidationError(
            f"文件“{name}”大小 {size / MB:.1f}MB，超过{spec.label}上限 {spec.max_bytes / MB:.0f}MB"
        )
    max_unzipped = int(getattr(settings, "SHIAN_MAX_UNZIPPED_MB", 500)) * MB
    kind = detect(upload, name, size, max_unzipped) if size else _ext(name)
    if kind not in spec.kinds:
        allowed = "、".join(KIND_LABELS[k] for k in sorted(spec.kinds))
        shown = KIND_LABELS.get(kind, kind or "未知类型")
        raise ValidationError(f"文件“{name}”按内容判断为{shown}，{spec.label}只接受：{allowed}")
    upload.seek(0)
    return name


class GatedFileField(forms.FileField):
    """A FileField whose files pass `check_upload` for its use before the form is valid."""

    def __init__(self, *args, use: str, **kwargs):
        self.use = use
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload and hasattr(upload, "read"):
            upload.name = check_upload(upload, self.use)
        return upload
