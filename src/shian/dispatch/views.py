"""Dispatch pages: rounds (list, open, detail with on-time / late / missing units, close), the unit's
report form, report detail, the report list and the per-unit timeliness across rounds."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, F, Q
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from shian.campaigns.models import Campaign
from shian.campaigns.services import current_campaign
from shian.core.exports import xlsx_response
from shian.core.figures import rate_float as rate
from shian.core.services import ConcurrentEditError
from shian.core.views import ObjectListView, get_object_for_user
from shian.dispatch import services
from shian.dispatch.choices import ReportStatus, RoundStatus, Timeliness
from shian.dispatch.filtersets import ReportFilterSet, RoundFilterSet
from shian.dispatch.forms import ReportTextForm, RoundForm
from shian.dispatch.models import DispatchReport, DispatchRound
from shian.dispatch.tables import TIMELINESS_CSS, ReportTable, RoundTable
from shian.organisation.choices import Role
from shian.workplan import services as task_services
from shian.workplan.choices import TaskStatus


def _is_unit_user(user):
    return user.role in task_services.UNIT_ROLES and user.unit_id


class RoundListView(ObjectListView):
    model = DispatchRound
    filterset_class = RoundFilterSet
    table_class = RoundTable
    title = "调度轮次"
    create_url_name = "dispatch:round_add"
    template_name = "dispatch/round_list.html"

    def base_queryset(self):
        submitted = Q(reports__status=ReportStatus.SUBMITTED)
        return DispatchRound.objects.annotate(
            report_count=Count("reports", distinct=True),
            submitted_count=Count("reports", filter=submitted, distinct=True),
            late_count=Count(
                "reports", filter=submitted & Q(reports__submitted_at__gt=F("deadline")), distinct=True
            ),
        ).order_by("-opened_at", "-id")

    def can_create(self):
        user = self.request.user
        return not user.is_read_only and (user.is_admin or user.role == Role.OFFICE)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        if _is_unit_user(user):
            ctx["my_open_reports"] = list(
                DispatchReport.objects.filter(unit_id=user.unit_id, round__status=RoundStatus.OPEN)
                .exclude(status=ReportStatus.SUBMITTED)
                .select_related("round")
                .order_by("round__deadline")
            )
        return ctx


def _manageable_campaigns(user):
    return Campaign.objects.restrict(user, "change").unarchived().select_related("region")


@login_required
def round_create(request):
    user = request.user
    campaigns = _manageable_campaigns(user)
    if user.is_read_only or not (user.is_admin or user.role == Role.OFFICE) or not campaigns.exists():
        raise PermissionDenied("只有创建办可以发起调度")
    now = timezone.localtime()
    default = current_campaign(user, queryset=campaigns)
    initial = {
        "campaign": default.pk if default else None,
        "kind": "monthly",
        "title": f"{now.year}年{now.month}月食安创城工作月调度",
        "period_label": f"{now.year}年{now.month}月",
        "deadline": (now + datetime.timedelta(days=7)).replace(hour=17, minute=0, second=0, microsecond=0),
    }
    form = RoundForm(request.POST or None, campaigns=campaigns, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            rnd = services.open_round(
                d["campaign"],
                d["kind"],
                d["title"],
                d["deadline"],
                d["period_label"],
                d["instructions"],
                list(d["units"]) or None,
                actor=user,
            )
        except ValidationError as exc:
            for field, errs in getattr(exc, "message_dict", {None: exc.messages}).items():
                form.add_error(field if field in form.fields else None, errs)
        else:
            messages.success(request, f"已发起调度，{rnd.reports.count()}个单位需报送")
            return redirect(rnd.get_absolute_url())
    return render(
        request,
        "core/object_edit.html",
        {"form": form, "title": "发起调度"},
        status=400 if request.method == "POST" else 200,
    )


def _round_reports(user, rnd):
    """The round's reports this user may see (a unit sees only its own)."""
    return DispatchReport.objects.restrict(user).filter(round=rnd)


