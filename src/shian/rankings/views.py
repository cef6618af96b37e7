"""Pages: schemes and their runs, a run (红黑榜 table, trend, xlsx / .docx), 约谈 list and record."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from shian.core import policy
from shian.core.exports import attachment_header, xlsx_response
from shian.core.views import get_object_for_user
from shian.rankings import bulletin, services
from shian.rankings.choices import InterviewStatus
from shian.rankings.models import Interview, RankingRun, RankingScheme


def _errors(exc):
    return (
        "；".join(m for ms in exc.message_dict.values() for m in ms)
        if hasattr(exc, "message_dict")
        else "；".join(exc.messages)
    )


@login_required
def run_list(request):
    schemes = list(RankingScheme.objects.restrict(request.user).select_related("campaign"))
    runs = (
        RankingRun.objects.restrict(request.user).select_related("scheme").order_by("scheme", "-period_start")
    )
    by_scheme = {s.pk: [] for s in schemes}
    for r in runs:
        by_scheme.setdefault(r.scheme_id, []).append(r)
    rows = [(s, by_scheme[s.pk], policy.manages(request.user, s.campaign)) for s in schemes]
    return render(request, "rankings/run_list.html", {"rows": rows, "today": datetime.date.today()})


@login_required
def scheme_detail(request, pk):
    scheme = get_object_for_user(
        RankingScheme, request.user, pk, queryset=RankingScheme.objects.select_related("campaign")
    )
    runs = list(scheme.runs.restrict(request.user).order_by("-period_start"))
    rows = [(scheme, runs, policy.manages(request.user, scheme.campaign))]
    return render(request, "rankings/run_list.html", {"rows": rows, "today": datetime.date.today()})


@login_required
@require_POST
def run_compute(request, pk):
    scheme = get_object_for_user(RankingScheme, request.user, pk)
    try:
        day = datetime.date.fromisoformat(request.POST.get("month", "") + "-01")
    except ValueError:
        messages.error(request, "月份格式应为 YYYY-MM")
        return redirect("rankings:run_list")
    try:
        run = services.compute_ranking(scheme, day, actor=request.user)
    except PermissionDenied as exc:
        raise exc
    except ValidationError as exc:
        messages.error(request, _errors(exc))
        return redirect("rankings:run_list")
    services.propose_interviews(run, actor=request.user)
    return redirect(run)


def _trend(run):
    """Each unit's rank over this scheme's runs up to this one (oldest first), from the frozen runs."""
    runs = list(run.scheme.runs.filter(period_start__lte=run.period_start).order_by("period_start"))[-6:]
    labels = [r.period_label for r in runs]
    ranks = {}
    for i, r in enumerate(runs):
        for e in r.entries:
            ranks.setdefault(e["unit_id"], [None] * len(runs))[i] = e["rank"]
    return labels, [(e["unit"], ranks.get(e["unit_id"], [])) for e in run.entries]


@login_required
def run_detail(request, pk):
    run = get_object_for_user(
        RankingRun, request.user, pk, queryset=RankingRun.objects.select_related("scheme__campaign")
    )
    header, rows = bulletin.table_rows(run)
    export = request.GET.get("export")
    if export == "xlsx":
        return xlsx_response([header, *rows], f"{run}.xlsx", sheet_title="排名", audit_note=str(run))
    if export == "docx":
        office = run.scheme.campaign.office
        data = bulletin.to_docx(run, str(office) if office else "食品安全创建工作领导小组办公室")
        response = HttpResponse(
            data, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        )
        response["Content-Disposition"] = attachment_header(f"{run}通报.docx")
        return response
    labels, trend = _trend(run)
    return render(
        request,
        "rankings/run_detail.html",
        {
            "run": run,
            "header": header,
            "rows": rows,
            "trend_labels": labels,
            "trend": trend,
            "interviews": run.interviews.restrict(request.user).select_related("unit"),
        },
    )


@login_required
def interview_list(request):
    items = Interview.objects.restrict(request.user).select_related("unit", "campaign")
    return render(request, "rankings/interview_list.html", {"items": items})


@login_required
def interview_detail(request, pk):
    interview = get_object_for_user(Interview, request.user, pk)
    can_manage = policy.manages(request.user, interview.campaign)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied("只有创建办可以记录约谈")
        fields = {k: request.POST.get(k, "") for k in ("attendees", "commitments", "follow_up")}
        fields["status"] = request.POST.get("status", interview.status)
        held = request.POST.get("held_on")
        try:
            fields["held_on"] = datetime.date.fromisoformat(held) if held else None
            services.record_interview(
                interview, actor=request.user, expected_version=int(request.POST.get("version", 0)), **fields
            )
        except ValueError:
            messages.error(request, "约谈日期格式应为 YYYY-MM-DD")
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        else:
            messages.success(request, "已保存")
            return redirect(interview)
    return render(
        request,
        "rankings/interview_detail.html",
        {"interview": interview, "can_manage": can_manage, "statuses": InterviewStatus.choices},
    )
