"""Real files made in the test: DOCX (python-docx), XLSX (xlsxwriter), PDF and PNG (LibreOffice)."""

import datetime
import functools
import io
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile


@functools.lru_cache(maxsize=256)
def docx_bytes(*paragraphs: str) -> bytes:
    """A Word file with these paragraphs; cached so the same paragraphs give the same bytes (the
    ZIP inside a .docx carries the time it was written)."""
    import docx

    document = docx.Document()
    # Fixed timestamps: the same paragraphs give the same bytes (and content hash).
    document.core_properties.created = document.core_properties.modified = datetime.datetime(2025, 1, 1)
    for p in paragraphs:
        document.add_paragraph(p)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def xlsx_bytes(rows) -> bytes:
    import xlsxwriter

    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    sheet = book.add_worksheet("抽检汇总")
    for r, row in enumerate(rows):
        sheet.write_row(r, 0, row)
    book.close()
    return buf.getvalue()


def pdf_bytes(text: str = "PDF") -> bytes:
    """A valid blank one-page PDF (no text layer); `text` goes into its metadata."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.add_metadata({"/Title": text})
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def soffice_convert(tmp_path: Path, paragraphs, fmt: str) -> bytes:
    soffice = shutil.which("soffice")
    if not soffice:
        pytest.skip("LibreOffice (soffice) 未安装")
    if fmt == "png":
        # LibreOffice here cannot export Writer pages to PNG; render its PDF with poppler instead.
        if not shutil.which("pdftoppm"):
            pytest.skip("pdftoppm 未安装")
        (tmp_path / "page.pdf").write_bytes(soffice_convert(tmp_path, paragraphs, "pdf"))
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "200",
                "-singlefile",
                str(tmp_path / "page.pdf"),
                str(tmp_path / "page"),
            ],
            check=True,
            capture_output=True,
            timeout=60,
        )
        return (tmp_path / "page.png").read_bytes()
    src = tmp_path / "source.docx"
    src.write_bytes(docx_bytes(*paragraphs))
    profile = tmp_path / "lo-profile"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            fmt,
            "--outdir",
            str(tmp_path),
            str(src),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return (tmp_path / f"source.{fmt}").read_bytes()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


KAOHE = (
    "安澜县党政领导干部食品安全工作责任考核办法",
    "食品安全工作纳入党政领导干部政绩考核，考核权重不低于3%。",
    "县委组织部负责考核结果运用。",
    "2025年3月12日",
)
SHITANG = (
    "学校食堂食品安全管理责任清单",
    "各中小学校长为学校食堂食品安全第一责任人，落实校长陪餐制度。",
    "县教育局 2025年4月1日",
)
CHOUJIAN = (
    "2025年食品安全抽检计划",
    "全县食品抽检量达到每年4批次/千人，抽检结果按季度公开通报。",
    "县市场监管局 2025年2月20日",
)