@login_required
def round_detail(request, pk):
    user = request.user
    rnd = get_object_for_user(
        DispatchRound, user, pk, queryset=DispatchRound.objects.select_related("campaign__region")
    )
    unit_view = bool(_is_unit_user(user) and not user.region_scope)
    if unit_view:
        summary = _summary_for(rnd, _round_reports(user, rnd))
    else:
        summary = services.round_summary(rnd)
    if request.GET.get("export") == "xlsx":
        return _export_round(rnd, summary)
    can_manage = not user.is_read_only and task_services.can_manage_campaign(user, rnd.campaign)
    my_report = (
        next((r for r in summary["reports"] if r.unit_id == user.unit_id), None) if user.unit_id else None
    )
    groups = [
        (Timeliness.ON_TIME.label, "success", summary["on_time"]),
        (Timeliness.LATE.label, "warning", summary["late"]),
        (Timeliness.MISSING.label, "danger", summary["missing"]),
    ]
    return render(
        request,
        "dispatch/round_detail.html",
        {
            "round": rnd,
            "object": rnd,
            "title": rnd.title,
            "summary": summary,
            "groups": groups,
            "css": {k.value: v for k, v in TIMELINESS_CSS.items()},
            "can_manage": can_manage,
            "my_report": my_report,
            "can_file": my_report is not None
            and rnd.is_open
            and task_services.acts_for_unit(user, my_report.unit_id)
            and my_report.status != ReportStatus.SUBMITTED,
            "now": timezone.now(),
            "unit_view": unit_view,
        },
    )


def _summary_for(rnd, reports_qs):
    reports = list(reports_qs.select_related("unit", "submitted_by"))
    out = {"on_time": [], "late": [], "missing": []}
    for r in reports:
        r.round = rnd
        out[services.timeliness_of(r, rnd.deadline)].append(r)
    return {**out, "reports": reports, "total": len(reports), "rate": rate(len(out["on_time"]), len(reports))}


def _export_round(rnd, summary):
    rows = [["单位", "报送状态", "及时性", "报送时间", "报送人", "工作进展", "存在问题", "需协调事项"]]
    for r in summary["reports"]:
        rows.append(
            [
                r.unit.name,
                r.get_status_display(),
                r.timeliness_label,
                timezone.localtime(r.submitted_at).strftime("%Y-%m-%d %H:%M") if r.submitted_at else "",
                str(r.submitted_by or ""),
                r.narrative,
                r.problems,
                r.help_needed,
            ]
        )
    return xlsx_response(rows, f"{rnd.title}-{timezone.localdate():%Y%m%d}.xlsx", sheet_title="调度报送情况")


@require_POST
@login_required
def round_close(request, pk):
    rnd = get_object_for_user(
        DispatchRound,
        request.user,
        pk,
        "change",
        queryset=DispatchRound.objects.select_related("campaign__region"),
    )
    try:
        services.close_round(rnd, actor=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "本轮调度已结束")
    return redirect(rnd.get_absolute_url())


def _report_qs():
    return DispatchReport.objects.select_related("round__campaign__region", "unit", "submitted_by")


@login_required
def report_detail(request, pk):
    user = request.user
    report = get_object_for_user(DispatchReport, user, pk, queryset=_report_qs())
    lines = report.lines.select_related("task__item").order_by("task__deadline", "task_id")
    can_edit = (
        report.round.is_open
        and report.status != ReportStatus.SUBMITTED
        and task_services.acts_for_unit(user, report.unit_id)
    )
    return render(
        request,
        "dispatch/report_detail.html",
        {
            "report": report,
            "object": report,
            "lines": lines,
            "title": f"{report.unit} · {report.round}",
            "can_edit": can_edit,
        },
    )


def _line_rows(report, data=None):
    """One row per task of the unit: (task, status, progress, note) from the POST, the draft, or the task."""
    tasks = list(services.report_tasks(report))
    saved = {ln.task_id: ln for ln in report.lines.all()}
    rows = []
    for t in tasks:
        if data is not None:
            status = data.get(f"line-{t.pk}-status", t.status)
            progress = data.get(f"line-{t.pk}-progress", t.progress)
            note = data.get(f"line-{t.pk}-note", "")
        elif t.pk in saved:
            ln = saved[t.pk]
            status, progress, note = ln.status, ln.progress, ln.note
        else:
            status, progress, note = t.status, t.progress, ""
        rows.append(
            {
                "task": t,
                "status": status,
                "progress": progress,
                "note": note,
                "locked": t.status == TaskStatus.DONE,
                "choices": LINE_CHOICES_FROM.get(t.status, ()),
            }
        )
    return rows


LINE_STATUS_CHOICES = [
    (TaskStatus.PENDING_CLAIM.value, "未开始"),
    (TaskStatus.IN_PROGRESS.value, "进行中"),
    (TaskStatus.SUBMITTED.value, "已完成，提交审核"),
]
# A unit moves its tasks forward only: what it may report from each current status.
LINE_CHOICES_FROM = {
    TaskStatus.PENDING_CLAIM: LINE_STATUS_CHOICES,
    TaskStatus.IN_PROGRESS: LINE_STATUS_CHOICES[1:],
    TaskStatus.SUBMITTED: LINE_STATUS_CHOICES[2:],
}


