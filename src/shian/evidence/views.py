"""Pages of the evidence app: lists, upload, material detail with versions and review, the
reviewer's queue, the completeness matrix, full-text search, requirements and the archive export."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views import View

from shian.campaigns import services as campaigns_services
from shian.campaigns.models import Campaign
from shian.core.exports import attachment_header
from shian.core.files import file_response
from shian.core.pagecache import CachedPageMixin
from shian.core.services import ConcurrentEditError
from shian.core.views import ObjectListView, get_object_for_user
from shian.evidence import services
from shian.evidence.choices import COVERAGE_CSS, MaterialStatus
from shian.evidence.filtersets import MaterialFilterSet
from shian.evidence.forms import ArchiveForm, MaterialEditForm, ReviewForm, UploadForm, VersionForm
from shian.evidence.models import Material, MaterialFile
from shian.evidence.tables import MaterialTable, QueueTable

# Archives up to this size stream straight to the browser; larger ones run as a background job.
STREAM_LIMIT_BYTES = 200 * 1024 * 1024


def current_campaign(request):
    """The campaign chosen by ?campaign=, else the user's current one; 404 outside scope."""
    value = request.GET.get("campaign") or request.POST.get("campaign")
    campaign = campaigns_services.current_campaign(request.user, value or None)
    if campaign is None:
        raise Http404("没有可访问的创建项目")
    return campaign


