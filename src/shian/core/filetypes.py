"""What an uploaded file really is, judged from its bytes (never from its name), and safe names."""

import re
import unicodedata
import zipfile
from pathlib import PurePosixPath, PureWindowsPath

from django.core.exceptions import ValidationError
from django.db import models


class FileKind(models.TextChoices):
    PDF = "pdf", "PDF"
    DOCX = "docx", "Word"
    DOC = "doc", "Word(旧版)"
    XLSX = "xlsx", "Excel"
    XLS = "xls", "Excel(旧版)"
    JPG = "jpg", "JPG图片"
    PNG = "png", "PNG图片"
    ZIP = "zip", "ZIP压缩包"


ALLOWED_LABEL = "PDF、Word（DOCX/DOC）、Excel（XLSX/XLS）、JPG/PNG 图片及其 ZIP 压缩包"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# A ZIP may hold at most this many members and this many uncompressed bytes (zip bombs).
ZIP_MAX_MEMBERS = 2000
ZIP_MAX_RATIO = 20
EXTENSION_KIND = {
    "pdf": FileKind.PDF,
    "docx": FileKind.DOCX,
    "doc": FileKind.DOC,
    "xlsx": FileKind.XLSX,
    "xls": FileKind.XLS,
    "jpg": FileKind.JPG,
    "jpeg": FileKind.JPG,
    "png": FileKind.PNG,
    "zip": FileKind.ZIP,
}


def _ole_kind(head: bytes, name: str) -> str:
    # Compound files name their main stream in the directory (UTF-16LE): WordDocument / Workbook.
    if "WordDocument".encode("utf-16-le") in head:
        return FileKind.DOC
    if "Workbook".encode("utf-16-le") in head or "Book".encode("utf-16-le") in head:
        return FileKind.XLS
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext in ("doc", "xls"):
        return ext
    raise ValidationError(f"文件“{name}”是 Office 复合文档，但不是 Word 或 Excel 文件")


def _is_office_package(zf, info) -> bool:
    """Is this ZIP member itself a DOCX/XLSX (a ZIP with word/document.xml or xl/workbook.xml)?"""
    try:
        with zf.open(info) as member, zipfile.ZipFile(member) as inner:
            names = set(inner.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    return "word/document.xml" in names or "xl/workbook.xml" in names


def _zip_kind(fileobj, name: str, size: int, depth: int = 0) -> str:
    from django.conf import settings

    from shian.core.uploads import check_zip

    # Sizes and ratios first, for DOCX/XLSX too: they are ZIPs, and a parser would inflate them.
    check_zip(fileobj, name, size, int(getattr(settings, "SHIAN_MAX_UNZIPPED_MB", 500)) * 1024 * 1024)
    fileobj.seek(0)
    try:
        with zipfile.ZipFile(fileobj) as zf:
            names = zf.namelist()
            if "word/document.xml" in names:
                return FileKind.DOCX
            if "xl/workbook.xml" in names:
                return FileKind.XLSX
            infos = [i for i in zf.infolist() if not i.is_dir()]
            if len(infos) > ZIP_MAX_MEMBERS:
                raise ValidationError(f"压缩包“{name}”内文件过多（超过{ZIP_MAX_MEMBERS}个）")
            if sum(i.file_size for i in infos) > max(size, 1) * ZIP_MAX_RATIO + 10 * 1024 * 1024:
                raise ValidationError(f"压缩包“{name}”解压后过大，疑似异常文件")
            if depth >= 1:
                raise ValidationError(f"压缩包“{name}”中不能再嵌套压缩包")
            for info in infos:
                with zf.open(info) as member:
                    head = member.read(1024 * 1024)
                if not head:
                    continue
                import io

                try:
                    member_kind = detect_kind(
                        io.BytesIO(head), info.filename, info.file_size, depth=depth + 1, head=head
                    )
                except ValidationError:
                    raise ValidationError(
                        f"压缩包“{name}”中的“{info.filename}”类型不受支持（仅限{ALLOWED_LABEL}）"
                    )
                if member_kind == FileKind.ZIP and not _is_office_package(zf, info):
                    # A ZIP signature inside the archive must be a Word/Excel file, not another archive
                    # (whose members would escape these checks).
                    raise ValidationError(f"压缩包“{name}”中的“{info.filename}”是压缩包，不能嵌套压缩包")
            return FileKind.ZIP
    except zipfile.BadZipFile:
        raise ValidationError(f"文件“{name}”不是有效的 ZIP/Office 文件，可能已损坏")


def detect_kind(fileobj, name: str, size: int, depth: int = 0, head: bytes | None = None) -> str:
    """The FileKind of a file from its first bytes; ValidationError naming the file if not allowed.

    An empty file is accepted when its extension is allowed, so that the automatic check can flag
    it as empty rather than the upload failing without explanation.
    """
    if head is None:
        fileobj.seek(0)
        head = fileobj.read(1024 * 1024)
        fileobj.seek(0)
    if size == 0 or not head:
        ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        if ext in EXTENSION_KIND:
            return EXTENSION_KIND[ext]
        raise ValidationError(f"文件“{name}”是空文件，且扩展名不受支持")
    if head.startswith(b"%PDF"):
        return FileKind.PDF
    if head.startswith(b"\xff\xd8\xff"):
        return FileKind.JPG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return FileKind.PNG
    if head.startswith(OLE_MAGIC):
        return _ole_kind(head, name)
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        if depth:
            # Inside a ZIP only the signature is checked (members are not unpacked recursively).
            return FileKind.ZIP
        fileobj.seek(0)
        kind = _zip_kind(fileobj, name, size, depth)
        fileobj.seek(0)
        return kind
    raise ValidationError(f"文件“{name}”的类型不受支持（按文件内容判断；仅限{ALLOWED_LABEL}）")


_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')


def sanitize_name(name: str, max_length: int = 120) -> str:
    """A file name without directories, control or reserved characters, of bounded length."""
    name = PureWindowsPath(PurePosixPath(name or "").name).name
    name = unicodedata.normalize("NFC", name)
    name = _UNSAFE.sub("_", name).strip(" .")
    if len(name) > max_length:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: max_length - len(ext) - 1] + "." + ext) if dot and len(ext) <= 8 else name[:max_length]
    return name or "未命名"


def stem_of(name: str) -> str:
    stem, dot, _ = name.rpartition(".")
    return stem if dot and stem else name


def with_kind_extension(name: str, kind: str) -> str:
    """The name with the extension that matches its real content (x.exe holding a PDF → x.pdf)."""
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext == kind or (kind == "jpg" and ext == "jpeg"):
        return name
    return f"{stem_of(name)}.{kind}"
