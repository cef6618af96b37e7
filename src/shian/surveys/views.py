from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views import View

from shian.campaigns.services import current_campaign
from shian.core.exports import xlsx_response
from shian.core.services import ConcurrentEditError, parse_id
from shian.core.views import ObjectListView, get_object_for_user
from shian.organisation.choices import RegionLevel
from shian.organisation.models import Region, Unit, User
from shian.surveys import services
from shian.surveys.choices import AgeGroup, CallOutcome, Channel
from shian.surveys.editor import describe_condition
from shian.surveys.figures import (
    most_missed,
    pass_by_unit,
    quota_fill,
    response_rates,
    survey_rates,
    survey_results,
)
from shian.surveys.filtersets import SurveyFilterSet
from shian.surveys.forms import LinkForm, NewSurveyForm, QuotaForm
from shian.surveys.models import Survey
from shian.surveys.tables import SurveyTable


def _message(exc) -> str:
    if isinstance(exc, ValidationError):
        return "；".join(exc.messages)
    return str(exc) or "您没有权限执行此操作"


class SurveyListView(ObjectListView):
    model = Survey
    filterset_class = SurveyFilterSet
    table_class = SurveyTable
    create_url_name = "surveys:survey_add"
    title = "问卷调查"

    def base_queryset(self):
        return Survey.objects.select_related("campaign", "unit").annotate(n_responses=Count("responses"))

    def can_create(self):
        user = self.request.user
        return not user.is_read_only and (user.is_office or user.is_admin or user.unit_id is not None)


class SurveyCreateView(LoginRequiredMixin, View):
    def get(self, request):
        return render(request, "core/object_edit.html", {"form": NewSurveyForm(), "title": "新建问卷"})

    def post(self, request):
        form = NewSurveyForm(request.POST)
        campaign = current_campaign(request.user, request.GET.get("campaign"))
        if form.is_valid() and campaign is not None:
            unit = None
            if not (request.user.is_office or request.user.is_admin):
                unit = request.user.unit
            try:
                survey = services.create_survey(
                    campaign,
                    actor=request.user,
                    kind=form.cleaned_data["kind"],
                    title=form.cleaned_data["title"],
                    unit=unit,
                )
            except (ValidationError, PermissionDenied) as exc:
                form.add_error(None, _message(exc))
            else:
                return redirect(survey)
        elif campaign is None:
            form.add_error(None, "没有可用的创建项目")
        return render(request, "core/object_edit.html", {"form": form, "title": "新建问卷"}, status=400)


def _detail_context(survey, user):
    overall, towns = survey_rates(survey)
    questions = list(survey.questions.current())
    by_seq = {q.seq: q for q in questions}
    for q in questions:
        q.condition_text = describe_condition(q, by_seq)
    campaign = survey.campaign
    return {
        "object": survey,
        "survey": survey,
        "title": survey.title,
        "questions": questions,
        "results": survey_results(survey) if not survey.is_quiz else None,
        "calls": response_rates(survey) if not survey.is_quiz else None,
        "batches": survey.code_batches.annotate(
            n_used=Count("codes", filter=Q(codes__used=True))
        ).select_related("link"),
        "interviewers": survey.interviewers.select_related("user", "township"),
        "interviewer_users": User.objects.restrict(user)
        .filter(is_active=True, role__in=services.INTERVIEWER_ROLES)
        .order_by("username")[:300]
        if not survey.is_quiz
        else [],
        "is_interviewer": services.assignment_for(survey, user) is not None,
        "overall": overall,
        "towns": towns,
        "units": pass_by_unit(survey) if survey.is_quiz else [],
        "missed": most_missed(survey) if survey.is_quiz else [],
        "quotas": quota_fill(survey),
        "links": survey.links.select_related("township", "unit"),
        "can_manage": services.can_manage(survey, user),
        "townships": Region.objects.filter(
            path__startswith=campaign.region.path, level=RegionLevel.TOWNSHIP
        ).order_by("code"),
        "link_units": Unit.objects.filter(region__path__startswith=campaign.region.path).order_by("name"),
        "assessments": campaign.assessments.filter(status="open") if not survey.is_quiz else [],
        "quota_form": QuotaForm(),
        "link_form": LinkForm(),
    }


class SurveyDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        survey = get_object_for_user(
            Survey, request.user, pk, queryset=Survey.objects.select_related("campaign__region", "unit")
        )
        return render(request, "surveys/survey_detail.html", _detail_context(survey, request.user))


class SurveyActionView(LoginRequiredMixin, View):
    def post(self, request, pk, action):
        survey = get_object_for_user(
            Survey, request.user, pk, queryset=Survey.objects.select_related("campaign__region")
        )
        data = request.POST
        try:
            if action in ("open", "close"):
                services.set_open(
                    survey,
                    action == "open",
                    actor=request.user,
                    expected_version=parse_id(data.get("version")),
                )
                messages.success(request, "已开始收集" if action == "open" else "已停止收集")
            elif action == "quota":
                town = Region.objects.filter(pk=parse_id(data.get("township")) or 0).first()
                if town is None:
                    raise ValidationError({"township": "请选择乡镇（街道）"})
                target = parse_id(data.get("target"))
                services.set_quota(survey, town, target, actor=request.user)
                messages.success(request, f"已设置{town}的配额")
            elif action == "link":
                town = Region.objects.filter(pk=parse_id(data.get("township")) or 0).first()
                unit = Unit.objects.filter(pk=parse_id(data.get("unit")) or 0).first()
                channel = data.get("channel") or "link"
                if channel not in dict(LinkForm.base_fields["channel"].choices):
                    raise ValidationError({"channel": "渠道无效"})
                services.create_link(
                    survey,
                    actor=request.user,
                    name=data.get("name", "")[:100],
                    township=town,
                    unit=unit,
                    channel=channel,
                )
                messages.success(request, "已生成发放链接")
            elif action == "codes":
                town = Region.objects.filter(pk=parse_id(data.get("township")) or 0).first()
                batch = services.generate_codes(
                    survey,
                    parse_id(data.get("size")) or 0,
                    actor=request.user,
                    name=data.get("name", "")[:80],
                    township=town,
                )
                messages.success(request, f"已生成{batch.size}个答题码，请打印答题卡")
            elif action == "interviewer":
                person = (
                    User.objects.restrict(request.user).filter(pk=parse_id(data.get("user")) or 0).first()
                )
                if person is None:
                    raise ValidationError({"user": "请选择访问员"})
                town = Region.objects.filter(pk=parse_id(data.get("township")) or 0).first()
                channel = data.get("channel") or Channel.PHONE
                services.assign_interviewer(
                    survey, person, actor=request.user, channel=channel, township=town
                )
                messages.success(request, f"已指派访问员{person}")
            elif action == "apply":
                assessment = survey.campaign.assessments.filter(
                    pk=parse_id(data.get("assessment")) or 0
                ).first()
                if assessment is None:
                    raise ValidationError({"assessment": "请选择评审"})
                services.apply_to_assessment(
                    survey,
                    assessment,
                    actor=request.user,
                    expected_version=parse_id(data.get("assessment_version")),
                )
                messages.success(request, f"已写入“{assessment}”")
            else:
                raise ValidationError("未知操作")
        except (ValidationError, PermissionDenied, ConcurrentEditError) as exc:
            messages.error(request, _message(exc))
        return redirect(survey)


