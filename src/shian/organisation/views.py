from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import redirect, render
from django.views import View

from shian.core import policy
from shian.core.views import ObjectDetailView, ObjectEditView, ObjectListView, ScopedMixin
from shian.organisation import services
from shian.organisation.filtersets import RegionFilterSet, UnitFilterSet, UserFilterSet
from shian.organisation.forms import ImportForm, RegionForm, UnitForm, UserForm
from shian.organisation.models import Region, Unit, User
from shian.organisation.tables import RegionTable, UnitTable, UserTable


class RegionListView(ObjectListView):
    model = Region
    filterset_class = RegionFilterSet
    table_class = RegionTable
    create_url_name = "organisation:region_add"
    extra_actions = [("导入区划", "organisation:region_import")]

    def base_queryset(self):
        return Region.objects.select_related("parent")

    def can_create(self):
        return self.request.user.is_admin


class RegionDetailView(ObjectDetailView):
    model = Region
    template_name = "organisation/region_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        region = self.object
        ctx["children"] = region.children.all()
        ctx["units"] = Unit.objects.restrict(self.request.user).filter(region=region)
        ctx["ancestors"] = region.ancestors()
        return ctx


class RegionEditView(ObjectEditView):
    model = Region
    form_class = RegionForm

    def check_permission(self, obj):
        if not self.request.user.is_admin:
            raise PermissionDenied("只有系统管理员可以维护行政区划")


class UnitListView(ObjectListView):
    model = Unit
    filterset_class = UnitFilterSet
    table_class = UnitTable
    create_url_name = "organisation:unit_add"
    extra_actions = [
        ("导入单位", "organisation:unit_import"),
        ("用户", "organisation:user_list"),
        ("行政区划", "organisation:region_list"),
    ]

    def base_queryset(self):
        return (
            Unit.objects.select_related("region")
            .annotate(user_count=Count("users"))
            .order_by("kind", "sort_order", "name")
        )

    def can_create(self):
        return self.request.user.is_office


class UnitDetailView(ObjectDetailView):
    model = Unit
    template_name = "organisation/unit_detail.html"

    def base_queryset(self):
        return Unit.objects.select_related("region")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["users"] = User.objects.restrict(self.request.user).filter(unit=self.object)
        ctx["can_edit"] = (
            Unit.objects.restrict(self.request.user, "change").filter(pk=self.object.pk).exists()
        )
        return ctx


class UnitEditView(ObjectEditView):
    model = Unit
    form_class = UnitForm

    def check_permission(self, obj):
        super().check_permission(obj)
        if not self.request.user.is_office:
            raise PermissionDenied("只有创建办可以维护单位")

    def save(self, form):
        unit = form.save(commit=False)
        if not policy.manages(self.request.user, unit.region):
            raise PermissionDenied("不能在本辖区以外新建单位")
        return form.save()


class UserListView(ObjectListView):
    model = User
    filterset_class = UserFilterSet
    table_class = UserTable
    create_url_name = "organisation:user_add"

    def base_queryset(self):
        return User.objects.select_related("unit")

    def can_create(self):
        return self.request.user.is_office


class UserEditView(ObjectEditView):
    model = User
    form_class = UserForm

    def check_permission(self, obj):
        super().check_permission(obj)
        from shian.organisation.accounts import grantable_roles, may_manage

        user = self.request.user
        if not grantable_roles(user):
            raise PermissionDenied("只有创建办或管理员可以维护用户")
        if obj is not None and not may_manage(user, obj.role, obj.unit):
            raise PermissionDenied("创建办只能维护本辖区单位的单位负责人、联络员账号")

    def get_queryset(self):
        from shian.organisation.accounts import grantable_roles

        user = self.request.user
        if user.is_admin:
            return User.objects.all()
        return User.objects.filter(
            unit__in=Unit.objects.restrict(user, "change"), role__in=grantable_roles(user), is_superuser=False
        )

    def save(self, form):
        from shian.organisation.services import save_user

        obj = form.save(commit=False)
        expected = form.cleaned_data.get("edit_version") if obj.pk else None
        return save_user(
            obj,
            actor=self.request.user,
            password=form.cleaned_data.get("password") or None,
            expected_version=expected,
        )

    def get_success_url(self, obj):
        return "/organisation/users/"


class ImportView(ScopedMixin, View):
    """Upload a region or unit list; all rows are checked first and nothing is written on any error."""

    kind = None  # "regions" | "units"
    model = Unit
    template_name = "organisation/import.html"

    def check(self):
        user = self.request.user
        if self.kind == "regions" and not user.is_admin:
            raise PermissionDenied("只有系统管理员可以导入行政区划")
        if self.kind == "units" and not user.is_office:
            raise PermissionDenied("只有创建办可以导入单位")

    def context(self, form, **extra):
        title = "导入行政区划" if self.kind == "regions" else "导入单位"
        columns = services.region_columns() if self.kind == "regions" else services.unit_columns()
        return {"form": form, "title": title, "columns": columns, **extra}

    def get(self, request):
        self.check()
        return render(request, self.template_name, self.context(ImportForm()))

    def post(self, request):
        self.check()
        form = ImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return render(request, self.template_name, self.context(form), status=400)
        upload = form.cleaned_data["file"]
        importer = services.import_regions if self.kind == "regions" else services.import_units
        result = importer(upload, filename=upload.name, actor=request.user)
        if result.errors:
            return render(request, self.template_name, self.context(form, errors=result.errors), status=400)
        messages.success(request, f"导入完成：新增 {result.created} 条，更新 {result.updated} 条")
        return redirect("organisation:region_list" if self.kind == "regions" else "organisation:unit_list")
