"""Plans, draws and checklists (the office's desk); the field pages are in fieldwork.py."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views import View

from shian.core.exports import attachment_header
from shian.core.views import ObjectEditView, ObjectListView, get_object_for_user
from shian.inspections import checklists, record, services
from shian.inspections.filtersets import ChecklistFilterSet, PlanFilterSet
from shian.inspections.forms import AssignForm, ChecklistImportForm, DrawForm, PlanForm, ReasonForm
from shian.inspections.models import Checklist, DrawnSite, InspectionPlan, ItemCategory
from shian.inspections.tables import ChecklistTable, PlanTable

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx(data, filename):
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = attachment_header(filename)
    return response


class PlanListView(ObjectListView):
    model = InspectionPlan
    filterset_class = PlanFilterSet
    table_class = PlanTable
    create_url_name = "inspections:plan_add"
    title = "明查暗访计划"
    extra_actions = [
        ("我的检查", "inspections:my_visits"),
        ("现场检查表", "inspections:checklist_list"),
        ("检查频次", "inspections:frequency"),
    ]

    def base_queryset(self):
        return InspectionPlan.objects.select_related("campaign")

    def can_create(self):
        return self.request.user.is_office and not self.request.user.is_read_only


class PlanEditView(ObjectEditView):
    model = InspectionPlan
    form_class = PlanForm

    def check_permission(self, obj):
        super().check_permission(obj)
        if obj is not None:
            services.check_office(obj, self.request.user)
        elif not self.request.user.is_office:
            raise PermissionDenied("只有创建办可以制定检查计划")

    def save(self, form):
        d = dict(form.cleaned_data)
        quotas = form.quotas()
        areas = list(d.pop("areas"))
        d.pop("edit_version", None)
        fields = {k: d[k] for k in form.Meta.fields if k not in ("areas", "campaign")}
        if form.instance.pk:
            plan = form.save()
            plan.quotas.filter(area__isnull=True).delete()
            for cat, area, n in quotas:
                plan.quotas.create(category=cat, area=area, quota=n)
            return plan
        return services.create_plan(
            d["campaign"], actor=self.request.user, quotas=quotas, areas=areas, **fields
        )


class PlanDetailView(LoginRequiredMixin, View):
    def get(self, request, pk, **forms):
        plan = get_object_for_user(
            InspectionPlan,
            request.user,
            pk,
            queryset=InspectionPlan.objects.select_related("campaign__region", "drawn_by"),
        )
        return render(request, "inspections/plan_detail.html", _plan_context(request, plan, **forms))


def _plan_context(request, plan, **forms):
    user = request.user
    sites = list(
        plan.sites.select_related("business__category", "business__region").prefetch_related("visits")
    )
    return {
        "object": plan,
        "title": plan.name,
        "is_office": services.is_office_for(plan, user),
        "quotas": plan.quotas.select_related("category", "area"),
        "areas": plan.areas.all(),
        "sites": sites,
        "strata": plan.draw_record.get("strata", []),
        "visits": plan.visits.select_related("business__category", "inspector").order_by("id"),
        "summary": services.plan_summary(plan) if plan.seed is not None else None,
        "draw_form": forms.get("draw_form") or DrawForm(user=user, initial={"seed": plan.seed}),
        "assign_form": forms.get("assign_form") or AssignForm(user=user),
        "reason_form": ReasonForm(user=user),
        "assessments": _assessments(plan, user),
        "points": _points(plan),
        "error": forms.get("error"),
    }


def _assessments(plan, user):
    from shian.scoring.models import Assessment

    return Assessment.objects.restrict(user, "change").filter(campaign=plan.campaign).order_by("-created_at")


def _points(plan):
    from shian.inspections import rollup

    return [row for row in rollup.planned_points(plan) if row[4] is not None] if plan.seed is not None else []


class PlanActionView(LoginRequiredMixin, View):
    """draw / assign (office)."""

    def post(self, request, pk, action):
        plan = get_object_for_user(InspectionPlan, request.user, pk, "change")
        form_class = {"draw": DrawForm, "assign": AssignForm}.get(action)
        if form_class is None:
            raise PermissionDenied
        form = form_class(request.POST, user=request.user)
        if not form.is_valid():
            ctx = _plan_context(request, plan, **{f"{action}_form": form})
            return render(request, "inspections/plan_detail.html", ctx, status=400)
        try:
            if action == "draw":
                results = services.draw_sites(plan, actor=request.user, seed=form.cleaned_data["seed"])
                messages.success(
                    request,
                    f"已抽取：{sum(len(r.selected) for r in results)}个正选点位，"
                    f"{sum(len(r.reserves) for r in results)}个备选点位（种子{plan.seed}）",
                )
            else:
                visits = services.assign_visits(
                    plan,
                    actor=request.user,
                    inspectors=form.cleaned_data["inspectors"],
                    scheduled_on=form.cleaned_data["scheduled_on"],
                )
                messages.success(request, f"已分派{len(visits)}个检查点位")
        except ValidationError as exc:
            ctx = _plan_context(request, plan, error="；".join(exc.messages))
            return render(request, "inspections/plan_detail.html", ctx, status=400)
        return redirect(plan.get_absolute_url())


class DrawRecordView(LoginRequiredMixin, View):
    """The draw record as an xlsx document: who, when, seed, snapshot, strata, result."""

    def get(self, request, pk):
        plan = get_object_for_user(InspectionPlan, request.user, pk)
        if plan.seed is None:
            raise PermissionDenied("尚未抽取")
        return _xlsx(
            record.draw_record_xlsx(plan), f"抽取记录-{plan.name}-{timezone.localdate():%Y%m%d}.xlsx"
        )


class ReplaceSiteView(LoginRequiredMixin, View):
    def post(self, request, pk):
        site = (
            DrawnSite.objects.select_related("plan__campaign__region")
            .filter(plan__in=InspectionPlan.objects.restrict(request.user, "change"), pk=pk)
            .first()
        )
        if site is None:
            from django.http import Http404

            raise Http404
        form = ReasonForm(request.POST, user=request.user)
        try:
            if not form.is_valid():
                raise ValidationError("请填写无法检查的原因")
            reserve = services.replace_site(site, actor=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, f"已由备选“{reserve.business}”替换" if reserve else "本层已无备选点位")
        return redirect(site.plan.get_absolute_url())


class ChecklistListView(ObjectListView):
    model = Checklist
    filterset_class = ChecklistFilterSet
    table_class = ChecklistTable
    title = "现场检查表"

    def base_queryset(self):
        return Checklist.objects.select_related("category")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["extra_actions"] = [("导出现行检查表", "inspections:checklist_export")]
        if self.request.user.is_office and not self.request.user.is_read_only:
            ctx["extra_actions"].append(("导入检查表", "inspections:checklist_import"))
        return ctx


class ChecklistDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        cl = get_object_for_user(
            Checklist, request.user, pk, queryset=Checklist.objects.select_related("category")
        )
        return render(
            request,
            "inspections/checklist_detail.html",
            {"object": cl, "title": str(cl), "items": cl.items.all()},
        )


class ChecklistExportView(LoginRequiredMixin, View):
    def get(self, request):
        qs = (
            Checklist.objects.restrict(request.user)
            .current()
            .select_related("category")
            .prefetch_related("items")
        )
        return _xlsx(checklists.export_checklists(qs), f"现场检查表-{timezone.localdate():%Y%m%d}.xlsx")


class ChecklistImportView(LoginRequiredMixin, View):
    title = "导入现场检查表"

    def get(self, request):
        if not request.user.is_office or request.user.is_read_only:
            raise PermissionDenied
        return render(
            request,
            "inspections/checklist_import.html",
            {"form": ChecklistImportForm(user=request.user), "title": self.title},
        )

    def post(self, request):
        if not request.user.is_office or request.user.is_read_only:
            raise PermissionDenied
        form = ChecklistImportForm(request.POST, request.FILES, user=request.user)
        errors = []
        if form.is_valid():
            try:
                done = checklists.import_checklists(
                    form.cleaned_data["file"], actor=request.user, basis=form.cleaned_data["basis"]
                )
            except ValidationError as exc:
                errors = exc.messages
            else:
                messages.success(request, "已导入：" + "、".join(str(c) for c in done))
                return redirect("inspections:checklist_list")
        return render(
            request,
            "inspections/checklist_import.html",
            {"form": form, "errors": errors, "title": self.title},
            status=400,
        )


class FrequencyView(LoginRequiredMixin, View):
    """Risk-based frequency: businesses inspected less often this year than their grade requires."""

    def get(self, request):
        from shian.inspections.credit import frequency
        from shian.registry.models import Business

        year = timezone.localdate().year
        behind, summary = frequency(Business.objects.restrict(request.user), year)
        if request.GET.get("export") == "xlsx":
            from shian.core.exports import xlsx_response

            rows = [
                [
                    "主体名称",
                    "统一社会信用代码/许可证",
                    "业态",
                    "乡镇（街道）",
                    "风险等级",
                    "本年已检查",
                    "至少应检查",
                ]
            ]
            rows += [
                [
                    r["business"].name,
                    r["business"].identifier,
                    r["business"].category.name,
                    r["business"].region.name,
                    r["business"].risk_grade,
                    r["done"],
                    r["required"],
                ]
                for r in behind
            ]
            return xlsx_response(rows, f"检查频次不足主体-{year}.xlsx", sheet_title="检查频次不足")
        return render(
            request,
            "inspections/frequency.html",
            {"title": "风险分级检查频次", "year": year, "behind": behind, "summary": summary},
        )


class RollupView(LoginRequiredMixin, View):
    """Write the plan's visit scores into an assessment's 现场检查 items."""

    def post(self, request, pk):
        from shian.inspections import rollup
        from shian.scoring.models import Assessment

        plan = get_object_for_user(InspectionPlan, request.user, pk, "change")
        assessment = (
            Assessment.objects.restrict(request.user, "change")
            .filter(pk=request.POST.get("assessment") or 0, campaign=plan.campaign)
            .first()
        )
        if assessment is None:
            messages.error(request, "请选择本创建项目的评审")
            return redirect(plan.get_absolute_url())
        try:
            written = rollup.roll_up(plan, assessment, actor=request.user)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
            return redirect(plan.get_absolute_url())
        messages.success(request, f"已写入“{assessment}”{len(written)}个现场检查评分项")
        return redirect(assessment.get_absolute_url())


class MappingView(LoginRequiredMixin, View):
    """The framework's 现场检查 items and the 业态 whose visits score them."""

    def _framework(self, request, pk):
        from shian.framework.models import Framework

        return get_object_for_user(Framework, request.user, pk)

    def get(self, request, pk):
        from shian.inspections import rollup
        from shian.registry.models import SiteCategory

        fw = self._framework(request, pk)
        chosen = {}
        for m in ItemCategory.objects.filter(item__indicator__category__framework=fw):
            chosen.setdefault(m.item_id, set()).add(m.category_id)
        rows = [(i, chosen.get(i.pk, set())) for i in rollup.onsite_items(fw)]
        return render(
            request,
            "inspections/mapping.html",
            {
                "framework": fw,
                "rows": rows,
                "categories": SiteCategory.objects.filter(is_active=True),
                "title": f"现场检查评分项对应业态：{fw}",
            },
        )

    def post(self, request, pk):
        from django.core.exceptions import PermissionDenied as Denied

        from shian.inspections import rollup
        from shian.registry.models import SiteCategory

        fw = self._framework(request, pk)
        cats = {c.pk: c for c in SiteCategory.objects.all()}
        try:
            for item in rollup.onsite_items(fw):
                ids = [int(x) for x in request.POST.getlist(f"item_{item.pk}") if x.isdigit()]
                rollup.set_mapping(item, [cats[i] for i in ids if i in cats], actor=request.user)
        except Denied as exc:
            raise PermissionDenied(str(exc))
        messages.success(request, "已保存评分项与业态的对应关系")
        return redirect(request.path)
