"""The inspector's pages: today's list, the visit on a phone (offline draft, sync), the result."""

import json

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views import View

from shian.core.views import ObjectListView, get_object_for_user
from shian.inspections import services
from shian.inspections.choices import Result
from shian.inspections.filtersets import VisitFilterSet
from shian.inspections.models import Visit, VisitPhoto
from shian.inspections.tables import VisitTable

VISIT_RELATED = ("business__category", "business__region", "plan__campaign__region", "checklist", "inspector")


class MyVisitsView(ObjectListView):
    """Visits assigned to me (an inspector sees only these)."""

    model = Visit
    filterset_class = VisitFilterSet
    table_class = VisitTable
    title = "我的检查"
    template_name = "inspections/my_visits.html"

    def base_queryset(self):
        return Visit.objects.filter(inspector=self.request.user).select_related(
            "business__category", "business__region", "plan", "inspector"
        )

    def get_table_kwargs(self):
        return {"exclude": ("inspector", "plan")}  # they are mine; the phone has no room for them

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        today = timezone.localdate()
        ctx["today"] = (
            self.base_queryset()
            .restrict(self.request.user)
            .exclude(status="submitted")
            .filter(Q(scheduled_on__isnull=True) | Q(scheduled_on__lte=today))
            .order_by("scheduled_on", "id")[:50]
        )
        return ctx


class VisitDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        visit = get_object_for_user(
            Visit, request.user, pk, queryset=Visit.objects.select_related(*VISIT_RELATED)
        )
        answers = {a.item_id: a for a in visit.answers.select_related("problem")}
        photos = {}
        for p in visit.photos.all():
            photos.setdefault(p.item_id, []).append(p)
        rows = [(i, answers.get(i.pk), photos.get(i.pk, [])) for i in visit.checklist.items.all()]
        is_office = services.is_office_for(visit.plan, request.user)
        fails = [a for a in answers.values() if a.result == Result.FAIL]
        return render(
            request,
            "inspections/visit_detail.html",
            {
                "object": visit,
                "title": str(visit),
                "rows": rows,
                "is_office": is_office,
                "fails": fails,
                "open_fails": [a for a in fails if a.problem_id is None],
                "may_fill": not visit.is_submitted and (request.user.pk == visit.inspector_id or is_office),
                "reinspections": visit.reinspections.all(),
                "extra_photos": photos.get(None, []),
            },
        )


class VisitFillView(LoginRequiredMixin, View):
    """The phone page. Works offline once loaded: the draft lives in localStorage (visit.js)."""

    def get(self, request, pk):
        visit = get_object_for_user(
            Visit, request.user, pk, "change", queryset=Visit.objects.select_related(*VISIT_RELATED)
        )
        if visit.is_submitted:
            return redirect(visit.get_absolute_url())
        if request.user.pk != visit.inspector_id and not services.is_office_for(visit.plan, request.user):
            raise Http404
        answers = {a.item_id: a for a in visit.answers.all()}
        photos = {}
        for p in visit.photos.all():
            photos.setdefault(p.item_id, []).append(p)
        items = [(i, answers.get(i.pk), photos.get(i.pk, [])) for i in visit.checklist.items.all()]
        return render(
            request,
            "inspections/visit_fill.html",
            {
                "object": visit,
                "title": visit.business.name,
                "items": items,
                "results": Result.choices,
                "answered": len(answers),
            },
        )


class VisitSyncView(LoginRequiredMixin, View):
    """POST JSON from visit.js: save the draft; with "submit": true, check and submit."""

    def post(self, request, pk):
        visit = get_object_for_user(Visit, request.user, pk, "change")
        try:
            data = json.loads(request.body or b"{}")
        except ValueError:
            return JsonResponse({"errors": ["数据格式错误"]}, status=400)
        if not isinstance(data, dict):
            return JsonResponse({"errors": ["数据格式错误"]}, status=400)
        try:
            visit = services.save_visit(visit, actor=request.user, data=data, submit=bool(data.get("submit")))
        except ValidationError as exc:
            return JsonResponse({"errors": exc.messages}, status=400)
        except PermissionDenied as exc:
            return JsonResponse({"errors": [str(exc)]}, status=403)
        return JsonResponse(
            {
                "ok": True,
                "status": visit.status,
                "status_label": visit.get_status_display(),
                "score": str(visit.score) if visit.score is not None else None,
                "photos": list(visit.photos.values_list("client_id", flat=True)),
                "url": visit.get_absolute_url(),
            }
        )


class VisitActionView(LoginRequiredMixin, View):
    """problems (findings → rectification), reinspect (回头看), close (据回头看销号): office only."""

    def post(self, request, pk, action):
        visit = get_object_for_user(
            Visit,
            request.user,
            pk,
            "change",
            queryset=Visit.objects.select_related("plan__campaign__region", "business"),
        )
        try:
            if action == "problems":
                made = services.problems_from_visit(visit, actor=request.user)
                messages.success(request, f"已生成整改问题{len(made)}个")
            elif action == "reinspect":
                again = services.start_reinspection(visit, actor=request.user)
                messages.success(request, "已安排回头看检查")
                return redirect(again.get_absolute_url())
            elif action == "close":
                closed = services.close_problems_by_reinspection(visit, actor=request.user)
                messages.success(request, f"回头看复查符合，已销号{len(closed)}个问题")
            else:
                raise Http404
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        return redirect(visit.get_absolute_url())


class PhotoView(LoginRequiredMixin, View):
    def get(self, request, pk):
        from shian.core.files import file_response

        photo = VisitPhoto.objects.filter(pk=pk, visit__in=Visit.objects.restrict(request.user)).first()
        if photo is None:
            raise Http404
        return file_response(photo.file, photo.file.name.rsplit("/", 1)[-1], inline=True)


class SignatureView(LoginRequiredMixin, View):
    def get(self, request, pk):
        from shian.core.files import file_response

        visit = get_object_for_user(Visit, request.user, pk)
        if not visit.signature:
            raise Http404
        return file_response(visit.signature, visit.signature.name.rsplit("/", 1)[-1], inline=True)
