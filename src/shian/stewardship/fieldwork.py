"""The phone pages of a 督导 round: the cadre's businesses by what is due, the 五步法 visit form.

The same pages serve a signed-in cadre (or the office acting for one) and — through `public.py` — a
village cadre without a login who opened the signed link of their message. Both reach only the
businesses the cadre is bound to.
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from shian.core.files import file_response
from shian.core.views import get_object_for_user
from shian.registry.models import Business
from shian.stewardship import services
from shian.stewardship.choices import DutyKind, FindingStatus, VisitStep
from shian.stewardship.models import Cadre, StewardVisit, StewardVisitPhoto

CHECK_STEPS = (VisitStep.LOOK, VisitStep.CHECK, VisitStep.ASK)


def _decimal(raw, low, high):
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        return None
    return value.quantize(Decimal("0.000001")) if low <= value <= high else None


def visit_fields(request) -> dict:
    """The keyword arguments of services.record_visit from the posted form."""
    post = request.POST
    try:
        visited_on = datetime.date.fromisoformat(post.get("visited_on") or "")
    except ValueError:
        visited_on = timezone.localdate()
    photos = [(step, f) for step in VisitStep.values for f in request.FILES.getlist(f"photos{step}")]
    return {
        "visited_on": visited_on,
        "results": {s: post.get(f"result{s}", "pass") != "fail" for s in CHECK_STEPS},
        "notes": {s: post.get(f"note{s}", "") for s in CHECK_STEPS},
        "problems": post.get("problems", ""),
        "feedback": post.get("feedback", ""),
        "feedback_to": post.get("feedback_to", ""),
        "follow_ups": {k.split("-", 1)[1]: v for k, v in post.items() if k.startswith("followup-") and v},
        "photos": photos,
        "duty_seen": tuple(post.getlist("duty")),
        "latitude": _decimal(post.get("latitude"), -90, 90),
        "longitude": _decimal(post.get("longitude"), -180, 180),
    }


def round_context(cadre, base, links) -> dict:
    return {
        "title": f"{cadre.name}的包保主体",
        "cadre": cadre,
        "rule": services.rules().get(cadre.level),
        "rows": services.due_rows(cadre),
        "base_template": base,
        "visit_url": links,
    }


def form_context(cadre, business, base, *, posted=None, errors=()) -> dict:
    return {
        "title": f"督导：{business.name}",
        "cadre": cadre,
        "business": business,
        "base_template": base,
        "steps": [(s, label, s in CHECK_STEPS) for s, label in VisitStep.choices],
        "earlier": list(services.open_findings(business)),
        "today": timezone.localdate().isoformat(),
        "posted": posted,
        "errors": errors,
        "statuses": [(FindingStatus.FIXED, "已整改"), (FindingStatus.NOT_FIXED, "未整改")],
        "duty_kinds": DutyKind.choices if business.safety_director else [],
    }


def _messages(exc: ValidationError) -> list[str]:
    return list(exc.messages)


class CadreMixin(LoginRequiredMixin):
    def get_cadre(self, request, pk):
        cadre = Cadre.objects.filter(pk=pk, is_active=True).select_related("region").first()
        if cadre is None or not services.cadre_may_visit(cadre, request.user):
            raise Http404
        return cadre


class MyRoundView(LoginRequiredMixin, View):
    """The signed-in cadre's own round."""

    def get(self, request):
        cadre = Cadre.objects.filter(user=request.user, is_active=True).first()
        if cadre is None:
            raise Http404("您不是包保干部")
        return redirect("stewardship:round", cadre.pk)


class RoundView(CadreMixin, View):
    def get(self, request, pk):
        cadre = self.get_cadre(request, pk)
        ctx = round_context(cadre, "core/base.html", "login")
        return render(request, "stewardship/round.html", ctx)


class VisitFormView(CadreMixin, View):
    template = "stewardship/visit_form.html"

    def get_business(self, cadre, business_id):
        business = (
            Business.objects.filter(pk=business_id, bindings__cadre=cadre, bindings__is_active=True)
            .select_related("region", "category")
            .first()
        )
        if business is None:
            raise Http404
        return business

    def get(self, request, pk, business):
        cadre = self.get_cadre(request, pk)
        business = self.get_business(cadre, business)
        return render(request, self.template, form_context(cadre, business, "core/base.html"))

    def post(self, request, pk, business):
        cadre = self.get_cadre(request, pk)
        business = self.get_business(cadre, business)
        try:
            visit = services.record_visit(cadre, business, actor=request.user, **visit_fields(request))
        except ValidationError as exc:
            ctx = form_context(cadre, business, "core/base.html", posted=request.POST, errors=_messages(exc))
            return render(request, self.template, ctx, status=400)
        except PermissionDenied as exc:
            raise Http404 from exc
        messages.success(request, f"已记录{business.name}的督导，发现问题{visit.findings.count()}个")
        return redirect("stewardship:round", cadre.pk)


class VisitDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        visit = get_object_for_user(
            StewardVisit,
            request.user,
            pk,
            queryset=StewardVisit.objects.select_related("cadre", "business__region", "business__category"),
        )
        campaign = services._campaign_for(visit.business)
        from shian.core import policy

        ctx = {
            "title": f"督导记录：{visit.business.name}",
            "visit": visit,
            "findings": list(visit.findings.select_related("problem", "checked_in")),
            "followed": list(visit.followed_up.select_related("visit")),
            "photos": list(visit.photos.all()),
            "can_convert": campaign is not None and policy.manages(request.user, campaign),
        }
        return render(request, "stewardship/visit_detail.html", ctx)

    def post(self, request, pk):
        visit = get_object_for_user(StewardVisit, request.user, pk)
        try:
            created = services.findings_to_problems(visit, actor=request.user)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, f"已生成整改问题{len(created)}个")
        return redirect(reverse("stewardship:visit_detail", args=[visit.pk]))


class PhotoView(LoginRequiredMixin, View):
    def get(self, request, pk):
        photo = get_object_or_404(StewardVisitPhoto.objects.restrict(request.user), pk=pk)
        return file_response(photo.file, photo.file.name.rsplit("/", 1)[-1], inline=True)
