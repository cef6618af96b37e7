"""Request helpers shared by the 包保 pages and the API: the year and quarter asked for, the region whose
figures the user sees, and a generated document as a download (.docx, or PDF through LibreOffice)."""

from django.http import Http404, HttpResponse
from django.utils import timezone

from shian.core.exports import attachment_header, audit_export

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def request_year(request) -> int:
    raw = request.GET.get("year") or request.POST.get("year") or ""
    return int(raw) if raw.isdigit() and 2000 < int(raw) < 2100 else timezone.localdate().year


def document_response(request, data: bytes, name: str):
    """A generated .docx as a download, or its PDF (?format=pdf, through LibreOffice); audited as an export."""
    if request.GET.get("format") == "pdf":
        from shian.core.gbt9704 import docx_to_pdf

        pdf = docx_to_pdf(data)
        if pdf is None:
            raise Http404("服务器未安装 LibreOffice，请下载 Word 版本")
        data, filename, content_type = pdf, f"{name}.pdf", "application/pdf"
    else:
        filename, content_type = f"{name}.docx", DOCX
    audit_export(filename)
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = attachment_header(filename)
    return response


def user_region(user):
    """The region whose figures a page shows for `user`: their scope, their unit's, or the campaign's."""
    if user.region_scope is not None:
        return user.region_scope
    if user.unit_id:
        return user.unit.region
    from shian.campaigns.services import current_campaign

    campaign = current_campaign(user)
    return campaign.region if campaign else None


def quarter_of(request) -> tuple[int, int]:
    today = timezone.localdate()
    year = request_year(request)
    raw = request.GET.get("quarter") or ""
    quarter = int(raw) if raw in ("1", "2", "3", "4") else (today.month - 1) // 3 + 1
    return year, quarter
