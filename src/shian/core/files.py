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
    field_file.open("rb")
    response = FileResponse(field_file, content_type=content_type)
    disposition = attachment_header(filename)
    response["Content-Disposition"] = disposition.replace("attachment", "inline", 1) if inline else disposition
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
