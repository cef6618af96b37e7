"""Every dashboard chart, declared once: the table behind it (header + rows) and the ECharts option
built from that table. The JSON endpoint, the table fragment and the xlsx export all read `table()`,
so what a leader sees, reads and downloads is the same data."""

from collections.abc import Callable
from dataclasses import dataclass

from shian.dashboard import services

TOOLBOX = {"feature": {"saveAsImage": {"title": "保存为图片", "pixelRatio": 2}}, "right": 10}


@dataclass
class Chart:
    title: str
    table: Callable  # (campaign, user) -> (header, rows) or None when the data is not available
    option: Callable  # (header, rows) -> ECharts option


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
            {
                "name": "未完成",
                "type": "bar",
                "stack": "t",
                "data": remaining,
                "itemStyle": {"color": "#dc8a3c"},
            },
        ],
    }


def _category_table(campaign, user):
    rows = services.progress_by_category(campaign, user)
    return ["类别", "任务数", "已完成", "未完成", "完成率(%)"], [
        [r["category"], r["total"], r["done"], r["total"] - r["done"], r["rate"]] for r in rows
    ]


def _category_option(header, rows):
    return _bar_option([r[0] for r in rows], [r[2] for r in rows], [r[3] for r in rows], horizontal=False)


def _units_table(campaign, user):
    rows = services.progress_by_unit(campaign, user)
    return ["单位", "任务数", "已完成", "未完成", "逾期", "完成率(%)"], [
        [r["label"], r["total"], r["done"], r["total"] - r["done"], r["overdue"], r["rate"]]
        for r in sorted(rows, key=lambda r: (r["rate"], r["label"]))
    ]


def _units_option(header, rows):
    rows = list(reversed(rows[:20]))  # the 20 lowest, lowest on top
    return _bar_option([r[0] for r in rows], [r[2] for r in rows], [r[3] for r in rows], horizontal=True)


def _late_table(campaign, user):
    rows = services.late_units(campaign, user, limit=50)
    return ["单位", "参与轮次", "迟报", "未报"], [
        [r["label"], r["rounds"], r["late"], r["missing"]] for r in rows
    ]


def _late_option(header, rows):
    rows = list(reversed(rows[:10]))  # the ten worst; the table behind the chart has them all
    return {
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "legend": {"data": ["迟报", "未报"]},
        "grid": {"left": "3%", "right": "4%", "bottom": "3%", "containLabel": True},
        "xAxis": {"type": "value", "minInterval": 1},
        "yAxis": {"type": "category", "data": [r[0] for r in rows], "axisLabel": {"interval": 0}},
        "series": [
            {
                "name": "迟报",
                "type": "bar",
                "stack": "t",
                "data": [r[2] for r in rows],
                "itemStyle": {"color": "#ffc107"},
            },
            {
                "name": "未报",
                "type": "bar",
                "stack": "t",
                "data": [r[3] for r in rows],
                "itemStyle": {"color": "#dc3545"},
            },
        ],
    }


def _problems_table(campaign, user):
    rows = services.problems_by_colour(campaign, user)
    if rows is None:
        return None
    return ["色标", "未销号", "其中逾期"], [[r["label"], r["open"], r["overdue"]] for r in rows]


def _pie(rows, colours, name, empty="暂无数据"):
    pairs = [
        (r, c) for r, c in zip(rows, colours, strict=False) if r[1]
    ]  # zero slices only clutter the labels
    if not pairs:
        return _empty(empty)
    return {
        "tooltip": {"trigger": "item", "formatter": "{b}：{c}（{d}%）"},
        "legend": {"bottom": 0},
        "series": [
            {
                "name": name,
                "type": "pie",
                "radius": ["40%", "68%"],
                "label": {"formatter": "{b}\n{c}"},
                "data": [{"name": r[0], "value": r[1], "itemStyle": {"color": c}} for r, c in pairs],
            }
        ],
    }


def _problems_option(header, rows):
    return _pie(rows, [c for _k, _l, c in services.SEVERITY_COLOURS], "未销号问题", "无未销号问题")


def _materials_table(campaign, user):
    m = services.material_completeness(campaign, user)
    if m is None:
        return None
    return ["材料状态", "材料要求数", "占比(%)"], [
        [r["label"], r["count"], round(r["count"] * 100 / m["total"], 1)] for r in m["rows"]
    ]


def _materials_option(header, rows):
    colours = list(services.COVERAGE_COLOURS.values())
    return _pie(rows, colours, "材料完整度")


