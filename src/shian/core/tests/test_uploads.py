"""The upload gate: probes from issue 10 reproduced, then refused with a Chinese message."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from shian.core.uploads import GatedFileField, check_upload


def _docx_bomb(inflated_mb=60) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr(
            "word/document.xml", b"<w:document>" + b" " * (inflated_mb * 1024 * 1024) + b"</w:document>"
        )
    return buf.getvalue()


def _real_docx() -> bytes:
    import docx

    buf = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("整改情况说明" * 50)
    document.save(buf)
    return buf.getvalue()


def test_docx_that_inflates_to_60_mb_is_refused_before_parsing():
    data = _docx_bomb()
    assert len(data) < 200 * 1024
    with pytest.raises(ValidationError, match="压缩炸弹"):
        check_upload(SimpleUploadedFile("报告.docx", data), "evidence")


def test_evidence_service_refuses_the_docx_bomb_too():
    from shian.evidence.services import inspect_upload

    with pytest.raises(ValidationError, match="压缩炸弹"):
        inspect_upload(SimpleUploadedFile("报告.docx", _docx_bomb()))


def test_real_docx_passes():
    assert check_upload(SimpleUploadedFile("整改报告.docx", _real_docx()), "rectification") == "整改报告.docx"


@pytest.mark.parametrize(
    "name, content",
    [
        ("page.html", b"<html><script>alert(1)</script></html>"),
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
        ("setup.exe", b"MZ\x90\x00" + b"\x00" * 100),
        ("disguised.pdf", b"MZ\x90\x00" + b"\x00" * 100),
    ],
)
def test_rectification_evidence_refuses_active_content(name, content):
    with pytest.raises(ValidationError) as exc:
        check_upload(SimpleUploadedFile(name, content), "rectification")
    assert name in exc.value.messages[0]


def test_size_cap_per_use(settings):
    settings.SHIAN_MAX_EVIDENCE_FILE_MB = 1
    big = SimpleUploadedFile("大图.jpg", b"\xff\xd8\xff" + b"\x00" * (1024 * 1024 + 10))
    with pytest.raises(ValidationError, match="超过整改佐证上限 1MB"):
        check_upload(big, "rectification")


def test_import_size_cap(settings):
    settings.SHIAN_MAX_IMPORT_MB = 1
    csv = SimpleUploadedFile("台账.csv", ("名称,日期\n" + "某某餐馆,2026-01-01\n" * 70000).encode())
    with pytest.raises(ValidationError, match="超过导入文件上限"):
        check_upload(csv, "import")


def test_long_chinese_name_gets_a_chinese_message():
    name = "关于" + "食品安全示范创建工作" * 30 + ".pdf"
    with pytest.raises(ValidationError, match="文件名过长"):
        check_upload(SimpleUploadedFile(name, b"%PDF-1.4\n"), "rectification")


def test_names_are_sanitised():
    assert (
        check_upload(SimpleUploadedFile("..\\..\\etc/pass<wd>.pdf", b"%PDF-1.4\n"), "rectification")
        == "pass_wd_.pdf"
    )


def test_import_refuses_a_pdf_renamed_xlsx():
    with pytest.raises(ValidationError, match="只接受"):
        check_upload(SimpleUploadedFile("台账.xlsx", b"%PDF-1.4\n"), "import")


def test_gated_field_on_forms():
    field = GatedFileField(use="rectification")
    with pytest.raises(ValidationError):
        field.clean(SimpleUploadedFile("x.html", b"<html></html>"))


def test_api_multipart_error_is_chinese(cast, api):
    from rest_framework.exceptions import ParseError

    from shian.core.api import exception_handler

    response = exception_handler(ParseError("Multipart form parse error - Invalid boundary"), {})
    assert response.status_code == 400 and "文件名过长" in response.data["detail"]


def test_rectification_page_refuses_html_evidence(cast, login):
    from shian.rectification.forms import ImportForm

    assert isinstance(ImportForm.base_fields["file"], GatedFileField)


def _multipart_with_name(name):
    boundary = "shianBoundary"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\n'
        f"Content-Type: application/vnd.openxmlformats-officedocument.wordprocessingml.document\r\n\r\n"
        f"PK\r\n--{boundary}--\r\n"
    ).encode()
    return body, f"multipart/form-data; boundary={boundary}"


def test_300_character_chinese_name_gets_a_chinese_message_from_api_and_page(cast, api, login):
    """A browser sends the whole name in the part header; past 1 KB Django refuses to parse the body."""
    body, content_type = _multipart_with_name("关于" + "食品安全示范创建工作" * 30 + ".docx")
    response = api(cast.edu_liaison).generic(
        "POST", "/api/evidence/materials/", body, content_type=content_type
    )
    assert response.status_code == 400 and "文件名过长" in response.json()["detail"]
    page = login(cast.edu_liaison).generic("POST", "/evidence/upload/", body, content_type=content_type)
    assert page.status_code == 400 and "文件名过长" in page.content.decode()
