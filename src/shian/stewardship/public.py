"""The village cadre's phone pages without login, reached by the signed, expiring link of a message.

The token names one cadre (core.signing, salted, LINK_DAYS valid; a changed phone number retires it).
It opens that cadre's businesses and the visit form for them — nothing else of the system.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

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
