"""Framework pages: list, tree, edit pages for every level, gates, import (upload → preview → confirm),
exports. Everyone may read frameworks; the office of the owner region (and administrators) edit."""

import os
import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Count, DecimalField, IntegerField, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from shian.core.exports import attachment_header
from shian.core.services import ConcurrentEditError
from shian.core.views import (
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    ScopedMixin,
    get_object_for_user,
)
from shian.framework import exporting, services
from shian.framework.filtersets import FrameworkFilterSet, ScoringItemFilterSet
from shian.framework.forms import (
    CategoryForm,
    DeductionFormSet,
    FrameworkForm,
    GateFormSet,
    ImportForm,
    IndicatorForm,
    MaterialFormSet,
    ScoringItemForm,
)
from shian.framework.importing import CREATE, SKIP, import_framework, read_tree
from shian.framework.models import Category, Framework, Indicator, ScoringItem
from shian.framework.tables import FrameworkTable, ScoringItemTable
from shian.framework.treedata import framework_queryset
from shian.organisation.choices import UnitKind
from shian.organisation.models import Region, Unit


def _item_count():
    return Subquery(
        ScoringItem.objects.filter(indicator__category__framework=OuterRef("pk"))
        .order_by()
        .values("indicator__category__framework")
        .annotate(n=Count("pk"))
        .values("n"),
        output_field=IntegerField(),
    )


def _base_points():
    return Subquery(
        Category.objects.filter(framework=OuterRef("pk"), kind="base")
        .order_by()
        .values("framework")
        .annotate(s=Sum("points"))
        .values("s"),
        output_field=DecimalField(),
    )


class FrameworkListView(ObjectListView):
    model = Framework
    filterset_class = FrameworkFilterSet
    table_class = FrameworkTable
    title = "评价细则"
    create_url_name = "framework:framework_add"
    extra_actions = [("导入细则", "framework:framework_import"), ("全部评分项", "framework:item_list")]

    def base_queryset(self):
        return Framework.objects.select_related("owner_region").annotate(
            item_count=Coalesce(_item_count(), 0), base_points=_base_points()
        )

    def can_create(self):
        return self.request.user.is_office

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        if not self.request.user.is_office:
            ctx["extra_actions"] = [("全部评分项", "framework:item_list")]
        return ctx


class FrameworkDetailView(ObjectDetailView):
    """The tree: category → indicator → scoring item, with totals; a fixed number of queries."""

    model = Framework
    template_name = "framework/framework_detail.html"

    def base_queryset(self):
        return framework_queryset()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        fw = self.object
        towns = set()
        if fw.owner_region_id:
            towns = set(
                Unit.objects.filter(
                    region__path__startswith=fw.owner_region.path, kind=UnitKind.TOWNSHIP, is_active=True
                ).values_list("pk", flat=True)
            )
        cats = []
        for cat in fw.categories.all():
            inds = list(cat.indicators.all())
            for ind in inds:
                for item in ind.items.all():
                    item.lead_labels = unit_labels(item, "lead", towns)
                    item.coop_labels = unit_labels(item, "coop", towns)
            item_points = sum((i.points for ind in inds for i in ind.items.all()), 0)
            cats.append(
                {
                    "obj": cat,
                    "indicators": inds,
                    "item_points": item_points,
                    "item_count": sum(len(ind.items.all()) for ind in inds),
                    "points_mismatch": cat.kind == "base"
                    and cat.points is not None
                    and cat.points != item_points,
                }
            )
        base = sum(
            (
                (c["obj"].points if c["obj"].points is not None else c["item_points"])
                for c in cats
                if c["obj"].kind == "base"
            ),
            0,
        )
        bonus = sum(
            (
                (c["obj"].cap if c["obj"].cap is not None else c["item_points"])
                for c in cats
                if c["obj"].kind == "bonus"
            ),
            0,
        )
        ctx.update(
            cats=cats,
            base_points=base,
            bonus_points=bonus,
            gates=list(fw.gates.all()),
            item_count=sum(c["item_count"] for c in cats),
            key_count=sum(1 for c in cats for ind in c["indicators"] for i in ind.items.all() if i.is_key),
            can_edit=services.can_edit(fw, self.request.user),
            title=str(fw),
        )
        return ctx


