"""Supervision pages: thin views over services and the generic list/detail/edit layer."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views import View

from shian.core.exports import attachment_header
from shian.core.files import file_response
from shian.core.pagecache import CachedPageMixin
from shian.core.policy import change_path
from shian.core.views import ObjectDetailView, ObjectEditView, ObjectListView, get_object_for_user
from shian.organisation.models import Region
from shian.supervision import services
from shian.supervision.engine import describe_source
from shian.supervision.filtersets import (
    CaseFilterSet,
    ComplaintFilterSet,
    ImportBatchFilterSet,
    IndicatorFilterSet,
    MetricValueFilterSet,
    SamplingFilterSet,
)
from shian.supervision.forms import IndicatorForm, LedgerImportForm, MetricWorkbookForm
from shian.supervision.models import (
    CaseRecord,
    ComplaintRecord,
    ImportBatch,
    IndicatorDefinition,
    MetricForm,
    MetricValue,
    SamplingRecord,
)
from shian.supervision.periods import default_period, parse_period
from shian.supervision.tables import (
    CaseTable,
    ComplaintTable,
    ImportBatchTable,
    IndicatorTable,
    MetricValueTable,
    SamplingTable,
)

SUPERVISION_ACTIONS = (
    ("抽检记录", "supervision:sampling_list"),
    ("投诉举报", "supervision:complaints_list"),
    ("执法案件", "supervision:cases_list"),
    ("统计报表", "supervision:metric_form_list"),
)


def _fmt(v):
    if v is None:
        return "—"
    return services._fmt(v) if abs(v) >= Decimal("0.01") or v == 0 else f"{v:.4f}"


# ------------------------------------------------------------------------------ indicators


class IndicatorListView(ObjectListView):
    model = IndicatorDefinition
    filterset_class = IndicatorFilterSet
    table_class = IndicatorTable
    title = "计算指标"
    create_url_name = "supervision:indicator_add"
    extra_actions = SUPERVISION_ACTIONS + (("导入台账", "supervision:import_add"),)

    def base_queryset(self):
        return IndicatorDefinition.objects.select_related("scoring_item")

    def can_create(self):
        return services.can_edit_definitions(self.request.user) and not self.request.user.is_read_only

    def get_table(self, **kwargs):
        """Each indicator on the page, evaluated for the user's region over its default period."""
        from shian.supervision.batch import evaluate_many

        table = super().get_table(**kwargs)
        region = services.default_region(self.request.user)
        if region is None or services.view_path(self.request.user) is None:
            return table
        today = timezone.localdate()
        rows = table.page.object_list if getattr(table, "page", None) else table.rows
        defns = [row.record for row in rows]
        # One batch (ledger reads grouped, values cached until the data changes); a broken definition shows "—".
        for defn, ev in evaluate_many([(d, default_period(d.period_kind, today)) for d in defns], region):
            defn.current = ev
        return table


def _region_and_period(request, defn):
    user = request.user
    rid = request.GET.get("region")
    if rid:
        region = (
            get_object_or_404(Region, pk=rid) if str(rid).isdigit() else get_object_or_404(Region, code=rid)
        )
    else:
        region = services.default_region(user)
    services.check_can_view_region(user, region)
    text = request.GET.get("period") or ""
    try:
        period = parse_period(text) if text else default_period(defn.period_kind, timezone.localdate())
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        period = default_period(defn.period_kind, timezone.localdate())
    return region, period


LEDGER_LIST = {
    "sampling": "supervision:sampling_list",
    "complaints": "supervision:complaints_list",
    "cases": "supervision:cases_list",
    "metric": "supervision:metric_value_list",
}


def records_url(defn, part, region, period):
    spec = defn.numerator if part == "numerator" else defn.denominator
    source = (spec or {}).get("source")
    if source not in LEDGER_LIST:
        return None
    if part == "denominator" and defn.formula == "share_of_target":
        period = parse_period(str(period.year))
    params = {"region": region.pk, "period": period.code}
    if source == "metric":
        from shian.supervision.models import Metric

        metric = Metric.objects.filter(code=spec.get("metric")).first()
        params = {"region": region.pk, "metric": metric.pk if metric else "", "q": ""}
    else:
        params.update(indicator=defn.code, part=part)
    return reverse(LEDGER_LIST[source]) + "?" + urlencode(params)


