from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views import View

from shian.campaigns.services import current_campaign
from shian.core.exports import xlsx_response
from shian.core.services import ConcurrentEditError, parse_id
from shian.core.views import ObjectListView, get_object_for_user
from shian.organisation.choices import RegionLevel
from shian.organisation.models import Region, Unit
from shian.surveys import services
from shian.surveys.figures import most_missed, pass_by_unit, quota_fill, survey_rates
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
    campaign = survey.campaign
    return {
        "object": survey,
        "survey": survey,
        "title": survey.title,
        "questions": survey.questions.all(),
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


class SurveyExportView(LoginRequiredMixin, View):
    def get(self, request, pk):
        survey = get_object_for_user(
            Survey, request.user, pk, queryset=Survey.objects.select_related("campaign")
        )
        overall, towns = survey_rates(survey)
        rows = [["范围", "样本量", "肯定数", "比率", "95%置信区间下限", "95%置信区间上限"]]
        groups = pass_by_unit(survey) if survey.is_quiz else towns
        for r in [*groups, overall]:
            rows.append([r.label, r.n, r.positive, round(r.rate or 0, 4), round(r.low, 4), round(r.high, 4)])
        rows.append([])
        rows.append(["乡镇（街道）", "目标样本量", "已收", "完成率"])
        for q in quota_fill(survey):
            rows.append([q["township"].name, q["target"], q["done"], round(q["share"], 4)])
        return xlsx_response(
            rows,
            f"{survey.title}-结果-{timezone.localdate():%Y%m%d}.xlsx",
            sheet_title="调查结果",
            audit_note=survey.title,
        )