def unit_labels(item, role, towns: set) -> list[tuple[str, bool]]:
    """(label, matched) for an item's units; all townships of the region read "各乡镇（街道）"."""
    units = [a.unit for a in item.assignments.all() if a.role == role]
    ids = {u.pk for u in units}
    out = []
    if len(towns) > 1 and towns <= ids:
        out.append((f"各乡镇（街道）{len(towns)}个", True))
        units = [u for u in units if u.pk not in towns]
    out += [(u.short_name or u.name, True) for u in units]
    names = item.unmatched_lead_names() if role == "lead" else item.unmatched_coop_names()
    return out + [(n, False) for n in names]


class ItemListView(ObjectListView):
    model = ScoringItem
    filterset_class = ScoringItemFilterSet
    table_class = ScoringItemTable
    title = "评分项"

    def base_queryset(self):
        return (
            ScoringItem.objects.select_related("indicator__category__framework")
            .prefetch_related("assignments__unit")
            .order_by(
                "indicator__category__framework", "indicator__category__seq", "indicator__seq", "seq", "id"
            )
        )


class ItemDetailView(ObjectDetailView):
    model = ScoringItem
    template_name = "framework/item_detail.html"

    def base_queryset(self):
        return ScoringItem.objects.select_related(
            "indicator__category__framework__owner_region"
        ).prefetch_related("assignments__unit", "deductions", "materials__provider")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        item = self.object
        fw = item.indicator.category.framework
        ctx.update(framework=fw, can_edit=services.can_edit(fw, self.request.user), title=str(item))
        return ctx


# ------------------------------------------------------------------------------ editing


class _PartEditView(ObjectEditView):
    """Edit or add one part of a framework; permission via the framework's 'change' scope."""

    parent_model = None  # for "add" pages: the model the URL's parent_pk points to

    def get_parent(self):
        if self.parent_model is None or "parent_pk" not in self.kwargs:
            return None
        return get_object_for_user(self.parent_model, self.request.user, self.kwargs["parent_pk"], "change")

    def check_permission(self, obj):
        super().check_permission(obj)
        self.get_parent()  # 404 outside scope

    def new_instance(self, parent):
        raise NotImplementedError

    def get_form_instance(self, obj):
        return obj if obj is not None else self.new_instance(self.get_parent())

    def save(self, form):
        obj = form.save(commit=False)
        expected = form.cleaned_data.get("edit_version") if obj.pk else None
        if obj.pk and expected is None:
            raise ConcurrentEditError()
        return services.save_part(obj, expected_version=expected, actor=self.request.user)

    def get_success_url(self, obj):
        return services.framework_of(obj).get_absolute_url() + f"#{obj._meta.model_name}-{obj.pk}"


class FrameworkEditView(_PartEditView):
    model = Framework
    form_class = FrameworkForm

    def check_permission(self, obj):
        super().check_permission(obj)
        if obj is None and not self.request.user.is_office:
            raise PermissionDenied("只有创建办可以新建评价细则")

    def new_instance(self, parent):
        return Framework(owner_region=self.request.user.region_scope)

    def get_success_url(self, obj):
        return obj.get_absolute_url()


class CategoryEditView(_PartEditView):
    model = Category
    parent_model = Framework
    form_class = CategoryForm

    def new_instance(self, fw):
        return Category(framework=fw, seq=fw.categories.count() + 1)


class IndicatorEditView(_PartEditView):
    model = Indicator
    parent_model = Category
    form_class = IndicatorForm

    def new_instance(self, cat):
        return Indicator(category=cat, seq=cat.indicators.count() + 1)