def export_rows(survey) -> list[list]:
    """The results sheet: overall (weighted, with gate and chance), each breakdown, quotas, call outcomes."""
    head = [
        "范围",
        "样本量",
        "肯定数",
        "未加权比率",
        "加权比率",
        "有效样本量",
        "95%置信区间下限",
        "95%置信区间上限",
    ]

    def line(r):
        return [
            r.label,
            r.n,
            r.positive,
            round(r.raw_rate or 0, 4),
            round(r.rate or 0, 4),
            round(r.n_eff, 1),
            round(r.low, 4),
            round(r.high, 4),
        ]

    rows = [head]
    if survey.is_quiz:
        overall, _ = survey_rates(survey)
        for r in [*pass_by_unit(survey), overall]:
            rows.append(
                [
                    r.label,
                    r.n,
                    r.positive,
                    round(r.rate or 0, 4),
                    round(r.rate or 0, 4),
                    r.n,
                    round(r.low, 4),
                    round(r.high, 4),
                ]
            )
        return rows
    results = survey_results(survey)
    rows.append(line(results["overall"]))
    if results["gate"] is not None:
        rows.append(["门槛", results["gate"], "达标把握（正态近似）", round(results["chance"] or 0, 4)])
    for _, title, group in results["by"]:
        rows.append([])
        rows.append([f"按{title}", *head[1:]])
        rows.extend(line(r) for r in group)
    rows.append([])
    rows.append(["乡镇（街道）", "目标样本量", "已收", "完成率"])
    for q in quota_fill(survey):
        rows.append([q["township"].name, q["target"], q["done"], round(q["share"], 4)])
    calls = response_rates(survey)
    if calls["total"]["calls"]:
        rows.append([])
        rows.append(["访问员", "拨打/走访", "接通", "拒访", "空号", "无人接听", "应答率", "接触率"])
        for d in [*calls["interviewers"], calls["total"]]:
            rows.append(
                [
                    d["label"],
                    d["calls"],
                    d["answered"],
                    d["refused"],
                    d["invalid"],
                    d["no_answer"],
                    round(d["response_rate"] or 0, 4),
                    round(d["contact_rate"] or 0, 4),
                ]
            )
    return rows


class SurveyExportView(LoginRequiredMixin, View):
    def get(self, request, pk):
        survey = get_object_for_user(
            Survey, request.user, pk, queryset=Survey.objects.select_related("campaign__framework")
        )
        return xlsx_response(
            export_rows(survey),
            f"{survey.title}-结果-{timezone.localdate():%Y%m%d}.xlsx",
            sheet_title="调查结果",
            audit_note=survey.title,
        )


def _raw_answers(post, questions) -> dict:
    out = {}
    for q in questions:
        key = f"q{q.seq}"
        if q.kind == "multiple":
            out[str(q.seq)] = post.getlist(key)[:50]
        elif key in post:
            out[str(q.seq)] = post.get(key)
    return out


class InterviewView(LoginRequiredMixin, View):
    """The interviewer's page: one call or visit at a time, its outcome, and on 接通 the answers."""

    def _get(self, request, pk):
        survey = get_object_for_user(
            Survey, request.user, pk, queryset=Survey.objects.select_related("campaign__region")
        )
        assignment = services.assignment_for(survey, request.user)
        if assignment is None:
            raise Http404
        return survey, assignment

    def _render(self, request, survey, assignment, status=200, **extra):
        townships = (
            []
            if assignment.township_id
            else Region.objects.filter(
                path__startswith=survey.campaign.region.path, level=RegionLevel.TOWNSHIP
            ).order_by("code")
        )
        return render(
            request,
            "surveys/interview.html",
            {
                "title": f"访问录入：{survey.title}",
                "survey": survey,
                "assignment": assignment,
                "questions": survey.questions.current(),
                "outcomes": CallOutcome.choices,
                "age_groups": AgeGroup.choices,
                "townships": townships,
                "mine": response_rates(survey)["interviewers"],
                **extra,
            },
            status=status,
        )

    def get(self, request, pk):
        survey, assignment = self._get(request, pk)
        return self._render(request, survey, assignment)

    def post(self, request, pk):
        survey, assignment = self._get(request, pk)
        outcome = request.POST.get("outcome", "")
        town = Region.objects.filter(pk=parse_id(request.POST.get("township")) or 0).first()
        try:
            services.record_call(
                assignment,
                outcome,
                actor=request.user,
                answers=_raw_answers(request.POST, survey.questions.current()),
                township=town,
                age_group=request.POST.get("age_group", "")[:8],
            )
        except (ValidationError, PermissionDenied) as exc:
            return self._render(request, survey, assignment, status=400, error=_message(exc))
        label = dict(CallOutcome.choices).get(outcome, "")
        messages.success(
            request, f"已记录：{label}" + ("，答卷已保存" if outcome == CallOutcome.ANSWERED else "")
        )
        return redirect("surveys:interview", pk=survey.pk)
