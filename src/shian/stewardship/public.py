"""The village cadre's phone pages without login, reached by the signed, expiring link of a message.

The token names one cadre (core.signing, salted, LINK_DAYS valid; a changed phone number retires it).
It opens that cadre's businesses and the visit form for them, and the cadre's own 三张清单一承诺书 (download
to print, upload the signed scan) — nothing else of the system.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from shian.core.public import PublicView
from shian.registry.models import Business
from shian.stewardship import services
from shian.stewardship.fieldwork import _messages, form_context, round_context, visit_fields

BASE = "stewardship/public_base.html"


class CadreLinkMixin:
    throttle_scope = "baobao"
    post_rate = (20, 60)

    def get_cadre(self, token):
        cadre = services.cadre_from_token(token)
        if cadre is None:
            raise Http404("链接无效或已过期，请联系创建办重新发送")
        return cadre

    def get_business(self, cadre, business_id):
        business = (
            Business.objects.filter(pk=business_id, bindings__cadre=cadre, bindings__is_active=True)
            .select_related("region", "category")
            .first()
        )
        if business is None:
            raise Http404
        return business


class PublicRoundView(CadreLinkMixin, PublicView):
    def get(self, request, token):
        cadre = self.get_cadre(token)
        ctx = round_context(cadre, BASE, "public") | {"token": token, "done": request.GET.get("done")}
        return render(request, "stewardship/round.html", ctx)


class PublicVisitView(CadreLinkMixin, PublicView):
    template = "stewardship/visit_form.html"

    def get(self, request, token, business):
        cadre = self.get_cadre(token)
        business = self.get_business(cadre, business)
        return render(request, self.template, form_context(cadre, business, BASE) | {"token": token})

    def post(self, request, token, business):
        cadre = self.get_cadre(token)
        business = self.get_business(cadre, business)
        try:
            services.record_visit(cadre, business, actor=None, via_link=True, **visit_fields(request))
        except ValidationError as exc:
            ctx = form_context(cadre, business, BASE, posted=request.POST, errors=_messages(exc))
            return render(request, self.template, ctx | {"token": token}, status=400)
        except PermissionDenied as exc:
            raise Http404 from exc
        return redirect(reverse("stewardship_public:round", args=[token]) + f"?done={business.pk}")


class PublicCommitmentView(CadreLinkMixin, PublicView):
    """The cadre's 三张清单一承诺书 of this year: the Word file to print and sign, and the upload of the
    signed photo or scan, which then counts as signed in the coverage figures."""

    template = "stewardship/public_commitment.html"
    post_rate = (10, 60)

    def context(self, cadre, token, **extra):
        year = timezone.localdate().year
        commitment = cadre.commitments.filter(year=year).first()
        return {
            "cadre": cadre,
            "token": token,
            "year": year,
            "commitment": commitment,
            "base_template": BASE,
        } | extra

    def get(self, request, token):
        cadre = self.get_cadre(token)
        return render(request, self.template, self.context(cadre, token, done=request.GET.get("done")))

    def post(self, request, token):
        cadre = self.get_cadre(token)
        upload = request.FILES.get("signed_scan")
        try:
            if upload is None:
                raise ValidationError({"signed_scan": "请选择签字后的照片或扫描件"})
            services.upload_signed(cadre, timezone.localdate().year, upload, actor=None, via_link=True)
        except ValidationError as exc:
            ctx = self.context(cadre, token, errors=exc.messages)
            return render(request, self.template, ctx, status=400)
        return redirect(reverse("stewardship_public:commitment", args=[token]) + "?done=1")


class PublicCommitmentDocxView(CadreLinkMixin, PublicView):
    def get(self, request, token):
        from shian.core.exports import attachment_header
        from shian.stewardship import docs

        cadre = self.get_cadre(token)
        year = timezone.localdate().year
        response = HttpResponse(
            docs.commitment_docx(cadre, year),
            content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )
        response["Content-Disposition"] = attachment_header(f"{cadre.name}{year}年三张清单一承诺书.docx")
        return response
