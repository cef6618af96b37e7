"""Word writer for Chinese official documents in GB/T 9704-2012 layout.

Framework-free: build a list of blocks and call :func:`render`, which returns a
python-docx ``Document``; :func:`save` / :func:`to_bytes` write it out.

* 公文: ``Masthead``, ``Title``, ``Addressee``, body, ``AttachmentNote``, ``Signature``, ``Imprint``.
* 简报: ``BulletinMasthead``, articles (``Title`` + body), ``Distribution``.
* report (总结/自评/评审报告): ``Title``, ``Subtitle``, body (``Heading``, ``Paragraph``, ``Table``).

Blocks GB/T 9704 places relative to the previous element (主送机关, 附件说明,
署名) emit their own leading blank lines; ``Title`` and body blocks add none.

The package: `layout` (geometry, helpers, the writer), `blocks` (what a document is made of), and
here the entry points; every public name is importable from `shian.core.gbt9704`.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from docx.document import Document

from shian.core.gbt9704.blocks import (  # noqa: F401 (re-exported)
    Addressee,
    Align,
    AttachmentNote,
    BlankLine,
    Block,
    BulletinMasthead,
    Distribution,
    Heading,
    Imprint,
    Masthead,
    PageBreak,
    Paragraph,
    Runs,
    Signature,
    Subtitle,
    Table,
    Title,
)
from shian.core.gbt9704.layout import (  # noqa: F401 (re-exported)
    _ALIGN,
    _BOTTOM_FLOAT,
    _BOTTOM_FRAME,
    _DIGITS,
    _PPR_ORDER,
    _TBLPR_ORDER,
    BODY_PT,
    BULLETIN_RULE_SZ,
    CHAR_CONDENSE_TWIPS,
    CHAR_SPACE,
    CHARS_PER_LINE,
    DEFAULT_FONTS,
    FALLBACK_FONTS,
    FOOTER_DISTANCE_MM,
    HEADER_DISTANCE_MM,
    IMPRINT_INNER_SZ,
    IMPRINT_OUTER_SZ,
    LINE_PITCH_TWIPS,
    LINES_PER_PAGE,
    MARGIN_BOTTOM_MM,
    MARGIN_LEFT_MM,
    MARGIN_RIGHT_MM,
    MARGIN_TOP_MM,
    MASTHEAD_GLYPH_OFFSET_MM,
    MASTHEAD_TOP_MM,
    PAGE_HEIGHT_MM,
    PAGE_WIDTH_MM,
    RED,
    RED_HEX,
    RED_RULE_SZ,
    SMALL_PT,
    STACKED_RULE_TWIPS,
    TEXT_HEIGHT_TWIPS,
    TEXT_WIDTH_PT,
    TEXT_WIDTH_TWIPS,
    TITLE_PT,
    XIAOBIAOSONG_FALLBACK,
    Fonts,
    _as_text,
    _border,
    _cell_margins,
    _el,
    _fit_size,
    _put,
    _right_tab,
    _set_fonts,
    _table_borders,
    _width_chars,
    _Writer,
    chinese_number,
    format_date_cn,
    format_doc_number,
    format_wan_yuan,
    heading_prefix,
)


# --- entry points -----------------------------------------------------------
def render(blocks: Sequence[Block], fonts: Fonts = DEFAULT_FONTS) -> Document:
    """Lay out ``blocks`` on GB/T 9704 pages and return the python-docx Document."""
    writer = _Writer(fonts)
    for block in blocks:
        if not isinstance(block, Block):
            raise TypeError(f"not a gbt9704 block: {block!r}")
        block._render(writer)
    return writer.doc


def to_bytes(document: Document) -> bytes:
    """Serialise a rendered document to .docx bytes."""
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def save(document: Document, path: str | Path) -> Path:
    """Write a rendered document to ``path`` and return the path."""
    path = Path(path)
    document.save(str(path))
    return path


def docx_to_pdf(data: bytes, timeout=120) -> bytes | None:
    """PDF through LibreOffice (`soffice --headless --convert-to pdf`); None when it is not installed."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        return None
    with tempfile.TemporaryDirectory(prefix="shian-pdf-") as tmp:
        src = os.path.join(tmp, "document.docx")
        with open(src, "wb") as fh:
            fh.write(data)
        profile = f"file://{tmp}/profile"  # private profile: parallel conversions don't lock each other
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation={profile}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                tmp,
                src,
            ],
            check=True,
            capture_output=True,
            timeout=timeout,
        )
        with open(os.path.join(tmp, "document.pdf"), "rb") as fh:
            return fh.read()
