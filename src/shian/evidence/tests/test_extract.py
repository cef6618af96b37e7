import datetime

import pytest

from shian.core.filetypes import detect_kind, sanitize_name
from shian.evidence.extract import Unreadable, detect_document_date, extract_text, ocr_available, tokens
from shian.evidence.tests.factories import KAOHE, docx_bytes, pdf_bytes, soffice_convert, xlsx_bytes


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_it_reads_a_docx(tmp_path):
    text = extract_text(write(tmp_path, "a.docx", docx_bytes(*KAOHE)), "docx")
    assert text.splitlines() == list(KAOHE)


def test_it_reads_an_xlsx(tmp_path):
    rows = [["乡镇", "抽检批次", "合格率"], ["城关镇", 312, "98.7%"], ["青石镇", 145, "99.3%"]]
    text = extract_text(write(tmp_path, "a.xlsx", xlsx_bytes(rows)), "xlsx")
    assert text.splitlines() == ["抽检汇总", "乡镇 抽检批次 合格率", "城关镇 312 98.7%", "青石镇 145 99.3%"]


def test_it_reads_a_pdf_made_by_libreoffice(tmp_path):
    pdf = soffice_convert(tmp_path, KAOHE, "pdf")
    assert pdf.startswith(b"%PDF")
    text = extract_text(write(tmp_path, "a.pdf", pdf), "pdf")
    flat = "".join(text.split())
    assert "安澜县党政领导干部食品安全工作责任考核办法" in flat
    assert "考核权重不低于3%" in flat
    assert detect_document_date(text) == datetime.date(2025, 3, 12)


@pytest.mark.skipif(not ocr_available(), reason="tesseract 未安装")
def test_it_reads_chinese_text_from_an_image(tmp_path):
    png = soffice_convert(tmp_path, ["食品安全示范县创建工作方案"], "png")
    assert png.startswith(b"\x89PNG")
    text = extract_text(write(tmp_path, "a.png", png), "png")
    assert "食品安全" in text


def test_a_broken_file_is_unreadable(tmp_path):
    with pytest.raises(Unreadable):
        extract_text(write(tmp_path, "a.docx", b"PK\x03\x04 broken"), "docx")


def test_old_word_files_have_no_extractor(tmp_path):
    assert extract_text(write(tmp_path, "a.doc", b"\xd0\xcf\x11\xe0"), "doc") is None


def test_kinds_come_from_the_bytes(tmp_path):
    import io
    import zipfile

    def kind(name, data):
        return detect_kind(io.BytesIO(data), name, len(data))

    assert kind("x.bin", pdf_bytes()) == "pdf"
    assert kind("x.zip", docx_bytes("a")) == "docx"
    assert kind("x.zip", xlsx_bytes([["a"]])) == "xlsx"
    assert kind("x", b"\xff\xd8\xff\xe0JFIF") == "jpg"
    assert kind("x", b"\x89PNG\r\n\x1a\n....") == "png"
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100 + "WordDocument".encode("utf-16-le")
    assert kind("x", ole) == "doc"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("a.pdf", pdf_bytes())
        zf.writestr("b.docx", docx_bytes("b"))
    assert kind("材料.zip", buf.getvalue()) == "zip"
    bad = io.BytesIO()
    with zipfile.ZipFile(bad, "w") as zf:
        zf.writestr("index.html", "<html><script></script></html>")
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        kind("材料.zip", bad.getvalue())
    assert "压缩包“材料.zip”中的“index.html”类型不受支持" in str(exc.value)
    with pytest.raises(ValidationError):
        kind("x.svg", b"<svg onload=alert(1)>")
    nested = io.BytesIO()
    with zipfile.ZipFile(nested, "w") as zf:
        zf.writestr("a.pdf", pdf_bytes())
        zf.writestr("内层.docx", bad.getvalue())  # an archive named like a Word file
    with pytest.raises(ValidationError) as exc:
        kind("材料.zip", nested.getvalue())
    assert str(exc.value) == "['压缩包“材料.zip”中的“内层.docx”是压缩包，不能嵌套压缩包']"


def test_names_are_sanitised():
    assert sanitize_name("C:\\Users\\a\\报告.pdf") == "报告.pdf"
    assert sanitize_name("../../etc/passwd") == "passwd"
    assert sanitize_name("a\x00b|c?.docx") == "a_b_c_.docx"
    assert sanitize_name("...") == "未命名"
    assert len(sanitize_name("长" * 300 + ".pdf")) == 120


def test_dates_are_read_from_chinese_documents():
    assert detect_document_date("印发日期 2024年1月5日 …… 安澜县食安办 2024年12月30日") == datetime.date(
        2024, 12, 30
    )
    assert detect_document_date("二〇二五年十月二十一日") == datetime.date(2025, 10, 21)
    assert detect_document_date("没有日期") is None
    assert detect_document_date("2025年2月30日") is None


def test_tokens_drop_punctuation_and_stop_words():
    assert tokens("关于开展学校食堂食品安全检查的通知。") == ["学校食堂", "食品", "安全检查"]
