"""Distribution: QR codes (PNG) of public links, a printable A4 poster per link, and one-time code cards.

All behind login and the survey's scope. The poster and the cards are HTML pages with a print style
sheet (A4, `@page`), not PDF: the browser's print dialog gives a PDF or paper, Chinese text uses the
system's fonts, and nothing new is needed on the server. The QR images are PNG (qrcode + Pillow),
embedded as data: URIs (allowed by the CSP) so a card sheet is one request.
"""

from __future__ import annotations

import base64
import io

import qrcode
from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponse
from django.shortcuts import render
from django.views import View
from qrcode.constants import ERROR_CORRECT_M

from shian.core.views import get_object_for_user
from shian.surveys.models import CodeBatch, Link

MAX_CARDS = 1000  # one print job; larger batches print in pages of ?page=


def public_url(link: Link, code: str = "") -> str:
    """The absolute address printed on posters and cards (SHIAN_SITE_URL, the site's public address)."""
    url = settings.SHIAN_SITE_URL.rstrip("/") + link.get_public_url()
    return f"{url}?code={code}" if code else url


def qr_png(text: str, box_size: int = 10) -> bytes:
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=box_size, border=2)
    qr.add_data(text)
    qr.make(fit=True)
    out = io.BytesIO()
    qr.make_image(fill_color="black", back_color="white").save(out, format="PNG")
    return out.getvalue()


def qr_data_uri(text: str, box_size: int = 6) -> str:
    return "data:image/png;base64," + base64.b64encode(qr_png(text, box_size)).decode()


def _link(user, pk):
    return get_object_for_user(
        Link, user, pk, queryset=Link.objects.select_related("survey__campaign", "township", "unit")
    )


class LinkQrView(LoginRequiredMixin, View):
    def get(self, request, pk):
        link = _link(request.user, pk)
        response = HttpResponse(qr_png(public_url(link)), content_type="image/png")
        response["Content-Disposition"] = f'inline; filename="survey-{link.pk}-qr.png"'
        response["X-Content-Type-Options"] = "nosniff"
        if request.GET.get("download"):
            response["Content-Disposition"] = f'attachment; filename="survey-{link.pk}-qr.png"'
        return response


class LinkPosterView(LoginRequiredMixin, View):
    def get(self, request, pk):
        link = _link(request.user, pk)
        url = public_url(link)
        return render(
            request,
            "surveys/poster.html",
            {
                "link": link,
                "survey": link.survey,
                "url": url,
                "qr": qr_data_uri(url, 12),
                "title": "宣传海报",
            },
        )


class CodeCardsView(LoginRequiredMixin, View):
    def get(self, request, pk):
        batch = get_object_for_user(
            CodeBatch, request.user, pk, queryset=CodeBatch.objects.select_related("survey", "link")
        )
        try:
            page = max(1, int(request.GET.get("page", 1)))
        except ValueError:
            page = 1
        codes = list(
            batch.codes.order_by("id").values_list("code", "used")[(page - 1) * MAX_CARDS : page * MAX_CARDS]
        )
        cards = [
            {"code": code, "used": used, "qr": qr_data_uri(public_url(batch.link, code), 4)}
            for code, used in codes
        ]
        pages = (batch.size + MAX_CARDS - 1) // MAX_CARDS
        return render(
            request,
            "surveys/code_cards.html",
            {
                "batch": batch,
                "survey": batch.survey,
                "cards": cards,
                "url": public_url(batch.link),
                "page": page,
                "pages": range(1, pages + 1) if pages > 1 else [],
                "title": f"{batch.name}·答题卡",
            },
        )