class IndicatorDetailView(LoginRequiredMixin, CachedPageMixin, View):
    """One indicator for any region subtree and period: value, target, drill-down, the records behind it."""

    def get(self, request, pk):
        defn = get_object_for_user(
            IndicatorDefinition,
            request.user,
            pk,
            queryset=IndicatorDefinition.objects.select_related("scoring_item"),
        )
        region, period = _region_and_period(request, defn)
        ev = services.evaluate_indicator(defn, region, period.code, actor=request.user, drill_down=True)
        rows = [
            {
                "ev": c,
                "value": _fmt(c.value),
                "numerator": _fmt(c.numerator),
                "denominator": _fmt(c.denominator),
                "url": f"?{urlencode({'region': c.region_id, 'period': period.code})}",
                "records": records_url(defn, "numerator", Region(pk=c.region_id), period),
            }
            for c in ev.children
        ]
        scope = services.view_path(request.user) or ""
        parent = region.parent if region.parent_id and region.parent.path.startswith(scope) else None
        ctx = {
            "title": defn.name,
            "defn": defn,
            "ev": ev,
            "region": region,
            "period": period,
            "rows": rows,
            "value": _fmt(ev.value),
            "numerator": _fmt(ev.numerator),
            "denominator": _fmt(ev.denominator),
            "target": _fmt(ev.target) if ev.target is not None else None,
            "parent": parent,
            "num_source": describe_source(defn.numerator),
            "den_source": describe_source(defn.denominator),
            "num_url": records_url(defn, "numerator", region, period),
            "den_url": records_url(defn, "denominator", region, period),
            "chart_url": reverse("supervision:indicator_chart", args=[defn.pk])
            + "?"
            + urlencode({"region": region.pk, "period": period.code}),
            "can_edit": IndicatorDefinition.objects.restrict(request.user, "change")
            .filter(pk=defn.pk)
            .exists()
            and not request.user.is_read_only,
        }
        return render(request, "supervision/indicator_detail.html", ctx)


class IndicatorChartView(LoginRequiredMixin, View):
    """ECharts option: the value of each child region against the target."""

    def get(self, request, pk):
        defn = get_object_for_user(IndicatorDefinition, request.user, pk)
        region, period = _region_and_period(request, defn)
        ev = services.evaluate_indicator(defn, region, period.code, actor=request.user, drill_down=True)
        items = ev.children or [ev]
        names = [c.region_name for c in items]
        data = []
        for c in items:
            color = "#6c757d" if c.met is None else ("#198754" if c.met else "#dc3545")
            data.append(
                {
                    "value": None if c.value is None else round(float(c.value), 4),
                    "itemStyle": {"color": color},
                }
            )
        series = {"type": "bar", "name": defn.name, "data": data}
        if defn.target is not None:
            series["markLine"] = {
                "symbol": "none",
                "lineStyle": {"color": "#fd7e14", "type": "dashed"},
                "label": {"formatter": f"目标 {_fmt(defn.target)}", "position": "insideEndTop"},
                "data": [{"yAxis": float(defn.target)}],
            }
        values = [d["value"] for d in data if d["value"] is not None]
        top = max(values + ([float(defn.target)] if defn.target is not None else []), default=0)
        option = {
            "title": {
                "text": f"{region.name}{period.label}{defn.name}",
                "left": "center",
                "textStyle": {"fontSize": 14},
            },
            "tooltip": {"trigger": "axis"},
            "grid": {"left": 50, "right": 20, "bottom": 70, "top": 50},
            "xAxis": {
                "type": "category",
                "data": names,
                "axisLabel": {"rotate": 40 if len(names) > 8 else 0},
            },
            "yAxis": {"type": "value", "name": defn.value_unit, "max": round(top * 1.15, 4) if top else None},
            "series": [series],
        }
        return JsonResponse(option)


class IndicatorEditView(ObjectEditView):
    model = IndicatorDefinition
    form_class = IndicatorForm

    def check_permission(self, obj):
        super().check_permission(obj)
        if not services.can_edit_definitions(self.request.user):
            raise PermissionDenied("只有创建办可以维护计算指标")

    def save(self, form):
        obj = form.save(commit=False)
        return services.save_indicator(
            obj, actor=self.request.user, expected_version=form.cleaned_data.get("edit_version")
        )


# ---------------------------------------------------------------------------------- ledgers


