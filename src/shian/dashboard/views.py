from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from shian.campaigns.services import countdown
from shian.core.exports import xlsx_response
from shian.core.pagecache import CachedPageMixin
from shian.dashboard import services
from shian.dashboard.charts import CHARTS, option_for
from shian.notifications.todo import my_todo
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
        ctx["todo"] = my_todo(user)  # 我的待办 (issue 11)
        ctx["todo_total"] = sum(i.count for i in ctx["todo"])
        if campaign is not None:
            tasks = Task.objects.restrict(user).filter(campaign=campaign)
            ctx["countdown"] = countdown(campaign)
            ctx["counts"] = services.task_counts(tasks)
            ctx["my_tasks"] = (
                tasks.exclude(status="done").select_related("unit").order_by("deadline")[:8]
                if user.unit_id and not user.region_scope
                else None
            )
            ctx["overdue"] = (
                services.overdue_tasks(campaign, user, limit=8)
                if user.region_scope or user.is_admin
                else None
            )
        return ctx


def _oversight_campaign(request):
    user = request.user
    if not (user.is_admin or user.region_scope is not None):
        raise PermissionDenied("驾驶舱仅供领导和创建办使用")
    campaign = services.pick_campaign(user, request.GET.get("campaign"))
    if campaign is None:
        raise Http404("没有可查看的创建项目")
    return campaign


def leader_figures(campaign, user):
    """The dashboard's aggregates: the expensive part, cached until the data changes (shian.core.cache)."""
    tasks = Task.objects.restrict(user).filter(campaign=campaign)
    return dict(
        counts=services.task_counts(tasks),
        categories=services.progress_by_category(campaign, user),
        units=services.progress_by_unit(campaign, user),
        overdue=list(services.overdue_tasks(campaign, user)),
        late_units=services.late_units(campaign, user),
        readiness=services.readiness(campaign, user),
        problems=services.problems_by_colour(campaign, user),
        materials=services.material_completeness(campaign, user),
        figures=services.key_figures(campaign, user),
    )


def leader_context(request, campaign):
    from shian.core.cache import cached

    user = request.user
    figures = cached("leader", [campaign.pk], lambda: leader_figures(campaign, user), user=user)
    return dict(
        campaign=campaign,
        campaigns=list(services.campaigns_for(user)[:10]),
        countdown=countdown(campaign),
        milestones=list(campaign.milestones.all()),
        charts=CHARTS,
        **figures,
    )


class LeaderDashboardView(LoginRequiredMixin, CachedPageMixin, TemplateView):
    """Read-only overview for leaders and the office: readiness, progress, late units, problems, materials."""

    template_name = "dashboard/leader.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(leader_context(self.request, _oversight_campaign(self.request)))
        return ctx


class FieldTilesView(LoginRequiredMixin, View):
    """The field apps' tiles, fetched by the dashboard after it has shown (HTMX, hx-trigger=load): a
    couple of queries per app, cached like the rest, and not holding up the first paint."""

    def get(self, request):
        from shian.core.cache import cached

        campaign = _oversight_campaign(request)
        user = request.user
        tiles = cached("leader_tiles", [campaign.pk], lambda: services.field_tiles(campaign, user), user=user)
        return render(request, "dashboard/_field_tiles.html", {"field_tiles": tiles, "campaign": campaign})


class ScreenView(LoginRequiredMixin, TemplateView):
    """Full-screen command-centre mode (1920×1080, dark); HTMX re-fetches the page body every minute."""

    template_name = "dashboard/screen.html"
    refresh_seconds = 60

    def get_template_names(self):
        if self.request.headers.get("HX-Request") == "true":
            return ["dashboard/_screen_body.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(
            leader_context(self.request, _oversight_campaign(self.request)),
            refresh_seconds=self.refresh_seconds,
            now=timezone.localtime(),
        )
        return ctx


class ChartView(LoginRequiredMixin, View):
    """One chart: ECharts option as JSON; ?format=table the table behind it; ?format=xlsx that table."""

    def get(self, request, kind):
        if kind not in CHARTS:
            raise Http404
        campaign = _oversight_campaign(request)
        chart = CHARTS[kind]
        fmt = request.GET.get("format")
        if fmt in ("table", "xlsx"):
            table = chart.table(campaign, request.user)
            header, rows = table if table is not None else (["说明"], [["暂无数据"]])
            if fmt == "xlsx":
                return xlsx_response(
                    [header, *rows],
                    f"{chart.title}-{timezone.localdate():%Y%m%d}.xlsx",
                    sheet_title=chart.title,
                )
            return render(
                request, "dashboard/_chart_table.html", {"chart": chart, "header": header, "rows": rows}
            )
        return JsonResponse(option_for(kind, campaign, request.user))
