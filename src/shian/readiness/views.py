"""The gap analysis page (差距分析): what the campaign stands to lose, and what to fix first."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.views import View

from shian.campaigns.models import Campaign
from shian.campaigns.services import current_campaign
from shian.core.pagecache import CachedPageMixin
from shian.readiness import gap


def _gap_campaign(request):
    campaigns = Campaign.objects.restrict(request.user)
    pk = request.GET.get("campaign")
    if pk:
        campaign = current_campaign(request.user, pk)
        if campaign is None:
            raise Http404
        return campaign, campaigns
    return current_campaign(request.user), campaigns


class GapView(LoginRequiredMixin, CachedPageMixin, View):
    def get(self, request):
        if request.user.role == "expert":
            raise PermissionDenied("评审专家不查看差距分析")
        campaign, campaigns = _gap_campaign(request)
        data = _cached_gap(campaign, request.user) if campaign else None
        if request.GET.get("export") == "xlsx" and data:
            from django.utils import timezone

            from shian.core.exports import xlsx_response

            rows = [["排序", "评分项", "类别", "失分", "优先度", "牵头单位", "原因"]]
            rows += [
                [
                    r["rank"],
                    f"{r['item'].code} {r['item'].content[:60]}",
                    r["category"].name,
                    float(r["lost"]),
                    float(r["priority"]),
                    "、".join(u.short_name or u.name for u in r["units"]),
                    "；".join(r["why"]),
                ]
                for r in data["fix_first"]
            ]
            return xlsx_response(
                rows, f"差距分析-{timezone.localdate():%Y%m%d}.xlsx", sheet_title="优先整改清单"
            )
        return render(
            request,
            "readiness/gap.html",
            {"title": "差距分析", "data": data, "campaign": campaign, "campaigns": campaigns},
        )


class GapChartView(LoginRequiredMixin, View):
    def get(self, request):
        if request.user.role == "expert":
            raise PermissionDenied
        campaign, _ = _gap_campaign(request)
        if campaign is None:
            return JsonResponse({})
        return JsonResponse(gap.chart_option(_cached_gap(campaign, request.user)))


def _cached_gap(campaign, user):
    """The gap analysis, recomputed only when the data has changed (shian.core.cache)."""
    from shian.core.cache import cached

    return cached("gap", [campaign.pk], lambda: gap.analyse(campaign, user=user), user=user)