def _readiness_table(campaign, user):
    r = services.readiness(campaign, user)
    if r is None:
        return None
    return ["项目", "分值"], [
        ["当前得分", float(r["score"])],
        ["满分", float(r["max"])],
        ["及格线", float(r["pass_line"]) if r["pass_line"] is not None else None],
        ["整改到位后预测得分", float(r["forecast"])],
        ["示范引领加分", float(r["bonus"])],
    ]


def _readiness_option(header, rows):
    values = {r[0]: r[1] for r in rows}
    top, line = values["满分"] or 100, values["及格线"]
    stops = [[(line / top) if line else 0.9, "#dc3545"], [1, "#198754"]]
    return {
        "series": [
            {
                "name": "当前得分",
                "type": "gauge",
                "min": 0,
                "max": top,
                "progress": {"show": True, "width": 14},
                "axisLine": {"lineStyle": {"width": 14, "color": stops}},
                "pointer": {"show": True},
                "detail": {
                    "valueAnimation": True,
                    "formatter": "{value}分",
                    "fontSize": 22,
                    "offsetCenter": [0, "60%"],
                },
                "title": {"offsetCenter": [0, "85%"]},
                "data": [{"value": values["当前得分"], "name": f"及格线{line:g}分" if line else "当前得分"}],
            },
            {
                "name": "预测得分",
                "type": "gauge",
                "min": 0,
                "max": top,
                "pointer": {"show": True, "width": 4, "itemStyle": {"color": "#0d6efd"}},
                "axisLine": {"show": False},
                "axisTick": {"show": False},
                "splitLine": {"show": False},
                "axisLabel": {"show": False},
                "detail": {"show": False},
                "title": {"show": False},
                "data": [{"value": values["整改到位后预测得分"], "name": "预测"}],
            },
        ],
        "tooltip": {"formatter": "{a}：{c}分"},
    }


def _figures_table(campaign, user):
    rows = services.key_figures(campaign, user)
    if not rows:
        return None
    return ["指标", "期间", "当前值", "目标", "单位", "完成目标(%)", "是否达标"], [
        [
            r["name"],
            r["period"],
            float(r["value"]) if r["value"] is not None else None,
            float(r["target"]) if r["target"] is not None else None,
            r["unit"],
            r["share"],
            {True: "达标", False: "未达标", None: "—"}[r["met"]],
        ]
        for r in rows
    ]


def _figures_option(header, rows):
    rows = [r for r in rows if r[5] is not None]
    return {
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "grid": {"left": "3%", "right": "8%", "bottom": "3%", "containLabel": True},
        "xAxis": {"type": "value", "name": "完成目标%", "max": lambda_max(rows)},
        "yAxis": {"type": "category", "data": [r[0] for r in rows], "axisLabel": {"interval": 0}},
        "series": [
            {
                "name": "完成目标",
                "type": "bar",
                "label": {"show": True, "position": "right", "formatter": "{c}%"},
                "data": [
                    {"value": r[5], "itemStyle": {"color": "#198754" if r[6] == "达标" else "#dc3545"}}
                    for r in rows
                ],
                "markLine": {"symbol": "none", "data": [{"xAxis": 100}], "lineStyle": {"color": "#0d6efd"}},
            }
        ],
    }


def lambda_max(rows):
    return max([100, *[min(r[5], 200) for r in rows]]) if rows else 100


CHARTS = {
    "category": Chart("分类别任务进度", _category_table, _category_option),
    "units": Chart("各单位任务完成率", _units_table, _units_option),
    "late": Chart("调度迟报、漏报单位", _late_table, _late_option),
    "problems": Chart("未销号问题（按色标）", _problems_table, _problems_option),
    "materials": Chart("佐证材料完整度", _materials_table, _materials_option),
    "readiness": Chart("自评得分与预测", _readiness_table, _readiness_option),
    "figures": Chart("重点指标完成情况", _figures_table, _figures_option),
}


def _empty(text="暂无数据"):
    return {
        "title": {
            "text": text,
            "left": "center",
            "top": "middle",
            "textStyle": {"color": "#999", "fontSize": 14},
        }
    }


def option_for(kind, campaign, user):
    chart = CHARTS[kind]
    table = chart.table(campaign, user)
    option = _empty() if table is None else chart.option(*table)
    option["toolbox"] = TOOLBOX
    option["backgroundColor"] = "transparent"  # the card (light) or the screen panel (dark) shows through
    return option