class ItemEditView(_PartEditView):
    """A scoring item with its units, deductions and materials on one page."""

    model = ScoringItem
    parent_model = Indicator
    form_class = ScoringItemForm
    template_name = "framework/item_edit.html"

    def new_instance(self, ind):
        return ScoringItem(indicator=ind, seq=ind.items.count() + 1, points=0)

    def framework(self, obj):
        if obj is not None:
            return obj.indicator.category.framework
        return self.get_parent().category.framework

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["framework"] = self._fw
        return kwargs

    def render_form(self, form, obj, status=200, deductions=None, materials=None):
        instance = form.instance
        fw = self._fw
        deductions = deductions or DeductionFormSet(instance=instance if instance.pk else None, prefix="ded")
        materials = materials or MaterialFormSet(
            instance=instance if instance.pk else None, prefix="mat", form_kwargs={"framework": fw}
        )
        return render(
            self.request,
            self.template_name,
            {
                "form": form,
                "object": obj,
                "deductions": deductions,
                "materials": materials,
                "framework": fw,
                "title": self.get_title(obj),
                "cancel_url": obj.get_absolute_url() if obj else fw.get_absolute_url(),
            },
            status=status,
        )

    def get(self, request, *args, **kwargs):
        obj = self.get_object()
        self.check_permission(obj)
        self._fw = self.framework(obj)
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        obj = self.get_object()
        self.check_permission(obj)
        self._fw = fw = self.framework(obj)
        instance = obj if obj is not None else self.new_instance(self.get_parent())
        form = self.form_class(request.POST, instance=instance, **self.get_form_kwargs())
        deductions = DeductionFormSet(request.POST, instance=instance, prefix="ded")
        materials = MaterialFormSet(
            request.POST, instance=instance, prefix="mat", form_kwargs={"framework": fw}
        )
        if form.is_valid() and deductions.is_valid() and materials.is_valid():
            try:
                with transaction.atomic():
                    item = self.save(form)
                    services.set_item_units(
                        item,
                        lead=list(form.cleaned_data["lead"]),
                        coop=list(form.cleaned_data["coop"]),
                        actor=request.user,
                    )
                    deductions.instance = materials.instance = item
                    _save_numbered(deductions)
                    _save_numbered(materials)
            except ConcurrentEditError as exc:
                form.add_error(None, str(exc))
                return self.render_form(form, obj, 409, deductions, materials)
            except ValidationError as exc:
                form.add_error(None, exc)
                return self.render_form(form, obj, 400, deductions, materials)
            messages.success(request, "已保存")
            return redirect(item.get_absolute_url())
        return self.render_form(form, obj, 400, deductions, materials)


def _save_numbered(formset):
    objs = formset.save(commit=False)
    for obj in formset.deleted_objects:
        obj.delete()
    seq = 0
    for form in formset.forms:
        if form in formset.deleted_forms or not form.has_changed() and not form.instance.pk:
            continue
        seq += 1
        setattr(form.instance, formset.fk.name, formset.instance)
        if form.instance.seq != seq or form.instance in objs:
            form.instance.seq = seq
            form.instance.save()


class GatesEditView(ScopedMixin, View):
    model = Framework
    action = "change"
    template_name = "framework/gates_edit.html"

    def dispatch_object(self, pk):
        fw = get_object_or_404(self.get_queryset(), pk=pk)
        if self.request.user.is_read_only:
            raise PermissionDenied
        return fw

    def get(self, request, pk):
        fw = self.dispatch_object(pk)
        return render(
            request,
            self.template_name,
            {
                "framework": fw,
                "formset": GateFormSet(instance=fw, prefix="gate"),
                "title": f"否决项与门槛：{fw}",
            },
        )

    def post(self, request, pk):
        fw = self.dispatch_object(pk)
        formset = GateFormSet(request.POST, instance=fw, prefix="gate")
        if formset.is_valid():
            services.check_can_edit(fw, request.user)
            with transaction.atomic():
                _save_numbered(formset)
            messages.success(request, "已保存否决项与门槛")
            return redirect(fw.get_absolute_url() + "#gates")
        return render(
            request,
            self.template_name,
            {"framework": fw, "formset": formset, "title": f"否决项与门槛：{fw}"},
            status=400,
        )