class LedgerListView(ObjectListView):
    """Ledger rows; `?indicator=CODE&part=numerator|denominator` narrows to the rows behind a number."""

    template_name = "supervision/ledger_list.html"
    extra_actions = (
        ("计算指标", "supervision:indicator_list"),
        ("导入台账", "supervision:import_add"),
        ("导入记录", "supervision:import_list"),
    )

    def base_queryset(self):
        from shian.supervision.filtersets import indicator_records

        qs = self.model.objects.select_related("region")
        code = self.request.GET.get("indicator")
        self.indicator = None
        if code:
            qs, self.indicator = indicator_records(qs, code, self.request.GET.get("part") or "numerator")
        return qs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        if self.indicator is not None:
            part = "分母" if self.request.GET.get("part") == "denominator" else "分子"
            ctx["indicator_note"] = f"仅显示指标“{self.indicator.name}”{part}所计的记录"
        return ctx


class SamplingListView(LedgerListView):
    model = SamplingRecord
    filterset_class = SamplingFilterSet
    table_class = SamplingTable


class ComplaintListView(LedgerListView):
    model = ComplaintRecord
    filterset_class = ComplaintFilterSet
    table_class = ComplaintTable


class CaseListView(LedgerListView):
    model = CaseRecord
    filterset_class = CaseFilterSet
    table_class = CaseTable


class RecordDetailView(ObjectDetailView):
    template_name = "supervision/record_detail.html"

    def base_queryset(self):
        return self.model.objects.select_related("region")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        obj = self.object
        skip = {"id", "region_path", "extra", "version", "created_at", "updated_at"}
        fields = []
        for f in obj._meta.concrete_fields:
            if f.name in skip:
                continue
            value = getattr(obj, f"get_{f.name}_display")() if f.choices else getattr(obj, f.name)
            if isinstance(value, bool):
                value = "是" if value else "否"
            fields.append((f.verbose_name, value))
        from shian.supervision.models import LedgerField

        labels = dict(LedgerField.objects.values_list("key", "label"))
        fields += [(labels.get(k, k), v) for k, v in (obj.extra or {}).items()]
        ctx.update(
            title=f"{obj._meta.verbose_name}：{obj.number}",
            fields=fields,
            history_url=reverse("core:audit_history", args=["supervision", obj._meta.model_name, obj.pk]),
            list_url=reverse(
                LEDGER_LIST[
                    {"samplingrecord": "sampling", "complaintrecord": "complaints", "caserecord": "cases"}[
                        obj._meta.model_name
                    ]
                ]
            ),
        )
        return ctx


# ---------------------------------------------------------------------------------- imports


