"""The small generic layer every list, detail, edit and delete page is built on.

Each view takes its rows from `Model.objects.restrict(user, action)`, so scope is enforced in one
place; objects outside the user's scope are 404, not 403, so their existence is not leaked.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views import View
from django.views.generic import DetailView
from django_filters.views import FilterView
from django_tables2 import RequestConfig, SingleTableMixin

from shian.core import policy
from shian.core.exports import xlsx_response
from shian.core.models import AuditLog, Job
from shian.core.pagecache import CachedPageMixin
from shian.core.services import ConcurrentEditError
from shian.core.table_values import export_values, stable_order


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def get_object_for_user(model, user, pk, action="view", queryset=None):
    """The object if `user` may `action` it, else 404 (never reveals that it exists)."""
    qs = queryset if queryset is not None else model.objects.all()
    return get_object_or_404(qs.restrict(user, action), pk=pk)


class ScopedMixin(LoginRequiredMixin):
    model = None
    action = "view"

    def base_queryset(self):
        return self.model.objects.all()

    def get_queryset(self):
        return self.base_queryset().restrict(self.request.user, self.action)


class ObjectListView(CachedPageMixin, ScopedMixin, SingleTableMixin, FilterView):
    """Filtered, searched, paginated list with xlsx export of exactly what the filters select."""

    template_name = "core/object_list.html"
    partial_template_name = "core/_object_table.html"
    paginate_by = 25
    title = ""
    create_url_name = None
    export_name = None
    extra_actions = ()  # [(label, url_name)]

    def get_title(self):
        return self.title or self.model._meta.verbose_name_plural

    def can_create(self):
        return bool(self.create_url_name) and not self.request.user.is_read_only

    def get_paginate_by(self, queryset):
        # The table paginates (paginate_by reaches it through get_table_pagination); letting ListView
        # paginate object_list too only added a second COUNT(*) over the whole filtered list.
        return None

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        table = ctx.get("table")
        if table is not None and getattr(table, "paginator", None) is not None:
            total = table.paginator.count  # the count the table's paginator has already made
        else:
            total = ctx["filter"].qs.count() if ctx.get("filter") is not None else None
        ctx.update(
            title=self.get_title(),
            create_url_name=self.create_url_name if self.can_create() else None,
            extra_actions=self.extra_actions,
            total_count=total,
        )
        return ctx

    def get_template_names(self):
        if is_htmx(self.request) and not self.request.headers.get("HX-Boosted"):
            return [self.partial_template_name]
        return [self.template_name]

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "xlsx":
            return self.export_xlsx()
        return super().get(request, *args, **kwargs)

    def export_xlsx(self):
        filterset = self.get_filterset(self.get_filterset_class())
        if not filterset.is_valid():
            raise PermissionDenied("筛选条件无效")
        table = self.get_table_class()(filterset.qs)
        RequestConfig(self.request, paginate=False).configure(table)
        stable_order(table)
        exclude = [name for name, col in table.columns.items() if name in ("actions", "select")]
        rows = export_values(table, exclude_columns=exclude)
        name = self.export_name or self.get_title()
        query = "&".join(f"{k}={v}" for k, v in self.request.GET.items() if k != "export" and v)
        return xlsx_response(
            rows,
            f"{name}-{timezone.localdate():%Y%m%d}.xlsx",
            sheet_title=name,
            audit_note=f"筛选条件：{query}" if query else "全部",
        )


class ObjectDetailView(ScopedMixin, DetailView):
    template_name_suffix = "_detail"


class ObjectEditView(ScopedMixin, View):
    """Create or update through a form; an edit prepared on an older version is refused.

    Subclasses set `form_class` and may override `save(form)` to call a service.
    """

    form_class = None
    template_name = "core/object_edit.html"
    action = "change"
    title = None

    def get_object(self):
        pk = self.kwargs.get("pk")
        if pk is None:
            return None
        return get_object_or_404(self.get_queryset(), pk=pk)

    def get_form_instance(self, obj):
        """The instance the form edits; "add" pages may return a new object with its parent set."""
        return obj

    def get_form_kwargs(self):
        return {"user": self.request.user}

    def get_initial(self):
        return {}

    def check_permission(self, obj):
        if self.request.user.is_read_only:
            raise PermissionDenied("只读账号不能修改数据")

    def get_title(self, obj):
        verbose = self.model._meta.verbose_name
        return self.title or (f"编辑{verbose}：{obj}" if obj else f"新建{verbose}")

    def render_form(self, form, obj, status=200):
        return render(
            self.request,
            self.template_name,
            {
                "form": form,
                "object": obj,
                "title": self.get_title(obj),
                "cancel_url": obj.get_absolute_url() if obj and hasattr(obj, "get_absolute_url") else None,
            },
            status=status,
        )

    def get(self, request, *args, **kwargs):
        obj = self.get_object()
        self.check_permission(obj)
        form = self.form_class(
            instance=self.get_form_instance(obj), initial=self.get_initial(), **self.get_form_kwargs()
        )
        return self.render_form(form, obj)

    def post(self, request, *args, **kwargs):
        obj = self.get_object()
        self.check_permission(obj)
        form = self.form_class(
            request.POST, request.FILES, instance=self.get_form_instance(obj), **self.get_form_kwargs()
        )
        if form.is_valid():
            try:
                with transaction.atomic():
                    saved = self.save(form)
                    # Re-check after the change, inside the transaction: an edit that moved the object
                    # out of the user's scope is rolled back, not written.
                    policy.ensure_can(request.user, saved, policy.CHANGE)
            except PermissionDenied as exc:
                form.add_error(None, str(exc) or policy.OUT_OF_SCOPE_MESSAGE)
                return self.render_form(form, obj, status=403)
            except ConcurrentEditError as exc:
                form.add_error(None, str(exc))
                return self.render_form(form, obj, status=409)
            except ValidationError as exc:
                form.add_error(None, exc)
                return self.render_form(form, obj, status=400)
            messages.success(request, "已保存")
            return redirect(self.get_success_url(saved))
        return self.render_form(form, obj, status=400)

    def save(self, form):
        return form.save()

    def get_success_url(self, obj):
        return obj.get_absolute_url()


class ObjectDeleteView(ScopedMixin, View):
    action = "change"
    template_name = "core/object_delete.html"
    success_url_name = None

    def get(self, request, pk):
        obj = get_object_or_404(self.get_queryset(), pk=pk)
        return render(
            request, self.template_name, {"object": obj, "title": f"删除{self.model._meta.verbose_name}"}
        )

    def post(self, request, pk):
        obj = get_object_or_404(self.get_queryset(), pk=pk)
        if request.user.is_read_only:
            raise PermissionDenied
        from django.db.models import ProtectedError

        try:
            obj.delete()
        except ProtectedError:
            messages.error(request, f"“{obj}”仍被其他数据引用，不能删除")
            return redirect(obj.get_absolute_url())
        messages.success(request, f"已删除“{obj}”")
        return redirect(self.success_url_name)


class AuditHistoryView(LoginRequiredMixin, View):
    """Audit entries of one object, shown only to users who may see the object itself."""

    def get(self, request, app_label, model_name, pk):
        try:
            ct = ContentType.objects.get_by_natural_key(app_label, model_name)
        except ContentType.DoesNotExist:
            raise Http404
        model = ct.model_class()
        if model is None:
            raise Http404
        manager = model._default_manager
        if hasattr(manager, "restrict"):
            obj = get_object_or_404(manager.restrict(request.user, "view"), pk=pk)
        elif hasattr(manager.all(), "restrict"):
            obj = get_object_or_404(manager.all().restrict(request.user, "view"), pk=pk)
        else:
            if not request.user.is_admin:
                raise Http404
            obj = get_object_or_404(manager, pk=pk)
        entries = AuditLog.objects.filter(content_type=ct, object_id=str(obj.pk)).select_related("actor")[
            :200
        ]
        fields = {f.name: f.verbose_name for f in model._meta.get_fields() if hasattr(f, "verbose_name")}
        template = "core/_audit_table.html" if is_htmx(request) else "core/audit_history.html"
        return render(
            request,
            template,
            {"object": obj, "entries": entries, "fields": fields, "title": f"变更记录：{obj}"},
        )


class JobStatusView(LoginRequiredMixin, View):
    """Progress of a background job; HTMX polls the fragment until it finishes."""

    def get(self, request, pk):
        record = get_object_or_404(Job.objects.restrict(request.user), pk=pk)
        if not record.is_finished:
            # The poll is the periodic path: a job whose process died is failed here, not left "running".
            from shian.core.jobs import dead_reason, mark_dead

            reason = dead_reason(record)
            if reason and mark_dead(record, reason):
                record.refresh_from_db()
        template = "core/_job_status.html" if is_htmx(request) else "core/job_detail.html"
        return render(request, template, {"job": record, "title": record.title})


class JobDownloadView(LoginRequiredMixin, View):
    def get(self, request, pk):
        record = get_object_or_404(Job.objects.restrict(request.user), pk=pk, status=Job.Status.SUCCEEDED)
        if not record.result_file:
            raise Http404
        from shian.core.files import file_response

        return file_response(record.result_file, record.result.get("filename") or record.result_file.name)


class AuditListView(ObjectListView):
    """The whole audit log, for administrators."""

    model = AuditLog
    title = "审计日志"

    def get_filterset_class(self):
        from shian.core.filtersets import AuditLogFilterSet

        return AuditLogFilterSet

    def get_table_class(self):
        from shian.core.tables import AuditLogTable

        return AuditLogTable

    def get_queryset(self):
        if not self.request.user.is_admin:
            raise PermissionDenied
        return AuditLog.objects.select_related("content_type")

    def export_xlsx(self):
        from shian.core.auditdisplay import export_rows

        filterset = self.get_filterset(self.get_filterset_class())
        if not filterset.is_valid():
            raise PermissionDenied("筛选条件无效")
        query = "&".join(f"{k}={v}" for k, v in self.request.GET.items() if k != "export" and v)
        return xlsx_response(
            export_rows(filterset.qs),
            f"审计日志-{timezone.localdate():%Y%m%d}.xlsx",
            sheet_title="审计日志",
            audit_note=f"筛选条件：{query}" if query else "全部",
        )


def healthz(request):
    """Liveness for load balancers: the process is up and answers; touches nothing else."""
    return HttpResponse("ok", content_type="text/plain")


def readyz(request):
    """Readiness for load balancers: the database, Redis (when configured) and file storage answer.

    200 with each check "ok", or 503 naming the check that failed, never the error itself (the page
    is public). The details go to the log.
    """
    from shian.core.health import readiness

    checks = readiness()
    ok = all(v == "ok" for v in checks.values())
    return JsonResponse(
        {"status": "ok" if ok else "unavailable", "checks": checks}, status=200 if ok else 503
    )


def favicon(request):
    """/favicon.ico, which browsers ask for on pages that link none (the admin, the API docs)."""
    from django.contrib.staticfiles import finders
    from django.http import FileResponse

    response = FileResponse(open(finders.find("core/favicon.ico"), "rb"), content_type="image/x-icon")
    response["Cache-Control"] = "public, max-age=86400"
    return response
