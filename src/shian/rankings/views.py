"""Pages: schemes (list, edit) and their runs, a run (红黑榜 table with "why this rank", 加减分,
publish, appeals, xlsx / .docx), the rank trend chart, appeals and 约谈."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from shian.campaigns.models import Campaign
from shian.core import policy
from shian.core.exports import attachment_header, xlsx_response
from shian.core.files import file_response
from shian.core.views import get_object_for_user
from shian.organisation.models import Unit
from shian.rankings import bulletin, services, trend
from shian.rankings.choices import AppealStatus, InterviewStatus
from shian.rankings.forms import SchemeForm
from shian.rankings.models import Adjustment, Appeal, Interview, RankingRun, RankingScheme


def _errors(exc):
    return (
        "；".join(m for ms in exc.message_dict.values() for m in ms)
        if hasattr(exc, "message_dict")
        else "；".join(exc.messages)
    )


def _scheme_rows(request, schemes):
    runs = (
        RankingRun.objects.readable(request.user)
        .filter(scheme__in=schemes, is_current=True)
        .order_by("scheme", "-period_start")
        .only("pk", "scheme_id", "period_start", "period_kind", "status", "revision")
    )
    by_scheme = {s.pk: [] for s in schemes}
    for r in runs:
        by_scheme.setdefault(r.scheme_id, []).append(r)
    return [(s, by_scheme[s.pk], policy.manages(request.user, s.campaign)) for s in schemes]


@login_required
def run_list(request):
    schemes = list(RankingScheme.objects.restrict(request.user).select_related("campaign__region"))
    campaigns = [c for c in Campaign.objects.restrict(request.user) if policy.manages(request.user, c)]
    return render(
        request,
        "rankings/run_list.html",
        {"rows": _scheme_rows(request, schemes), "today": datetime.date.today(), "campaigns": campaigns},
    )


@login_required
def scheme_detail(request, pk):
    scheme = get_object_for_user(
        RankingScheme, request.user, pk, queryset=RankingScheme.objects.select_related("campaign__region")
    )
    return render(
        request,
        "rankings/run_list.html",
        {"rows": _scheme_rows(request, [scheme]), "today": datetime.date.today(), "single": True},
    )


@login_required
def scheme_edit(request, pk=None):
    if pk is None:
        campaign = get_object_for_user(Campaign, request.user, request.GET.get("campaign") or 0)
        scheme = RankingScheme(campaign=campaign, weights={}, normalisation={}, targets={})
    else:
        scheme = get_object_for_user(RankingScheme, request.user, pk, "change")
        campaign = scheme.campaign
    if not policy.manages(request.user, campaign):
        raise PermissionDenied("只有创建办可以编辑排名方案")
    form = SchemeForm(request.POST or None, instance=scheme, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            scheme = form.save()
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        else:
            messages.success(request, "排名方案已保存")
            return redirect(scheme)
    return render(
        request, "rankings/scheme_edit.html", {"form": form, "scheme": scheme, "campaign": campaign}
    )


@login_required
@require_POST
def run_compute(request, pk):
    scheme = get_object_for_user(RankingScheme, request.user, pk)
    back = redirect(scheme)
    try:
        day = services.periods.parse(
            scheme.period_kind, request.POST.get("period") or request.POST.get("month")
        )
    except (ValueError, TypeError):
        messages.error(request, "期间格式应为 2026-05、2026-Q2、2026-H1 或 2026")
        return back
    try:
        run = services.compute_ranking(scheme, day, actor=request.user)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
        return back
    messages.success(request, "已生成排名草稿，核对后发布")
    return redirect(run)


def _get_run(request, pk):
    return get_object_for_user(
        RankingRun,
        request.user,
        pk,
        queryset=RankingRun.objects.readable(request.user).select_related(
            "scheme__campaign__region", "computed_by", "published_by"
        ),
    )


@login_required
def run_detail(request, pk):
    run = _get_run(request, pk)
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
    user = request.user
    can_manage = policy.manages(user, run.scheme.campaign)
    # Replies are published beside the result: every reader of the run sees them; the reasons and
    # pending appeals only the office and the appealing unit (the Appeal scope).
    appeals = list(
        Appeal.objects.filter(run__scheme=run.scheme, run__period_start=run.period_start)
        .select_related("unit", "run", "corrected_run")
        .order_by("created_at")
    )
    mine = {a.pk for a in Appeal.objects.restrict(user).filter(pk__in=[a.pk for a in appeals])}
    for a in appeals:
        a.visible = a.pk in mine
        a.decidable = a.status == AppealStatus.PENDING and services.can_decide(a, user)
    adjustments = list(run.adjustments.select_related("unit")) if can_manage else []
    adj_by_unit = {}
    for a in adjustments:
        adj_by_unit.setdefault(a.unit_id, []).append(a)
    entries = [
        {**e, "breakdown": bulletin.breakdown(run, e), "adjustment_rows": adj_by_unit.get(e["unit_id"], [])}
        for e in run.entries
    ]
    # one pending 申诉 per unit at a time (file_appeal refuses a second): show where it stands instead
    own_pending = any(
        a.run_id == run.pk and a.unit_id == user.unit_id and a.status == AppealStatus.PENDING for a in appeals
    )
    revisions = list(
        RankingRun.objects.readable(user)
        .filter(scheme=run.scheme, period_start=run.period_start)
        .order_by("revision")
        .only(
            "pk",
            "revision",
            "status",
            "is_current",
            "published_at",
            "period_start",
            "period_kind",
            "scheme_id",
        )
    )
    return render(
        request,
        "rankings/run_detail.html",
        {
            "run": run,
            "header": header,
            "table": list(zip(rows, entries, strict=True)),
            "can_manage": can_manage,
            "can_appeal": services.can_appeal(run, user) and not own_pending,
            "own_pending": own_pending,
            "appeals": appeals,
            "revisions": revisions,
            "subjects": [(e["unit_id"], e["unit"]) for e in run.entries],
            "interviews": run.interviews.restrict(user).select_related("unit"),
        },
    )


@login_required
@require_POST
def run_publish(request, pk):
    run = _get_run(request, pk)
    try:
        services.publish_run(run, actor=request.user, expected_version=int(request.POST.get("version", 0)))
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, f"已发布，申诉截止{run.appeal_until:%Y-%m-%d}")
    return redirect(run)


@login_required
@require_POST
def adjustment_add(request, pk):
    run = _get_run(request, pk)
    unit = get_object_or_404(Unit, pk=request.POST.get("unit") or 0)
    try:
        services.add_adjustment(
            run,
            unit,
            request.POST.get("points", "").strip() or "x",
            request.POST.get("reason", ""),
            actor=request.user,
            evidence=request.FILES.get("evidence"),
        )
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    except (ArithmeticError, ValueError):
        messages.error(request, "加减分应为数字")
    return redirect(run)


def _get_adjustment(request, pk):
    adj = get_object_or_404(Adjustment.objects.select_related("run__scheme__campaign"), pk=pk)
    if not services.may_open_adjustment(adj, request.user):
        raise Http404
    return adj


@login_required
@require_POST
def adjustment_delete(request, pk):
    adj = _get_adjustment(request, pk)
    try:
        services.remove_adjustment(adj, actor=request.user)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    return redirect(adj.run)


@login_required
def adjustment_file(request, pk):
    adj = _get_adjustment(request, pk)
    if not adj.evidence:
        raise Http404
    return file_response(adj.evidence, adj.evidence_name or adj.evidence.name.rsplit("/", 1)[-1])


@login_required
@require_POST
def appeal_file(request, pk):
    run = _get_run(request, pk)
    try:
        services.file_appeal(
            run,
            actor=request.user,
            reason=request.POST.get("reason", ""),
            evidence=request.FILES.get("evidence"),
        )
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, "申诉已提交")
    return redirect(run)


@login_required
def appeal_detail(request, pk):
    appeal = get_object_for_user(
        Appeal, request.user, pk, queryset=Appeal.objects.select_related("run__scheme__campaign", "unit")
    )
    can_decide = appeal.status == AppealStatus.PENDING and services.can_decide(appeal, request.user)
    if request.method == "POST":
        if not can_decide:
            raise PermissionDenied("申诉须由未参与本期排名计算、发布的创建办人员处理")
        points = request.POST.get("correction_points", "").strip()
        try:
            services.decide_appeal(
                appeal,
                actor=request.user,
                upheld=request.POST.get("outcome") == AppealStatus.UPHELD,
                decision=request.POST.get("decision", ""),
                reply=request.POST.get("reply", ""),
                correction_points=points or None,
                expected_version=int(request.POST.get("version", 0)),
            )
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        else:
            messages.success(request, "申诉已处理")
            return redirect(appeal.corrected_run or appeal.run)
    return render(
        request,
        "rankings/appeal_detail.html",
        {"appeal": appeal, "can_decide": can_decide, "outcomes": AppealStatus.choices[1:]},
    )


@login_required
def appeal_evidence(request, pk):
    """The appeal's 申诉材料, for whoever may open the appeal."""
    appeal = get_object_for_user(Appeal, request.user, pk)
    if not appeal.evidence:
        raise Http404
    return file_response(appeal.evidence, appeal.evidence_name or appeal.evidence.name.rsplit("/", 1)[-1])


