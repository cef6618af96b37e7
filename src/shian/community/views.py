"""社会共治 pages: thin views over services and the generic list/edit layer."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.views import View

from shian.community import figures, services
from shian.community.filtersets import ActivityFilterSet, PollFilterSet, RewardReportFilterSet
from shian.community.forms import ActivityForm, ChooseForm, OptionForm, PollForm, ResultForm, RewardReportForm
from shian.community.models import Activity, Poll, PollOption, RewardReport, SamplingTask
from shian.community.tables import ActivityTable, PollTable, RewardReportTable
from shian.core.services import ConcurrentEditError
from shian.core.views import ObjectEditView, ObjectListView, get_object_for_user
from shian.organisation.models import Unit
from shian.supervision.choices import TaskType
from shian.supervision.models import SamplingRecord

ACTIONS = (
    ("社会共治活动", "community:activity_list"),
    ("你点我检", "community:poll_list"),
    ("有奖举报", "community:report_list"),
)


def _error_text(exc: ValidationError) -> str:
    return "；".join(exc.messages)


class CommunityListView(ObjectListView):
    def can_create(self):
        return not self.request.user.is_read_only and (
            self.request.user.is_admin or self.request.user.role == "office"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["extra_actions"] = [a for a in ACTIONS if a[1] != self.request.resolver_match.view_name]
        return context


class ActivityListView(CommunityListView):
    model = Activity
    filterset_class = ActivityFilterSet
    table_class = ActivityTable
    title = "社会共治活动"
    create_url_name = "community:activity_add"
    template_name = "community/activity_list.html"

    def base_queryset(self):
        return Activity.objects.select_related("region")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["by_township"] = figures.activities_by_region(self.request.user, timezone.localdate())
        return context


class ActivityEditView(ObjectEditView):
    model = Activity
    form_class = ActivityForm

    def get_success_url(self, obj):
        return reverse("community:activity_list")


class RewardReportListView(CommunityListView):
    model = RewardReport
    filterset_class = RewardReportFilterSet
    table_class = RewardReportTable
    title = "有奖举报"
    create_url_name = "community:report_add"

    def base_queryset(self):
        return RewardReport.objects.select_related("region", "complaint")


class RewardReportEditView(ObjectEditView):
    model = RewardReport
    form_class = RewardReportForm
    template_name = "community/report_edit.html"

    def get_success_url(self, obj):
        return obj.get_absolute_url()


class ReportActionView(LoginRequiredMixin, View):
    def post(self, request, pk, action):
        report = get_object_for_user(RewardReport, request.user, pk)
        version = request.POST.get("version")
        try:
            if action == "verify":
                services.verify_report(report, verified=True, actor=request.user, expected_version=version)
            elif action == "reject":
                services.verify_report(report, verified=False, actor=request.user, expected_version=version)
            elif action == "pay":
                from decimal import Decimal, InvalidOperation

                try:
                    amount = Decimal(request.POST.get("reward_amount", ""))
                except InvalidOperation:
                    raise ValidationError("奖励金额：请输入数字")
                services.pay_reward(report, amount=amount, actor=request.user, expected_version=version)
            else:
                raise ValidationError("未知操作")
            messages.success(request, "已保存")
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        except ConcurrentEditError as exc:
            messages.error(request, str(exc))
        return redirect(report.get_absolute_url())


class PollListView(CommunityListView):
    model = Poll
    filterset_class = PollFilterSet
    table_class = PollTable
    title = "你点我检"
    create_url_name = "community:poll_add"

    def base_queryset(self):
        return Poll.objects.select_related("region")


class PollEditView(ObjectEditView):
    model = Poll
    form_class = PollForm


class PollDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        poll = get_object_for_user(Poll, request.user, pk, queryset=Poll.objects.select_related("region"))
        return self.render_page(request, poll)

    def render_page(self, request, poll, option_form=None, status=200):
        options = list(poll.options.select_related("sampling"))
        tasks = list(
            SamplingTask.objects.filter(option__poll=poll).select_related("option", "unit", "sampling")
        )
        can_manage = services.can_manage(request.user, poll.region)
        for t in tasks:
            t.candidates = list(services.sampling_candidates(t)) if can_manage and not t.sampling_id else []
        return render(
            request,
            "community/poll_detail.html",
            {
                "title": poll.title,
                "poll": poll,
                "options": options,
                "total_votes": sum(o.votes for o in options),
                "tasks": tasks,
                "task_types": TaskType.choices,
                "can_manage": services.can_manage(request.user, poll.region),
                "option_form": option_form or OptionForm(user=request.user),
                "public_url": request.build_absolute_uri(poll.public_url()),
                "moves": sorted(services.ALLOWED_MOVES.get(poll.status, ())),
            },
            status=status,
        )

    def post(self, request, pk):
        poll = get_object_for_user(Poll, request.user, pk)
        if not services.can_manage(request.user, poll.region):
            raise PermissionDenied("只有本辖区的创建办可以办理")
        action = request.POST.get("action")
        try:
            if action == "status":
                services.set_poll_status(
                    poll,
                    request.POST.get("status", ""),
                    actor=request.user,
                    expected_version=request.POST.get("version"),
                )
            elif action == "add_option":
                form = OptionForm(request.POST, user=request.user, instance=PollOption(poll=poll))
                if not form.is_valid():
                    return self.render_page(request, poll, option_form=form, status=400)
                if poll.options.filter(name=form.cleaned_data["name"]).exists():
                    form.add_error("name", "该选项已存在")
                    return self.render_page(request, poll, option_form=form, status=400)
                form.save()
            elif action in ("choose", "result"):
                option = get_object_for_user(
                    PollOption, request.user, request.POST.get("option"), queryset=poll.options.all()
                )
                form_class = ChooseForm if action == "choose" else ResultForm
                form = form_class(request.POST)
                if not form.is_valid():
                    raise ValidationError(
                        "；".join(f"{form.fields[k].label}：{v[0]}" for k, v in form.errors.items())
                    )
                data = form.cleaned_data
                if action == "choose":
                    services.choose_option(
                        option,
                        task_note=data["task_note"],
                        actor=request.user,
                        expected_version=data["version"],
                    )
                else:
                    sampling = None
                    if data["sampling"]:
                        sampling = (
                            SamplingRecord.objects.restrict(request.user)
                            .filter(number=data["sampling"].strip())
                            .first()
                        )
                        if sampling is None:
                            raise ValidationError(
                                f"抽检记录编号“{data['sampling']}”不存在或不在您的管理范围内"
                            )
                    services.record_result(
                        option,
                        result=data["result"],
                        sampling=sampling,
                        actor=request.user,
                        expected_version=data["version"],
                    )
            elif action == "plan_top":
                try:
                    count = int(request.POST.get("count") or 0)
                except ValueError:
                    raise ValidationError("请填写列入抽检的项数")
                unit = None
                if request.POST.get("unit"):
                    unit = get_object_for_user(Unit, request.user, request.POST.get("unit"))
                planned_on = None
                if request.POST.get("planned_on"):
                    planned_on = parse_date(request.POST["planned_on"])
                    if planned_on is None:
                        raise ValidationError("计划抽样日期格式应为 年-月-日")
                tasks = services.plan_top_options(
                    poll,
                    count=count,
                    actor=request.user,
                    planned_on=planned_on,
                    unit=unit,
                    task_type=request.POST.get("task_type", ""),
                )
                messages.success(request, f"已生成{len(tasks)}项抽检任务")
                return redirect(poll.get_absolute_url())
            elif action == "link":
                task = get_object_for_user(
                    SamplingTask,
                    request.user,
                    request.POST.get("task"),
                    queryset=SamplingTask.objects.filter(option__poll=poll),
                )
                sampling = (
                    SamplingRecord.objects.restrict(request.user)
                    .filter(number=(request.POST.get("sampling") or "").strip())
                    .first()
                )
                if sampling is None:
                    raise ValidationError("抽检记录编号不存在或不在您的管理范围内")
                services.link_sampling(
                    task, sampling, actor=request.user, expected_version=request.POST.get("version")
                )
            else:
                raise ValidationError("未知操作")
            messages.success(request, "已保存")
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        except ConcurrentEditError as exc:
            messages.error(request, str(exc))
        return redirect(poll.get_absolute_url())