class PartDeleteView(ScopedMixin, View):
    """Delete a framework or one of its parts (after a confirmation page)."""

    action = "change"
    template_name = "core/object_delete.html"

    def get_object(self, pk):
        obj = get_object_or_404(self.get_queryset(), pk=pk)
        if self.request.user.is_read_only:
            raise PermissionDenied
        return obj

    def get(self, request, pk):
        obj = self.get_object(pk)
        return render(
            request, self.template_name, {"object": obj, "title": f"删除{self.model._meta.verbose_name}"}
        )

    def post(self, request, pk):
        from django.db.models import ProtectedError

        obj = self.get_object(pk)
        back = None if isinstance(obj, Framework) else services.framework_of(obj)
        try:
            if isinstance(obj, Framework):
                services.delete_framework(obj, actor=request.user)
            else:
                services.delete_part(obj, actor=request.user)
        except (ValidationError, ProtectedError) as exc:
            text = "；".join(exc.messages) if isinstance(exc, ValidationError) else "仍被评分、任务等数据引用"
            messages.error(request, f"不能删除“{obj}”：{text}")
            return redirect(
                obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else back.get_absolute_url()
            )
        messages.success(request, f"已删除“{obj}”")
        return redirect(back.get_absolute_url() if back else "framework:framework_list")


# ------------------------------------------------------------------------------ export / import


class ExportView(ScopedMixin, View):
    model = Framework

    def get(self, request, pk, fmt):
        fw = get_object_or_404(self.get_queryset(), pk=pk)
        if fmt == "xlsx":
            response = HttpResponse(
                exporting.export_xlsx(fw),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
            name = exporting.filename_for(fw, ".xlsx")
        elif fmt == "yaml":
            response = HttpResponse(
                exporting.export_yaml(fw).encode("utf-8"), content_type="application/x-yaml"
            )
            name = exporting.filename_for(fw, ".yaml")
        else:
            raise Http404
        response["Content-Disposition"] = attachment_header(name)
        response["X-Content-Type-Options"] = "nosniff"
        return response


SESSION_KEY = "framework_imports"


def _pending(request, token):
    pending = request.session.get(SESSION_KEY, {}).get(token)
    if pending is None or not default_storage.exists(pending["path"]):
        raise Http404("导入已过期，请重新上传")
    return pending


class ImportView(ScopedMixin, View):
    """Step 1: upload. The file is checked at once; if it reads, it is kept until the user confirms."""

    model = Framework
    template_name = "framework/import.html"

    def check(self):
        if not self.request.user.is_office:
            raise PermissionDenied("只有创建办可以导入评价细则")

    def get(self, request):
        self.check()
        return render(
            request, self.template_name, {"form": ImportForm(user=request.user), "title": "导入评价细则"}
        )

    def post(self, request):
        self.check()
        form = ImportForm(request.POST, request.FILES, user=request.user)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form, "title": "导入评价细则"}, status=400)
        upload = form.cleaned_data["file"]
        data = upload.read()
        read = read_tree(data, upload.name)
        if not read.ok:
            return render(
                request,
                self.template_name,
                {"form": form, "title": "导入评价细则", "errors": read.errors},
                status=400,
            )
        token = uuid.uuid4().hex
        ext = os.path.splitext(upload.name)[1].lower()
        path = default_storage.save(f"framework-imports/{token}{ext}", ContentFile(data))
        region = form.cleaned_data.get("owner_region")
        pending = request.session.get(SESSION_KEY, {})
        pending[token] = {
            "path": path,
            "filename": upload.name,
            "region": region.pk if region else None,
            "name": form.cleaned_data.get("name") or "",
        }
        request.session[SESSION_KEY] = pending
        return redirect("framework:framework_import_preview", token=token)