def _errors(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [m for msgs in exc.message_dict.values() for m in msgs]
    return exc.messages


class MaterialListView(ObjectListView):
    model = Material
    filterset_class = MaterialFilterSet
    table_class = MaterialTable
    title = "佐证材料"
    export_name = "佐证材料"
    extra_actions = (
        ("审核队列", "evidence:queue"),
        ("完整性矩阵", "evidence:matrix"),
        ("全文检索", "evidence:search"),
        ("材料清单", "evidence:requirement_list"),
        ("迎检资料包", "evidence:archive"),
    )

    def base_queryset(self):
        qs = Material.objects.with_related()
        requirement = self.request.GET.get("requirement", "")
        if requirement.isdigit():  # drill-down from the matrix / 材料清单 (kept in the xlsx export too)
            qs = qs.filter(requirement_id=int(requirement))
        return qs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        if not user.is_read_only:
            ctx["create_url_name"] = "evidence:upload"
        if not (user.is_office and not user.is_read_only):  # the review queue is the office's only
            ctx["extra_actions"] = [a for a in ctx.get("extra_actions", ()) if a[1] != "evidence:queue"]
        return ctx

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs["request"] = self.request
        return kwargs


class QueueView(MaterialListView):
    """What waits for review, oldest first (创建办)."""

    table_class = QueueTable
    title = "审核队列"
    export_name = "待审核材料"
    action = "change"
    extra_actions = (("全部材料", "evidence:material_list"), ("完整性矩阵", "evidence:matrix"))

    def base_queryset(self):
        return (
            Material.objects.with_related()
            .filter(status=MaterialStatus.PENDING)
            .order_by("submitted_at", "id")
        )

    def get_queryset(self):
        if not self.request.user.is_office:
            raise PermissionDenied("只有创建办可以审核材料")
        return super().get_queryset()

    def get_table_kwargs(self):
        return {"order_by": self.request.GET.get("sort") or "submitted_at"}


class UploadView(LoginRequiredMixin, View):
    template_name = "evidence/upload.html"

    def get(self, request):
        if request.user.is_read_only:
            raise PermissionDenied("只读账号不能上传材料")
        campaign = current_campaign(request)
        initial = {"campaign": campaign.pk, "requirement": request.GET.get("requirement")}
        form = UploadForm(initial=initial, user=request.user, campaign=campaign)
        return render(request, self.template_name, {"form": form, "title": "上传材料", "campaign": campaign})

    def post(self, request):
        campaign = current_campaign(request)
        wants_json = request.headers.get("Accept", "").startswith("application/json")
        form = UploadForm(request.POST, request.FILES, user=request.user, campaign=campaign)
        errors = []
        if form.is_valid():
            data = form.cleaned_data
            try:
                created = services.upload_materials(
                    data["campaign"],
                    data["files"],
                    actor=request.user,
                    requirement=data["requirement"],
                    unit=data.get("unit"),
                    title=data["title"],
                    doc_date=data["doc_date"],
                    issuer=data["issuer"],
                    doc_number=data["doc_number"],
                )
            except ValidationError as exc:
                errors = _errors(exc)
            else:
                messages.success(request, f"已上传 {len(created)} 份材料，正在后台提取文字并自动检查")
                target = (
                    created[0].get_absolute_url()
                    if len(created) == 1
                    else reverse("evidence:material_list") + f"?campaign={campaign.pk}"
                )
                if wants_json:
                    return JsonResponse({"redirect": target, "materials": [m.pk for m in created]})
                return redirect(target)
        else:
            errors = [
                f"{form.fields[k].label if k in form.fields else ''}：{m}".lstrip("：")
                for k, msgs in form.errors.items()
                for m in msgs
            ]
        if wants_json:
            return JsonResponse({"errors": errors}, status=400)
        if form.is_valid():  # the service refused the files: show its messages above the form
            for e in errors:
                form.add_error(None, e)
        return render(
            request, self.template_name, {"form": form, "title": "上传材料", "campaign": campaign}, status=400
        )


class MaterialDetailView(LoginRequiredMixin, View):
    template_name = "evidence/material_detail.html"

    def get_material(self, pk):
        return get_object_for_user(
            Material,
            self.request.user,
            pk,
            "view",
            queryset=Material.objects.with_related().select_related("body"),
        )

    def context(self, material, **forms):
        user = self.request.user
        can_change = (
            not user.is_read_only
            and Material.objects.restrict(user, "change").filter(pk=material.pk).exists()
        )
        can_review = can_change and user.is_office
        body = getattr(material, "body", None)
        ctx = {
            "object": material,
            "material": material,
            "title": material.title,
            "versions": material.files.select_related("uploaded_by").order_by("-number"),
            "can_change": can_change,
            "can_review": can_review,
            "text_preview": (body.text[:3000] if body else ""),
            "suggestions": material.suggestions if material.requirement_id is None else [],
        }
        if can_review:
            ctx["review_form"] = forms.get("review_form") or ReviewForm(
                initial={"edit_version": material.version}, user=user
            )
        if can_change:
            ctx["edit_form"] = forms.get("edit_form") or MaterialEditForm(instance=material, user=user)
            ctx["version_form"] = forms.get("version_form") or VersionForm(
                initial={"edit_version": material.version}, user=user
            )
        return ctx

    def get(self, request, pk):
        material = self.get_material(pk)
        return render(request, self.template_name, self.context(material))

    def post(self, request, pk):
        material = self.get_material(pk)
        action = request.POST.get("action")
        forms = {}
        try:
            if action == "review":
                form = forms["review_form"] = ReviewForm(request.POST, user=request.user)
                if form.is_valid():
                    version = form.cleaned_data["edit_version"]
                    if form.cleaned_data["decision"] == "approve":
                        services.approve_material(material, actor=request.user, expected_version=version)
                        messages.success(request, "已审核通过")
                    else:
                        services.return_material(
                            material,
                            form.cleaned_data["reason"],
                            actor=request.user,
                            expected_version=version,
                        )
                        messages.warning(request, "已退回，单位将看到退回原因")
                    return redirect(material)
            elif action == "edit":
                form = forms["edit_form"] = MaterialEditForm(
                    request.POST, instance=material, user=request.user
                )
                if form.is_valid():
                    services.update_material(
                        material,
                        {k: form.cleaned_data[k] for k in form.Meta.fields},
                        actor=request.user,
                        expected_version=form.cleaned_data["edit_version"],
                    )
                    messages.success(request, "已保存")
                    return redirect(material)
            elif action == "version":
                form = forms["version_form"] = VersionForm(request.POST, request.FILES, user=request.user)
                if form.is_valid():
                    services.add_version(
                        material,
                        form.cleaned_data["file"],
                        actor=request.user,
                        expected_version=form.cleaned_data["edit_version"],
                    )
                    messages.success(request, "已上传新版本，材料重新进入审核")
                    return redirect(material)
            elif action == "assign":
                requirement_id = request.POST.get("requirement", "")
                if not requirement_id.isdigit():
                    raise Http404
                requirement = get_object_or_404(
                    services.requirements_for(material.campaign), pk=int(requirement_id)
                )
                services.assign_requirement(
                    material,
                    requirement,
                    actor=request.user,
                    expected_version=int(request.POST.get("edit_version") or 0),
                )
                messages.success(request, f"已归入材料要求“{requirement.name}”")
                return redirect(material)
            elif action == "extract":
                services.request_extraction(material, actor=request.user)
                messages.success(request, "已重新提交文字提取，稍后刷新页面查看结果")
                return redirect(material)
            else:
                raise Http404
        except ConcurrentEditError as exc:
            messages.error(request, str(exc))
            material = self.get_material(pk)
            return render(request, self.template_name, self.context(material), status=409)
        except ValidationError as exc:
            for e in _errors(exc):
                messages.error(request, e)
            material.refresh_from_db()
            return render(request, self.template_name, self.context(material, **forms), status=400)
        material.refresh_from_db()
        return render(request, self.template_name, self.context(material, **forms), status=400)


class FileDownloadView(LoginRequiredMixin, View):
    """A version's file, after the same scope check as the material (404 outside it)."""

    def get(self, request, pk):
        version = get_object_or_404(
            MaterialFile.objects.filter(material__in=Material.objects.restrict(request.user, "view")), pk=pk
        )
        from shian.core.filetypes import sanitize_name

        material = version.material
        suffix = "" if version.pk == material.current_id else f"（第{version.number}版）"
        name = sanitize_name(f"{material.title}{suffix}.{version.kind}")
        return file_response(version.file, name, inline=request.GET.get("inline") == "1")


class MatrixView(LoginRequiredMixin, CachedPageMixin, View):
    template_name = "evidence/matrix.html"

    def get(self, request):
        from shian.evidence.matrix import build_matrix
        from shian.organisation.models import Unit

        campaign = current_campaign(request)
        unit_id = None
        if request.GET.get("unit"):
            try:
                unit_id = int(request.GET["unit"])
            except ValueError:
                raise Http404
            get_object_or_404(Unit.objects.restrict(request.user), pk=unit_id)
        matrix = build_matrix(campaign, request.user, unit_id=unit_id)
        campaigns = Campaign.objects.restrict(request.user).order_by("-created_at")
        return render(
            request,
            self.template_name,
            {
                "title": "材料完整性矩阵",
                "campaign": campaign,
                "campaigns": campaigns,
                "matrix": matrix,
                "unit_id": unit_id,
                "view": request.GET.get("view", "indicator"),
                "coverage_css": COVERAGE_CSS,
            },
        )


class SearchView(LoginRequiredMixin, View):
    template_name = "evidence/search.html"

    def get(self, request):
        from shian.evidence.search import search_materials

        q = (request.GET.get("q") or "").strip()
        hits = []
        if q:
            qs = Material.objects.restrict(request.user)
            if request.GET.get("campaign"):
                qs = qs.filter(campaign=current_campaign(request))
            hits = search_materials(qs, q)
        return render(request, self.template_name, {"title": "材料全文检索", "q": q, "hits": hits})


class RequirementListView(LoginRequiredMixin, View):
    """材料清单: every scoring item's required materials with their coverage, linking to upload."""

    template_name = "evidence/requirements.html"

    def get(self, request):
        from shian.evidence.matrix import build_matrix

        campaign = current_campaign(request)
        matrix = build_matrix(campaign, request.user)
        items = {}
        for cell in matrix["cells"]:
            items.setdefault(cell.requirement.item_id, {"item": cell.requirement.item, "cells": []})[
                "cells"
            ].append(cell)
        return render(
            request,
            self.template_name,
            {
                "title": "材料清单",
                "campaign": campaign,
                "items": list(items.values()),
                "campaigns": Campaign.objects.restrict(request.user).order_by("-created_at"),
            },
        )


class ArchiveView(LoginRequiredMixin, View):
    """迎检资料包: streamed at once when small, otherwise built by a background job with progress."""

    template_name = "evidence/archive.html"

    def get(self, request):
        form = ArchiveForm(
            initial={"campaign": current_campaign(request).pk, "only_approved": True}, user=request.user
        )
        return render(request, self.template_name, {"form": form, "title": "导出迎检资料包"})

    def post(self, request):
        from shian.core.jobs import enqueue
        from shian.evidence.archive import archive_plan, iter_archive

        form = ArchiveForm(request.POST, user=request.user)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form, "title": "导出迎检资料包"}, status=400)
        data = form.cleaned_data
        unit = data.get("unit")
        plan = archive_plan(
            data["campaign"].pk,
            request.user,
            unit_id=unit.pk if unit else None,
            only_approved=data["only_approved"],
        )
        if plan.total_bytes <= STREAM_LIMIT_BYTES and request.POST.get("background") != "1":
            from shian.core.exports import audit_export

            audit_export(plan.filename, note=f"迎检资料包（佐证材料），{plan.total_bytes} 字节")
            response = StreamingHttpResponse(iter_archive(plan), content_type="application/zip")
            response["Content-Disposition"] = attachment_header(plan.filename)
            response["X-Content-Type-Options"] = "nosniff"
            return response
        record = enqueue(
            "evidence.archive",
            f"迎检资料包：{data['campaign'].name}",
            {
                "campaign": data["campaign"].pk,
                "unit": unit.pk if unit else None,
                "only_approved": data["only_approved"],
            },
            request.user,
        )
        return redirect("core:job_detail", record.pk)
