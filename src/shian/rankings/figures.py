"""Figures other apps read: the dashboard's rankings tiles."""

from django.urls import reverse

from shian.rankings.choices import AppealStatus, InterviewStatus, RunStatus
from shian.rankings.models import Appeal, Interview, RankingRun


def dashboard_tiles(campaign, user) -> list[dict]:
    """Tiles shaped like dashboard.services.field_tiles (label, value, unit, note, url, tone): the latest
    published ranking's 红/黑榜 counts (and, for a unit, its own rank), open 约谈, pending appeals.
    Three queries; only rows `user` may read."""
    run = (
        RankingRun.objects.readable(user)
        .filter(scheme__campaign=campaign, status=RunStatus.PUBLISHED, is_current=True)
        .select_related("scheme")
        .order_by("-period_start", "-published_at")
        .first()
    )
    tiles = []
    if run is not None:
        red, black = len(run.red_list()), len(run.black_list())
        mine = run.entry_for(user.unit_id) if user.unit_id else None
        if mine is not None and mine["rank"] is not None:
            label = {"red": "，红榜", "black": "，黑榜"}.get(mine["list"], "")
            note = f"{run.scheme.name} · 本单位第{mine['rank']}名{label}"
        else:
            note = f"{run.scheme.name} · 红榜{red}个、黑榜{black}个"
        tiles.append(
            {
                "label": f"{run.period_label}红黑榜",
                "value": black,
                "unit": f"个黑榜 / {red}个红榜",
                "note": note,
                "url": run.get_absolute_url(),
                "tone": "danger" if mine and mine["list"] == "black" else ("warning" if black else "success"),
            }
        )
    open_interviews = (
        Interview.objects.restrict(user)
        .filter(campaign=campaign)
        .exclude(status=InterviewStatus.CLOSED)
        .count()
    )
    tiles.append(
        {
            "label": "未销号约谈",
            "value": open_interviews,
            "unit": "个",
            "note": "拟约谈或已约谈、承诺尚未落实",
            "url": reverse("rankings:interview_list"),
            "tone": "danger" if open_interviews else "success",
        }
    )
    pending = (
        Appeal.objects.restrict(user)
        .filter(run__scheme__campaign=campaign, status=AppealStatus.PENDING)
        .count()
    )
    if pending:
        tiles.append(
            {
                "label": "待处理排名申诉",
                "value": pending,
                "unit": "件",
                "note": "须由未参与计算、发布的人员处理",
                "url": reverse("rankings:run_list"),
                "tone": "warning",
            }
        )
    return tiles