class ImportPreviewView(ScopedMixin, View):
    """Step 2: what was understood, unit names to map; step 3: confirm."""

    model = Framework
    template_name = "framework/import_preview.html"

    def setup_import(self, request, token):
        if not request.user.is_office:
            raise PermissionDenied("只有创建办可以导入评价细则")
        pending = _pending(request, token)
        region = Region.objects.filter(pk=pending["region"]).first() if pending["region"] else None
        if not services.can_create_in(region, request.user):
            raise PermissionDenied("不能为该区划导入评价细则")
        return pending, region

    def run(self, pending, region, mapping=None, dry_run=True):
        with default_storage.open(pending["path"], "rb") as fh:
            data = fh.read()
        return import_framework(
            data,
            filename=pending["filename"],
            owner_region=region,
            actor=self.request.user,
            name=pending["name"] or None,
            mapping=mapping,
            dry_run=dry_run,
        )

    def render_preview(self, request, token, pending, region, outcome, status=200, chosen=None):
        from shian.framework.matching import UnitMatcher

        units = UnitMatcher(region).units if region else []
        return render(
            request,
            self.template_name,
            {
                "title": "导入评价细则：确认",
                "token": token,
                "pending": pending,
                "region": region,
                "preview": outcome.preview,
                "errors": outcome.errors,
                "units": sorted(units, key=lambda u: (u.kind, u.sort_order, u.name)),
                "chosen": chosen or {},
                "CREATE": CREATE,
                "SKIP": SKIP,
            },
            status=status,
        )

    def get(self, request, token):
        pending, region = self.setup_import(request, token)
        outcome = self.run(pending, region)
        return self.render_preview(request, token, pending, region, outcome, 200 if outcome.ok else 400)

    def post(self, request, token):
        pending, region = self.setup_import(request, token)
        if "cancel" in request.POST:
            default_storage.delete(pending["path"])
            request.session[SESSION_KEY] = {
                k: v for k, v in request.session.get(SESSION_KEY, {}).items() if k != token
            }
            messages.info(request, "已取消导入")
            return redirect("framework:framework_list")
        names = request.POST.getlist("unit_name")
        targets = request.POST.getlist("unit_target")
        mapping = {n: t for n, t in zip(names, targets, strict=False) if t}
        try:
            outcome = self.run(pending, region, mapping=mapping, dry_run=False)
        except ValidationError as exc:
            outcome = self.run(pending, region)
            outcome.errors = exc.messages
        if not outcome.ok:
            return self.render_preview(request, token, pending, region, outcome, 400, chosen=mapping)
        default_storage.delete(pending["path"])
        request.session[SESSION_KEY] = {
            k: v for k, v in request.session.get(SESSION_KEY, {}).items() if k != token
        }
        fw = outcome.framework
        s = outcome.preview["summary"]
        messages.success(
            request,
            f"已导入“{fw}”：{s['category_count']}个类别、{s['indicator_count']}个指标、"
            f"{s['item_count']}个评分项"
            + (f"，新建单位{len(outcome.created_units)}个" if outcome.created_units else "")
            + (
                f"，{len(outcome.preview['unmatched'])}个单位名称未匹配（保留为文字）"
                if outcome.preview["unmatched"]
                else ""
            ),
        )
        return redirect(fw.get_absolute_url())


class LoadSampleView(ScopedMixin, View):
    """Load the shipped sample framework for the office's own region."""

    model = Framework

    def post(self, request):
        from shian.framework.sample import load_sample_framework

        user = request.user
        if not user.is_office or (user.region_scope is None and not user.is_admin):
            raise PermissionDenied("只有创建办可以载入示例细则")
        fw = load_sample_framework(owner_region=user.region_scope, actor=user)
        messages.success(request, f"已载入示例细则“{fw}”，可在此基础上修改")
        return redirect(fw.get_absolute_url())
