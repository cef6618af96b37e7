from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views import View

from shian.campaigns.models import Campaign
from shian.campaigns.services import current_campaign
from shian.core.exports import attachment_header
from shian.core.services import ConcurrentEditError
from shian.core.views import ObjectEditView, ObjectListView, get_object_for_user
from shian.rectification import ledger, services
from shian.rectification.filtersets import ProblemFilterSet, SummonsFilterSet
from shian.rectification.forms import (
    ImportForm,
    ProblemForm,
    ProgressForm,
    ReasonForm,
    SubmitForm,
    SummonsForm,
    VerifyForm,
)
from shian.rectification.models import Problem, Summons
from shian.rectification.tables import ProblemTable, SummonsTable
from shian.scoring.models import Assessment


class ProblemListView(ObjectListView):
    model = Problem
    filterset_class = ProblemFilterSet
    table_class = ProblemTable
    create_url_name = "rectification:problem_add"
    template_name = "rectification/problem_list.html"
    title = "问题整改台账"

    def base_queryset(self):
        return Problem.objects.select_related("unit", "campaign")

    def can_create(self):
        return self.request.user.is_office

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "ledger":
            filterset = self.get_filterset(self.get_filterset_class())
            if not filterset.is_valid():
                raise PermissionDenied("筛选条件无效")
            qs = (
                filterset.qs.select_related("unit")
                .prefetch_related("items")
                .order_by("campaign", "seq", "id")
            )
            first = qs.first()
            title = f"{first.campaign.region if first else ''}食品安全示范创建问题整改台账"
            data = ledger.write_ledger_xlsx(qs, title)
            response = HttpResponse(
                data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            )
            response["Content-Disposition"] = attachment_header(
                f"问题整改台账-{timezone.localdate():%Y%m%d}.xlsx"
            )
            return response
        return super().get(request, *args, **kwargs)


class ProblemDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        problem = get_object_for_user(
            Problem,
            request.user,
            pk,
            queryset=Problem.objects.select_related(
                "campaign__region", "unit", "verified_by", "deduction__score__assessment", "summons"
            ),
        )
        return render(request, "rectification/problem_detail.html", _detail_context(request, problem))


def _detail_context(request, problem, **forms):
    user = request.user
    is_office = services.is_office_for(problem.campaign, user)
    is_unit = user.role in ("unit_head", "liaison") and user.unit_id == problem.unit_id
    can_report = (is_office or is_unit) and not problem.is_closed
    ctx = {
        "object": problem,
        "title": str(problem),
        "notes": problem.notes.select_related("author"),
        "items": problem.items.all(),
        "is_office": is_office,
        "can_report": can_report,
        "progress_form": forms.get("progress_form") or ProgressForm(user=user),
        "submit_form": forms.get("submit_form") or SubmitForm(user=user),
        "verify_form": forms.get("verify_form") or VerifyForm(user=user),
        "reason_form": forms.get("reason_form") or ReasonForm(user=user),
        "error": forms.get("error"),
    }
    return ctx


class ProblemActionView(LoginRequiredMixin, View):
    """progress / submit (unit), verify / reject / reopen (office)."""

    def post(self, request, pk, action):
        problem = get_object_for_user(Problem, request.user, pk, "change")
        user = request.user
        forms = {
            "progress": ProgressForm,
            "submit": SubmitForm,
            "verify": VerifyForm,
            "reject": ReasonForm,
            "reopen": ReasonForm,
        }
        if action not in forms:
            raise PermissionDenied
        form = forms[action](request.POST, request.FILES, user=user)
        key = {"progress": "progress_form", "submit": "submit_form", "verify": "verify_form"}.get(
            action, "reason_form"
        )
        if not form.is_valid():
            return render(
                request,
                "rectification/problem_detail.html",
                _detail_context(request, problem, **{key: form}),
                status=400,
            )
        d = form.cleaned_data
        try:
            version = request.POST.get("version")
            if action == "progress":
                services.add_progress(problem, actor=user, text=d["text"], expected_version=version)
            elif action == "submit":
                services.submit_completion(
                    problem,
                    actor=user,
                    text=d["text"],
                    evidence_file=d.get("evidence"),
                    expected_version=version,
                )
            elif action == "verify":
                services.verify_problem(
                    problem, actor=user, method=d["method"], note=d["note"], expected_version=version
                )
            elif action == "reject":
                services.reject_completion(problem, actor=user, reason=d["reason"], expected_version=version)
            else:
                services.reopen_problem(
                    problem,
                    actor=user,
                    reason=d["reason"],
                    deadline=d.get("deadline"),
                    expected_version=version,
                )
        except (ValidationError, ConcurrentEditError) as exc:
            problem.refresh_from_db()
            text = "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            return render(
                request,
                "rectification/problem_detail.html",
                _detail_context(request, problem, error=text),
                status=400,
            )
        messages.success(
            request,
            {
                "progress": "已填报整改进展",
                "submit": "已申请销号，等待创建办核验",
                "verify": "已销号",
                "reject": "已退回整改",
                "reopen": "已重新打开",
            }[action],
        )
        return redirect(problem.get_absolute_url())


class EvidenceDownloadView(LoginRequiredMixin, View):
    def get(self, request, pk):
        from django.http import Http404

        from shian.core.files import file_response

        problem = get_object_for_user(Problem, request.user, pk)
        if not problem.completion_evidence:
            raise Http404
        return file_response(problem.completion_evidence, problem.completion_evidence.name.rsplit("/", 1)[-1])


