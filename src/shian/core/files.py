"""Serving stored files safely: always as attachments, never sniffed or rendered inline."""

import mimetypes

from django.http import FileResponse

from shian.core.exports import attachment_header

# Types a browser may show inline without running anything; everything else is downloaded.
INLINE_SAFE = {"application/pdf", "image/png", "image/jpeg"}


def file_response(field_file, filename: str, inline: bool = False):
    content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    if not (inline and content_type in INLINE_SAFE):
        inline = False
        content_type = content_type if content_type in INLINE_SAFE else "application/octet-stream"
    _audit_download(field_file, filename)
    field_file.open("rb")
    response = FileResponse(field_file, content_type=content_type)
    disposition = attachment_header(filename)
    response["Content-Disposition"] = (
        disposition.replace("attachment", "inline", 1) if inline else disposition
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def _audit_download(field_file, filename: str):
    """Each download of a stored file (evidence, rectification evidence, reports, job results) is audited."""
    from shian.core.audit import current_actor, log_security_event

    instance = getattr(field_file, "instance", None)
    actor = current_actor()
    if instance is None or instance.pk is None or actor is None:
        return
    log_security_event(
        "file_downloaded", target=instance, note=f"下载文件“{filename}”"[:300], data={"file": field_file.name}
    )
