from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.views import View
from django.views.generic import TemplateView

from shian.campaigns.services import countdown
from shian.dashboard import services
from shian.workplan.models import Task


class HomeView(LoginRequiredMixin, TemplateView):
    """Everybody's start page: the countdown, their own tasks, what is due."""

    template_name = "dashboard/home.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        campaign = services.pick_campaign(user, self.request.GET.get("campaign"))
        ctx["campaign"] = campaign
        ctx["campaigns"] = list(services.campaigns_for(user)[:10])
        if campaign is not None:
            tasks = Task.objects.restrict(user).filter(campaign=campaign)
            ctx["countdown"] = countdown(campaign)
            ctx["counts"] = services.task_counts(tasks)
            ctx["my_tasks"] = (tasks.exclude(status="done").select_related("unit").order_by("deadline")[:8]
                               if user.unit_id and not user.region_scope else None)
            ctx["overdue"] = services.overdue_tasks(campaign, user, limit=8) if user.region_scope or user.is_admin else None
        return ctx


class LeaderDashboardView(LoginRequiredMixin, TemplateView):
    """Read-only overview for leaders and the office: progress, overdue tasks, late units."""

    template_name = "dashboard/leader.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        if not (user.is_admin or user.region_scope is not None):
            raise PermissionDenied("驾驶舱仅供领导和创建办使用")
        campaign = services.pick_campaign(user, self.request.GET.get("campaign"))
        if campaign is None:
            raise Http404("没有可查看的创建项目")
        tasks = Task.objects.restrict(user).filter(campaign=campaign)
        ctx.update(
            campaign=campaign, campaigns=list(services.campaigns_for(user)[:10]), countdown=countdown(campaign),
            counts=services.task_counts(tasks), categories=services.progress_by_category(campaign, user),
            units=services.progress_by_unit(campaign, user), overdue=services.overdue_tasks(campaign, user),
            late_units=services.late_units(campaign, user), milestones=list(campaign.milestones.all()),
        )
        return ctx


class ChartView(LoginRequiredMixin, View):
    """ECharts options as JSON, so pages render fast and charts load after."""

    def get(self, request, kind):
        user = request.user
        campaign = services.pick_campaign(user, request.GET.get("campaign"))
        if campaign is None:
            raise Http404
        if kind == "category":
            rows = services.progress_by_category(campaign, user)
            option = _bar_option([r["category"] for r in rows], [r["done"] for r in rows],
                                 [r["total"] - r["done"] for r in rows], horizontal=False)
        elif kind == "units":
            rows = sorted(services.progress_by_unit(campaign, user), key=lambda r: r["rate"])[:20]
            option = _bar_option([r["label"] for r in rows], [r["done"] for r in rows],
                                 [r["total"] - r["done"] for r in rows], horizontal=True)
        else:
            raise Http404
        return JsonResponse(option)


def _bar_option(labels, done, remaining, horizontal):
    category_axis = {"type": "category", "data": labels, "axisLabel": {"interval": 0}}
    value_axis = {"type": "value", "minInterval": 1}
    return {
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "legend": {"data": ["已完成", "未完成"]},
        "grid": {"left": "3%", "right": "4%", "bottom": "3%", "containLabel": True},
        "xAxis": value_axis if horizontal else category_axis,
        "yAxis": category_axis if horizontal else value_axis,
        "series": [
            {"name": "已完成", "type": "bar", "stack": "t", "data": done, "itemStyle": {"color": "#198754"}},
            {"name": "未完成", "type": "bar", "stack": "t", "data": remaining, "itemStyle": {"color": "#dc8a3c"}},
        ],
    }
