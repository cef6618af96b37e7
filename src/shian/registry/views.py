from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views import View

from shian.core.policy import can
from shian.core.views import ObjectEditView, ObjectListView, get_object_for_user
from shian.registry import services
from shian.registry.filtersets import BusinessFilterSet
from shian.registry.forms import BusinessForm, ImportForm
from shian.registry.importer import import_businesses
from shian.registry.models import Business
from shian.registry.panels import business_context
from shian.registry.tables import BusinessTable


def may_import(user):
    return not user.is_read_only and (user.is_office or bool(user.unit_id and user.unit.kind == "township"))


class BusinessListView(ObjectListView):
    model = Business
    filterset_class = BusinessFilterSet
    table_class = BusinessTable
    create_url_name = "registry:business_add"
    title = "主体库（点位库）"
    export_name = "主体库"

    def base_queryset(self):
        return Business.objects.select_related("category", "region")

    def can_create(self):
        return may_import(self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        if may_import(self.request.user):
            ctx["extra_actions"] = [("导入主体库", "registry:import")]
        return ctx


class BusinessDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        business = get_object_for_user(
            Business,
            request.user,
            pk,
            queryset=Business.objects.select_related("category", "region", "supervising_unit"),
        )
        can_edit = not request.user.is_read_only and can(request.user, "change", business)
        ctx = {"object": business, "title": business.name, "can_edit": can_edit}
        ctx.update(business_context(business, request.user))  # 信用档案 etc. from the apps above
        return render(request, "registry/business_detail.html", ctx)


class BusinessEditView(ObjectEditView):
    model = Business
    form_class = BusinessForm

    def check_permission(self, obj):
        super().check_permission(obj)
        if obj is None and not may_import(self.request.user):
            raise PermissionDenied("只有创建办或乡镇（街道）可以新增主体")

    def save(self, form):
        d = dict(form.cleaned_data)
        expected = d.pop("edit_version", None)
        if form.instance.pk:
            return services.update_business(
                form.instance, actor=self.request.user, expected_version=expected, **d
            )
        return services.create_business(actor=self.request.user, **d)


class ImportView(LoginRequiredMixin, View):
    title = "导入主体库"

    def _check(self, request):
        if not may_import(request.user):
            raise PermissionDenied("只有创建办或乡镇（街道）可以导入主体库")

    def get(self, request):
        self._check(request)
        return render(
            request, "registry/import.html", {"form": ImportForm(user=request.user), "title": self.title}
        )

    def post(self, request):
        self._check(request)
        form = ImportForm(request.POST, request.FILES, user=request.user)
        errors = []
        if form.is_valid():
            upload = form.cleaned_data["file"]
            result = import_businesses(upload, actor=request.user, filename=upload.name)
            if result.ok:
                messages.success(request, f"导入完成：{result.summary()}")
                return redirect("registry:business_list")
            errors = result.errors
        return render(
            request, "registry/import.html", {"form": form, "errors": errors, "title": self.title}, status=400
        )
