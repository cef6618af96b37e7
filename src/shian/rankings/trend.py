"""Ranks over the past periods, read from the frozen published runs (one query), and its chart."""

from shian.rankings.choices import RunStatus
from shian.rankings.models import RankingRun

PERIODS = 8


def ranks(scheme, user, periods=PERIODS):
    """(period labels oldest first, [(unit_id, unit, [rank|None per period])]) of the scheme's current
    published runs that `user` may read."""
    runs = list(
        RankingRun.objects.readable(user)
        .filter(scheme=scheme, status=RunStatus.PUBLISHED, is_current=True)
        .order_by("-period_start")[:periods]
    )[::-1]
    labels = [r.period_label for r in runs]
    table, names = {}, {}
    for i, r in enumerate(runs):
        for e in r.entries:
            table.setdefault(e["unit_id"], [None] * len(runs))[i] = e["rank"]
            names[e["unit_id"]] = e["unit"]
    order = runs[-1].entries if runs else []
    series = [(e["unit_id"], names[e["unit_id"]], table[e["unit_id"]]) for e in order]
    return labels, series


def option(labels, series, highlight=None) -> dict:
    """An ECharts line chart of ranks (1 on top); the user's own unit drawn bold."""
    return {
        "animation": False,
        "tooltip": {"trigger": "axis"},
        "legend": {"type": "scroll", "bottom": 0},
        "grid": {"left": "3%", "right": "4%", "top": 20, "bottom": 40, "containLabel": True},
        "xAxis": {"type": "category", "data": labels},
        "yAxis": {"type": "value", "inverse": True, "min": 1, "minInterval": 1, "name": "名次"},
        "series": [
            {
                "name": name,
                "type": "line",
                "data": data,
                "connectNulls": False,
                "lineStyle": {"width": 4 if unit_id == highlight else 1.5},
            }
            for unit_id, name, data in series
        ],
    }