@login_required
def scheme_trend(request, pk):
    """Ranks over the past periods, for the leaders and the units: a chart and the table behind it."""
    scheme = get_object_for_user(
        RankingScheme, request.user, pk, queryset=RankingScheme.objects.select_related("campaign")
    )
    labels, series = trend.ranks(scheme, request.user)
    if request.GET.get("format") == "json":
        return JsonResponse(trend.option(labels, series, highlight=request.user.unit_id))
    return render(request, "rankings/trend.html", {"scheme": scheme, "labels": labels, "series": series})


@login_required
def interview_list(request):
    items = Interview.objects.restrict(request.user).select_related("unit", "campaign")
    campaigns = [c for c in Campaign.objects.restrict(request.user) if policy.manages(request.user, c)]
    units = (
        Unit.objects.restrict(request.user).filter(is_active=True).order_by("sort_order", "name")
        if campaigns
        else []
    )
    return render(
        request, "rankings/interview_list.html", {"items": items, "campaigns": campaigns, "units": units}
    )


@login_required
@require_POST
def interview_create(request):
    campaign = get_object_for_user(Campaign, request.user, request.POST.get("campaign") or 0)
    unit = get_object_for_user(Unit, request.user, request.POST.get("unit") or 0)
    try:
        interview = services.create_interview(
            campaign, unit, request.POST.get("reason", ""), actor=request.user
        )
    except ValidationError as exc:
        messages.error(request, _errors(exc))
        return redirect("rankings:interview_list")
    return redirect(interview)


