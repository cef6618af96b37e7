"""消息中心 pages: the list, opening a message (marks it read), the bell fragment, channel settings,
the 催报 / 催办 actions the office presses, and the delivery log for administrators."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from shian.core.views import ObjectEditView, ObjectListView, get_object_for_user
from shian.notifications import channels, services
from shian.notifications.choices import Event
from shian.notifications.delivery import retry_delivery
from shian.notifications.filtersets import DeliveryFilterSet, NotificationFilterSet, RobotHookFilterSet
from shian.notifications.forms import PreferenceForm, RobotHookForm, UrgeForm
from shian.notifications.models import Delivery, Notification, Preference, RobotHook
from shian.notifications.tables import DeliveryTable, NotificationTable, RobotHookTable


class NotificationListView(ObjectListView):
    model = Notification
    filterset_class = NotificationFilterSet
    table_class = NotificationTable
    template_name = "notifications/notification_list.html"
    title = "消息中心"
    export_name = "我的消息"

    def get_queryset(self):
        return Notification.objects.mine(self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["unread"] = services.unread_count(self.request.user)
        return ctx


def _safe(url, request):
    return url if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}) else None


@login_required
def open_notification(request, pk):
    """Follow a message to its object; opening it marks it read."""
    notification = get_object_or_404(Notification.objects.mine(request.user), pk=pk)
    services.mark_read(notification, actor=request.user)
    return redirect(_safe(notification.url, request) or "notifications:list")


@require_POST
@login_required
def mark_read(request, pk):
    notification = get_object_or_404(Notification.objects.mine(request.user), pk=pk)
    services.mark_read(notification, actor=request.user)
    return redirect(_safe(request.POST.get("next"), request) or "notifications:list")


@require_POST
@login_required
def mark_all_read(request):
    n = services.mark_all_read(actor=request.user)
    messages.success(request, f"已将{n}条消息标为已读")
    return redirect("notifications:list")


@login_required
def bell(request):
    """The navbar bell: unread count (one query), loaded by HTMX after the page so pages stay cheap."""
    unread = services.unread_count(request.user)
    latest = list(Notification.objects.mine(request.user).unread()[:6]) if unread else []
    return render(request, "notifications/_bell.html", {"unread": unread, "latest": latest})


@login_required
def preferences(request):
    user = request.user
    pref = Preference.objects.filter(user=user).first()
    initial = {
        "email_enabled": pref.email_enabled if pref else True,
        "sms_enabled": pref.sms_enabled if pref else True,
        "immediate_events": services.immediate_events(pref),
    }
    form = PreferenceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.update_preferences(
                user,
                actor=user,
                email_enabled=d["email_enabled"],
                sms_enabled=d["sms_enabled"],
                immediate_events=d["immediate_events"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "通知设置已保存")
            return redirect("notifications:preferences")
    return render(
        request,
        "notifications/preferences.html",
        {
            "form": form,
            "title": "通知设置",
            "email_configured": channels.email_config() is not None,
            "sms_configured": channels.sms_configured(),
            "events": Event,
        },
        status=400 if request.method == "POST" else 200,
    )


def _report_errors(request, exc):
    messages.error(request, "；".join(exc.messages))


@require_POST
@login_required
def urge_round(request, pk):
    """催报 on a round: all units that have not submitted, or the ticked ones (`units`)."""
    from shian.dispatch.models import DispatchRound

    rnd = get_object_for_user(
        DispatchRound,
        request.user,
        pk,
        "change",
        queryset=DispatchRound.objects.select_related("campaign__region"),
    )
    form = UrgeForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    units = [int(u) for u in request.POST.getlist("units") if u.isdigit()]
    try:
        sent = services.urge_round(rnd, actor=request.user, units=units or None, note=note)
    except ValidationError as exc:
        _report_errors(request, exc)
    else:
        messages.success(request, f"已向{len(sent)}个单位发送催报")
    return redirect(rnd.get_absolute_url())


def _urge_list(request, model, filterset_class, service, back):
    qs = model.objects.restrict(request.user, "change")
    filterset = filterset_class(request.GET, queryset=qs, request=request)
    if not filterset.is_valid():
        raise PermissionDenied("筛选条件无效")
    form = UrgeForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        sent = service(filterset.qs, actor=request.user, note=note)
    except ValidationError as exc:
        _report_errors(request, exc)
    else:
        units = len({r.unit_id for r in sent})
        messages.success(request, f"已催办{len(sent)}项，通知{units}个单位")
    query = request.GET.urlencode()
    return redirect(back + (f"?{query}" if query else ""))


@require_POST
@login_required
def urge_tasks(request):
    from django.urls import reverse

    from shian.workplan.filtersets import TaskFilterSet
    from shian.workplan.models import Task

    return _urge_list(request, Task, TaskFilterSet, services.urge_tasks, reverse("workplan:task_list"))


@require_POST
@login_required
def urge_problems(request):
    from django.urls import reverse

    from shian.rectification.filtersets import ProblemFilterSet
    from shian.rectification.models import Problem

    return _urge_list(
        request, Problem, ProblemFilterSet, services.urge_problems, reverse("rectification:problem_list")
    )


class DeliveryListView(ObjectListView):
    """The delivery log (administrators): every e-mail, SMS and robot post, with failures and retries."""

    model = Delivery
    filterset_class = DeliveryFilterSet
    table_class = DeliveryTable
    title = "消息投递记录"

    def get_queryset(self):
        if not self.request.user.is_admin:
            raise PermissionDenied("只有系统管理员可以查看投递记录")
        return super().get_queryset()


@require_POST
@login_required
def delivery_retry(request, pk):
    if not request.user.is_admin:
        raise PermissionDenied("只有系统管理员可以重发")
    delivery = get_object_or_404(Delivery, pk=pk)
    retry_delivery(delivery, actor=request.user)
    from shian.notifications.delivery import deliver_due

    result = deliver_due(ids=[delivery.pk])
    if result["sent"]:
        messages.success(request, "已重新发送")
    else:
        messages.error(request, "重发失败，将按计划继续重试")
    return redirect("notifications:delivery_list")


class RobotHookListView(ObjectListView):
    """The group robots of the office's units and campaigns (their URLs are credentials: office only)."""

    model = RobotHook
    table_class = RobotHookTable
    filterset_class = RobotHookFilterSet
    title = "群机器人"
    create_url_name = "notifications:robot_add"

    def get_queryset(self):
        if not self.request.user.is_office:
            raise PermissionDenied("只有创建办可以管理群机器人")
        return super().get_queryset().select_related("unit", "campaign")


class RobotHookEditView(ObjectEditView):
    model = RobotHook
    form_class = RobotHookForm

    def check_permission(self, obj):
        super().check_permission(obj)
        if not self.request.user.is_office:
            raise PermissionDenied("只有创建办可以管理群机器人")

    def get_success_url(self, obj):
        return reverse("notifications:robot_list")


@require_POST
@login_required
def robot_test(request, pk):
    """Send one test message to the robot now, so the office sees at once whether the URL and secret work."""
    hook = get_object_for_user(RobotHook, request.user, pk, "change")
    try:
        services.test_robot(hook, actor=request.user)
    except channels.DeliveryError as exc:
        messages.error(request, f"测试消息发送失败：{exc}")
    else:
        messages.success(request, f"测试消息已发送到“{hook.name}”")
    return redirect("notifications:robot_list")