class ImportCreateView(LoginRequiredMixin, View):
    def get(self, request):
        if change_path(request.user) is None or request.user.is_read_only:
            raise PermissionDenied("只有创建办可以导入监管台账")
        return render(
            request,
            "supervision/import_form.html",
            {
                "form": LedgerImportForm(
                    user=request.user, initial={"ledger": request.GET.get("ledger", "sampling")}
                ),
                "title": "导入监管台账",
            },
        )

    def post(self, request):
        form = LedgerImportForm(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            try:
                batch = services.start_ledger_import(
                    form.cleaned_data["ledger"],
                    form.cleaned_data["file"],
                    actor=request.user,
                    mapping=form.cleaned_data["mapping"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return redirect(batch.get_absolute_url())
        return render(
            request, "supervision/import_form.html", {"form": form, "title": "导入监管台账"}, status=400
        )


class ImportListView(ObjectListView):
    model = ImportBatch
    filterset_class = ImportBatchFilterSet
    table_class = ImportBatchTable
    title = "台账导入记录"
    extra_actions = (("导入台账", "supervision:import_add"),)

    def base_queryset(self):
        return ImportBatch.objects.select_related("created_by")


class ImportDetailView(ObjectDetailView):
    model = ImportBatch
    template_name = "supervision/import_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["title"] = str(self.object)
        ctx["list_url"] = reverse(LEDGER_LIST[self.object.ledger])
        return ctx


class ImportErrorReportView(LoginRequiredMixin, View):
    def get(self, request, pk):
        batch = get_object_for_user(ImportBatch, request.user, pk)
        if not batch.error_report:
            raise Http404
        return file_response(batch.error_report, f"{batch.filename.rsplit('.', 1)[0]}.错误报告.xlsx")


# ---------------------------------------------------------------------------------- metrics


class MetricFormListView(LoginRequiredMixin, View):
    def get(self, request):
        forms = MetricForm.objects.restrict(request.user).select_related("unit").prefetch_related("metrics")
        period = request.GET.get("period") or default_period("quarter", timezone.localdate()).code
        return render(
            request,
            "supervision/metric_form_list.html",
            {
                "title": "统计报表",
                "forms": forms,
                "period": period,
                "upload": MetricWorkbookForm(),
                "can_enter": not request.user.is_read_only,
            },
        )


def _period_of(request, form):
    text = request.GET.get("period") or request.POST.get("period")
    if text:
        return parse_period(text)
    kind = {"month": "month", "quarter": "quarter", "half": "half", "year": "year"}[form.frequency]
    return default_period(kind, timezone.localdate())


def _plain(d):
    """10.00 → 10, 2.50 → 2.5 (for input fields)."""
    if d is None:
        return None
    return int(d) if d == d.to_integral_value() else d.normalize()


class MetricEntryView(LoginRequiredMixin, View):
    """A grid: one row per region the user may fill, one column per metric of the form."""

    def context(self, request, form, period, errors=None, posted=None):
        regions = services.entry_regions(request.user, form)
        if not regions:
            raise PermissionDenied("您不能填报此报表")
        metrics = list(form.metrics.all())
        existing = {
            (v.region_id, v.metric_id): v.value
            for v in MetricValue.objects.filter(metric__form=form, period=period.code, region__in=regions)
        }
        grid = []
        for region in regions:
            cells = []
            for m in metrics:
                name = f"v_{region.pk}_{m.pk}"
                value = posted.get(name) if posted is not None else _plain(existing.get((region.pk, m.pk)))
                cells.append({"name": name, "value": "" if value is None else value})
            grid.append({"region": region, "cells": cells})
        return {
            "title": f"{form.name}（{period.label}）",
            "form_obj": form,
            "period": period,
            "metrics": metrics,
            "grid": grid,
            "errors": errors or [],
        }

    def get(self, request, pk):
        form = get_object_for_user(MetricForm, request.user, pk)
        try:
            period = _period_of(request, form)
        except ValidationError as exc:
            raise Http404(exc.messages[0])
        return render(request, "supervision/metric_entry.html", self.context(request, form, period))

    def post(self, request, pk):
        form = get_object_for_user(MetricForm, request.user, pk)
        period = _period_of(request, form)
        regions = {r.pk: r for r in services.entry_regions(request.user, form)}
        metrics = {m.pk: m for m in form.metrics.all()}
        rows, errors = {}, []
        for key, raw in request.POST.items():
            if not key.startswith("v_"):
                continue
            _v, rid, mid = key.split("_")
            region, metric = regions.get(int(rid)), metrics.get(int(mid))
            if region is None or metric is None:
                raise PermissionDenied("您不能填报此区划")
            raw = raw.strip().replace(",", "")
            try:
                value = Decimal(raw) if raw else None
            except Exception:
                errors.append(f"{region.name}“{metric.name}”：“{raw}”不是有效的数字")
                continue
            rows.setdefault(region, {})[metric.code] = value
        if not errors:
            try:
                saved = services.save_metric_values(form, period.code, rows, actor=request.user)
            except ValidationError as exc:
                errors = exc.messages
            else:
                messages.success(request, f"已保存（{saved} 项有变化）")
                return redirect(
                    reverse("supervision:metric_entry", args=[form.pk]) + f"?period={period.code}"
                )
        return render(
            request,
            "supervision/metric_entry.html",
            self.context(request, form, period, errors, posted=request.POST),
            status=400,
        )


class MetricTemplateView(LoginRequiredMixin, View):
    def get(self, request):
        try:
            period = parse_period(request.GET.get("period") or "")
        except ValidationError as exc:
            raise Http404(exc.messages[0])
        data = services.template_workbook(request.user, period.code)
        response = HttpResponse(
            data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = attachment_header(f"统计报表模板-{period.code}.xlsx")
        return response


class MetricWorkbookImportView(LoginRequiredMixin, View):
    def post(self, request):
        form = MetricWorkbookForm(request.POST, request.FILES)
        period = request.POST.get("period") or ""
        if request.user.is_read_only:
            raise PermissionDenied("只读账号不能填报数据")
        if form.is_valid():
            try:
                saved, errors = services.import_metric_workbook(
                    form.cleaned_data["file"], period, actor=request.user
                )
            except ValidationError as exc:
                errors, saved = exc.messages, 0
            if not errors:
                messages.success(request, f"已导入 {saved} 项数据")
            else:
                messages.error(request, "存在错误，未导入任何数据：" + "；".join(str(e) for e in errors[:10]))
        else:
            messages.error(request, "请选择文件")
        return redirect(reverse("supervision:metric_form_list") + f"?period={period}")


class MetricValueListView(ObjectListView):
    model = MetricValue
    filterset_class = MetricValueFilterSet
    table_class = MetricValueTable
    extra_actions = (("统计报表", "supervision:metric_form_list"),)

    def base_queryset(self):
        return MetricValue.objects.select_related("metric", "region", "unit")