@login_required
@require_POST
def interview_propose(request):
    campaign = get_object_for_user(Campaign, request.user, request.POST.get("campaign") or 0)
    created = services.propose_rule_interviews(campaign, actor=request.user)
    messages.success(request, f"按规则提出约谈{len(created)}个" if created else "没有需要按规则提出的约谈")
    return redirect("rankings:interview_list")


@login_required
def interview_detail(request, pk):
    interview = get_object_for_user(Interview, request.user, pk)
    can_manage = policy.manages(request.user, interview.campaign)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied("只有创建办可以记录约谈")
        fields = {k: request.POST.get(k, "") for k in ("attendees", "minutes", "commitments", "follow_up")}
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


def _decimal(text):
    from decimal import Decimal, InvalidOperation

    text = (text or "").strip()
    if not text:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        raise ValidationError("分数应为数字") from None


@login_required
def sheet_list(request):
    """评议考核 annual sheets of a campaign, year and subject kind; the office fills them; xlsx export."""
    from shian.rankings.models import AssessmentSheet

    campaigns = list(Campaign.objects.restrict(request.user))
    if not campaigns:
        raise Http404
    campaign = next((c for c in campaigns if str(c.pk) == request.GET.get("campaign")), campaigns[0])
    try:
        year = int(request.GET.get("year") or datetime.date.today().year)
    except ValueError:
        year = datetime.date.today().year
    kind = request.GET.get("kind") if request.GET.get("kind") in ("township", "member") else "township"
    can_manage = policy.manages(request.user, campaign)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied("只有创建办可以填写评议考核表")
        try:
            if "prefill" in request.POST:
                services.prefill_sheets(campaign, year, kind, actor=request.user)
            else:
                sheet = get_object_for_user(
                    AssessmentSheet, request.user, request.POST.get("sheet") or 0, "change"
                )
                services.update_sheet(
                    sheet,
                    actor=request.user,
                    expected_version=int(request.POST.get("version", 0)),
                    basic=_decimal(request.POST.get("basic")),
                    key_work=_decimal(request.POST.get("key_work")),
                    safety=_decimal(request.POST.get("safety")),
                    bonus=_decimal(request.POST.get("bonus")) or 0,
                    bonus_reason=request.POST.get("bonus_reason", ""),
                    demotion=request.POST.get("demotion", ""),
                )
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        else:
            messages.success(request, "已保存")
        return redirect(f"{request.path}?campaign={campaign.pk}&year={year}&kind={kind}")
    sheets = list(
        AssessmentSheet.objects.restrict(request.user)
        .filter(campaign=campaign, year=year, unit__kind=kind)
        .select_related("unit")
    )
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            services.sheet_rows(sheets),
            f"{year}年度食品安全工作评议考核表.xlsx",
            sheet_title="评议考核",
            audit_note=f"{campaign} {year}",
        )
    return render(
        request,
        "rankings/sheet_list.html",
        {
            "campaign": campaign,
            "campaigns": campaigns,
            "year": year,
            "kind": kind,
            "sheets": sheets,
            "can_manage": can_manage,
            "table": services.sheet_rows(sheets),
        },
    )