class ProblemEditView(ObjectEditView):
    model = Problem
    form_class = ProblemForm

    def check_permission(self, obj):
        super().check_permission(obj)
        if obj is not None:
            services.check_office(obj.campaign, self.request.user)
        elif not self.request.user.is_office:
            raise PermissionDenied("只有创建办可以登记整改问题")

    def get_initial(self):
        campaign = current_campaign(
            self.request.user, queryset=Campaign.objects.restrict(self.request.user, "change")
        )
        return {"campaign": campaign.pk if campaign else None}

    def save(self, form):
        d = dict(form.cleaned_data)
        items = d.pop("items", [])
        expected = d.pop("edit_version", None)
        if form.instance.pk:
            d.pop("campaign", None)
            return services.update_problem(
                form.instance, actor=self.request.user, expected_version=expected, items=items, **d
            )
        campaign = d.pop("campaign")
        return services.create_problem(campaign, actor=self.request.user, items=items, **d)


class ImportView(LoginRequiredMixin, View):
    def _check(self, request):
        if not request.user.is_office:
            raise PermissionDenied("只有创建办可以导入整改台账")

    def get(self, request):
        self._check(request)
        return render(
            request,
            "rectification/import.html",
            {"form": ImportForm(user=request.user), "title": "导入整改台账"},
        )

    def post(self, request):
        self._check(request)
        form = ImportForm(request.POST, request.FILES, user=request.user)
        errors = []
        if form.is_valid():
            try:
                created = ledger.import_ledger(
                    form.cleaned_data["campaign"], form.cleaned_data["file"], actor=request.user
                )
            except ValidationError as exc:
                errors = exc.messages
            else:
                messages.success(request, f"已导入整改问题{len(created)}个")
                return redirect(f"/rectification/?campaign={form.cleaned_data['campaign'].pk}")
        return render(
            request,
            "rectification/import.html",
            {"form": form, "errors": errors, "title": "导入整改台账"},
            status=400,
        )


class StatsView(LoginRequiredMixin, View):
    """Per unit: closed-loop rate, on-time rate, average days to close."""

    def get(self, request):
        qs = Problem.objects.restrict(request.user)
        campaign = request.GET.get("campaign")
        if campaign and campaign.isdigit():
            qs = qs.filter(campaign_id=campaign)
        rows = services.unit_stats(qs)
        if request.GET.get("export") == "xlsx":
            from shian.core.exports import xlsx_response

            data = [
                [
                    "责任单位",
                    "问题数",
                    "已销号",
                    "未销号",
                    "逾期未销号",
                    "闭环率",
                    "按时销号率",
                    "平均整改天数",
                ]
            ]
            data += [
                [
                    r["unit"].name,
                    r["total"],
                    r["closed"],
                    r["open"],
                    r["overdue"],
                    _pct(r["closed_rate"]),
                    _pct(r["on_time_rate"]),
                    r["avg_days"] if r["avg_days"] is not None else "",
                ]
                for r in rows
            ]
            return xlsx_response(
                data, f"整改闭环统计-{timezone.localdate():%Y%m%d}.xlsx", sheet_title="整改闭环统计"
            )
        return render(
            request,
            "rectification/stats.html",
            {"rows": rows, "title": "整改闭环统计", "campaigns": Campaign.objects.restrict(request.user)},
        )


def _pct(v):
    return "" if v is None else f"{v * 100:.1f}%"


class EscalateView(LoginRequiredMixin, View):
    """The office runs escalation now (it also runs daily as `shian escalate-problems`)."""

    def post(self, request):
        campaigns = Campaign.objects.restrict(request.user, "change").unarchived()
        if request.user.is_read_only or not request.user.is_office:
            raise PermissionDenied
        total = {"reminder": 0, "warning": 0, "interview": 0}
        for c in campaigns:
            for k, v in services.escalate_problems(campaign=c, actor=request.user).items():
                total[k] += v
        messages.success(
            request,
            f"逾期升级完成：催办{total['reminder']}个，通报预警{total['warning']}个，约谈{total['interview']}个",
        )
        return redirect("rectification:problem_list")


class SummonsListView(ObjectListView):
    model = Summons
    filterset_class = SummonsFilterSet
    table_class = SummonsTable
    title = "约谈记录"

    def base_queryset(self):
        return Summons.objects.select_related("unit")


class SummonsEditView(ObjectEditView):
    model = Summons
    form_class = SummonsForm
    template_name = "rectification/summons_edit.html"

    def check_permission(self, obj):
        super().check_permission(obj)
        services.check_office(obj.campaign, self.request.user)

    def render_form(self, form, obj, status=200):
        return render(
            self.request,
            self.template_name,
            {
                "form": form,
                "object": obj,
                "title": f"约谈记录：{obj.unit}",
                "problems": obj.problems.select_related("unit"),
            },
            status=status,
        )

    def save(self, form):
        d = form.cleaned_data
        summons = form.instance
        summons.reason = d["reason"]
        return services.record_summons(
            summons,
            actor=self.request.user,
            held_on=d["held_on"],
            attendees=d["attendees"],
            outcome=d["outcome"],
            convener=d["convener"],
            expected_version=d.get("edit_version"),
        )

    def get_success_url(self, obj):
        from django.urls import reverse

        return reverse("rectification:summons_list")


class ToProblemsView(LoginRequiredMixin, View):
    """All deductions of the assessment that are not yet problems become problems, in one action."""

    def post(self, request, pk):
        assessment = get_object_for_user(Assessment, request.user, pk, "change")
        try:
            created = services.problems_from_deductions(assessment, actor=request.user)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
            return redirect(assessment.get_absolute_url())
        messages.success(
            request, f"已生成整改问题{len(created)}个" if created else "没有新的扣分需要转为整改问题"
        )
        from django.urls import reverse

        return redirect(f"{reverse('rectification:problem_list')}?campaign={assessment.campaign_id}")