@login_required
def report_edit(request, pk):
    user = request.user
    report = get_object_for_user(DispatchReport, user, pk, "change", queryset=_report_qs())
    if not task_services.acts_for_unit(user, report.unit_id):
        raise PermissionDenied("只能填报本单位的调度报告")
    if request.method == "POST":
        form = ReportTextForm(request.POST)
        rows = _line_rows(report, request.POST)
        submit = request.POST.get("action") == "submit"
        if form.is_valid():
            d = form.cleaned_data
            lines = [(r["task"], r["status"], r["progress"], r["note"]) for r in rows if not r["locked"]]
            try:
                services.save_report(
                    report,
                    d["narrative"],
                    d["problems"],
                    d["help_needed"],
                    lines,
                    submit,
                    actor=user,
                    expected_version=d.get("edit_version"),
                )
            except (ValidationError, ConcurrentEditError) as exc:
                if isinstance(exc, ConcurrentEditError):
                    form.add_error(None, str(exc))
                else:
                    for field, errs in getattr(exc, "message_dict", {None: exc.messages}).items():
                        form.add_error(field if field in form.fields else None, errs)
            else:
                report.refresh_from_db()
                if submit:
                    label = "按时" if report.timeliness == Timeliness.ON_TIME else "逾期"
                    messages.success(request, f"报告已报送（{label}）")
                    return redirect(report.get_absolute_url())
                messages.success(request, "草稿已保存")
                return redirect(reverse("dispatch:report_edit", args=[report.pk]))
        status = 400
    else:
        if not report.round.is_open:
            messages.error(request, "本轮调度已结束，不能再填报")
            return redirect(report.get_absolute_url())
        if report.status == ReportStatus.SUBMITTED:
            messages.info(request, "报告已报送")
            return redirect(report.get_absolute_url())
        form = ReportTextForm(
            initial={
                "narrative": report.narrative,
                "problems": report.problems,
                "help_needed": report.help_needed,
                "edit_version": report.version,
            }
        )
        rows = _line_rows(report)
        status = 200
    return render(
        request,
        "dispatch/report_form.html",
        {
            "report": report,
            "form": form,
            "rows": rows,
            "title": f"填报：{report.round.title}",
            "late": timezone.now() > report.round.deadline,
        },
        status=status,
    )


class ReportListView(ObjectListView):
    model = DispatchReport
    filterset_class = ReportFilterSet
    table_class = ReportTable
    title = "调度报告"

    def base_queryset(self):
        return DispatchReport.objects.select_related("round", "unit", "submitted_by")


def _timeliness_rows(request):
    user = request.user
    campaigns = Campaign.objects.restrict(user).order_by("-created_at")
    cid = request.GET.get("campaign")
    campaign = current_campaign(user, cid or None)
    rows = (
        services.unit_timeliness(campaign, reports=DispatchReport.objects.restrict(user)) if campaign else []
    )
    return campaigns, campaign, rows


@login_required
def timeliness_chart(request):
    """ECharts option: reports on time / late / missing per unit, stacked (worst units at the top)."""
    _, _, rows = _timeliness_rows(request)
    rows = sorted(
        rows, key=lambda r: (r["rate"] if r["rate"] is not None else 100, -r["missing"]), reverse=True
    )
    names = [r["short_name"] for r in rows]
    series = [
        {
            "name": label,
            "type": "bar",
            "stack": "total",
            "data": [r[key] for r in rows],
            "itemStyle": {"color": color},
        }
        for key, label, color in (
            ("on_time", "按时", "#198754"),
            ("late", "逾期报送", "#ffc107"),
            ("missing", "未报送", "#dc3545"),
        )
    ]
    return JsonResponse(
        {
            "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
            "legend": {"top": 0},
            "grid": {"left": 8, "right": 16, "top": 32, "bottom": 8, "containLabel": True},
            "xAxis": {"type": "value", "minInterval": 1},
            "yAxis": {"type": "category", "data": names},
            "series": series,
        }
    )


@login_required
def timeliness(request):
    campaigns, campaign, rows = _timeliness_rows(request)
    if request.GET.get("export") == "xlsx":
        data = [["单位", "应报轮次", "按时", "逾期报送", "未报送", "按时率(%)"]]
        data += [[r["unit"], r["rounds"], r["on_time"], r["late"], r["missing"], r["rate"]] for r in rows]
        return xlsx_response(
            data, f"调度报送及时性-{timezone.localdate():%Y%m%d}.xlsx", sheet_title="报送及时性"
        )
    return render(
        request,
        "dispatch/timeliness.html",
        {
            "rows": rows,
            "campaign": campaign,
            "campaigns": campaigns,
            "title": "报送及时性",
            "chart_height": max(240, 22 * len(rows) + 60),
        },
    )
