"""Exporting a framework to YAML and to the xlsx layout offices use (one row per scoring item).

Both formats import back to the same framework (`importing.read_tree`): YAML holds the tree as is;
the xlsx main sheet is what people read and edit, and the detail sheets (类别, 指标, 扣分规则,
材料清单, 否决项与门槛, 细则信息) carry what a single row cannot hold exactly.
"""

from __future__ import annotations

import datetime as dt
import io

import yaml

from shian.framework.choices import CategoryKind, GateKind, MaterialPeriod, Method, SurveyMetric
from shian.framework.extensions import item_fields
from shian.framework.importing import (
    CATEGORY_SHEET,
    DEDUCTION_SHEET,
    GATE_SHEET,
    INDICATOR_SHEET,
    INFO_SHEET,
    MAIN_SHEET,
    MATERIAL_SHEET,
)
from shian.framework.matching import UnitMatcher
from shian.framework.treedata import FORMAT, dec_text, framework_queryset, framework_to_tree, plain_number

MAIN_HEADER = [
    "序号",
    "编号",
    "一级指标",
    "二级指标",
    "评分要点",
    "分值",
    "计分步长",
    "评价方式",
    "评分标准",
    "扣分规则",
    "材料清单",
    "牵头单位",
    "配合单位",
    "完成时限",
    "关键项",
    "关键项最低得分率",
    "等级评分",
]
MAIN_WIDTHS = [6, 8, 12, 16, 44, 6, 8, 14, 36, 30, 34, 18, 22, 14, 7, 9, 18]


def export_tree(framework) -> dict:
    """The framework's tree with units named as exports write them."""
    fw = framework_queryset().get(pk=framework.pk)
    matcher = UnitMatcher(fw.owner_region)
    return framework_to_tree(fw, label=matcher.label)


def filename_for(framework, ext: str) -> str:
    label = f"（{framework.version_label}）" if framework.version_label else ""
    name = f"{framework.name}{label}" if label not in framework.name else framework.name
    return "".join(ch for ch in name if ch not in '\\/:*?"<>|') + ext


# ------------------------------------------------------------------------------------ YAML


def _yaml_value(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    return plain_number(value) if hasattr(value, "as_tuple") else value


def _compact(d: dict, defaults: dict | None = None) -> dict:
    """Drop empty and default values so the file reads like the shipped sample."""
    out = {}
    for k, v in d.items():
        if v in (None, "", [], False) or (defaults and defaults.get(k) == v):
            continue
        out[k] = _yaml_value(v)
    return out


def tree_to_yaml_data(tree: dict) -> dict:
    cats = []
    for cat in tree["categories"]:
        inds = []
        for ind in cat["indicators"]:
            items = []
            for it in ind["items"]:
                item = _compact(
                    {k: v for k, v in it.items() if k not in ("deductions", "materials", "rubric")}
                )
                item["points"] = plain_number(it["points"])
                if it["rubric"]:
                    item["rubric"] = [
                        {"level": r["level"], "min": plain_number(r["min"]), "max": plain_number(r["max"])}
                        for r in it["rubric"]
                    ]
                if it["deductions"]:
                    item["deductions"] = [_compact(d) for d in it["deductions"]]
                if it["materials"]:
                    item["materials"] = [_compact(m, {"period": MaterialPeriod.ANY}) for m in it["materials"]]
                items.append(item)
            entry = _compact({k: v for k, v in ind.items() if k != "items"})
            entry["items"] = items
            inds.append(entry)
        entry = _compact({k: v for k, v in cat.items() if k != "indicators"})
        entry["kind"] = cat["kind"]
        entry["indicators"] = inds
        cats.append(entry)
    head = _compact({k: v for k, v in tree.items() if k not in ("categories", "gates")})
    return {
        "format": FORMAT,
        "framework": head,
        "categories": cats,
        "gates": [_compact(g) for g in tree["gates"]],
    }


def export_yaml(framework) -> str:
    header = (
        "# 评价细则（食安创城导出）。可编辑后用“导入细则”或 `shian import-framework 文件.yaml` 导入。\n"
        + ("# 注意：这是系统自带的示例细则，条文和分值仅供演示。\n" if framework.is_sample else "")
    )
    body = yaml.safe_dump(
        tree_to_yaml_data(export_tree(framework)), allow_unicode=True, sort_keys=False, width=1000
    )
    return header + body


# ------------------------------------------------------------------------------------ xlsx


def _method_text(methods) -> str:
    return "、".join(Method(m).label for m in methods if m in Method.values)


def _period_suffix(m: dict) -> str:
    if m["period"] == MaterialPeriod.LAST_YEARS and m["period_years"]:
        return f"（近{m['period_years']}年）"
    if m["period"] == MaterialPeriod.CURRENT_YEAR:
        return "（当年）"
    if m["period"] == MaterialPeriod.SINCE_CAMPAIGN:
        return "（创建以来）"
    return ""


def _deduction_line(d: dict) -> str:
    return f"{d['description']}（扣{dec_text(d['points'])}分{'，按次' if d['per_occurrence'] else ''}）"


def _deadline_cell(it: dict):
    from shian.framework.treedata import date_from_text

    text, date = it["deadline_text"], it["deadline"]
    if text and (date is None or date_from_text(text) == date):
        return text
    if text:
        return f"{text}；{date.isoformat()}"
    return date


def export_xlsx(framework) -> bytes:
    import xlsxwriter

    tree = export_tree(framework)
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(
        buf,
        {
            "in_memory": True,
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    title_fmt = book.add_format({"bold": True, "font_size": 16, "align": "center", "valign": "vcenter"})
    head = book.add_format(
        {
            "bold": True,
            "bg_color": "#E8EEF7",
            "border": 1,
            "text_wrap": True,
            "align": "center",
            "valign": "vcenter",
        }
    )
    wrap = book.add_format({"text_wrap": True, "valign": "top", "border": 1})
    date_fmt = book.add_format({"num_format": "yyyy-mm-dd", "valign": "top", "border": 1})
    note = book.add_format({"italic": True, "font_color": "#666666"})

    main = book.add_worksheet(MAIN_SHEET)
    title = tree["name"] + (
        f"（{tree['version_label']}）"
        if tree["version_label"] and tree["version_label"] not in tree["name"]
        else ""
    )
    fields = item_fields()
    header = MAIN_HEADER + [f.label for f in fields]
    main.merge_range(0, 0, 0, len(header) - 1, title, title_fmt)
    main.set_row(0, 30)
    main.write_row(1, 0, header, head)
    for c, w in enumerate(MAIN_WIDTHS + [24] * len(fields)):
        main.set_column(c, c, w)
    r = 2
    seq = 0
    deductions, materials = [], []
    for cat in tree["categories"]:
        for ind in cat["indicators"]:
            for it in ind["items"]:
                seq += 1
                deadline = _deadline_cell(it)
                row = [
                    seq,
                    it["code"],
                    cat["name"],
                    ind["name"],
                    it["content"],
                    float(it["points"]),
                    float(it["step"]) if it["step"] is not None else None,
                    _method_text(it["methods"]),
                    it["scoring_rule"],
                    "\n".join(_deduction_line(d) for d in it["deductions"]),
                    "\n".join(m["name"] + _period_suffix(m) for m in it["materials"]),
                    "、".join(it["lead_units"]),
                    "、".join(it["coop_units"]),
                    None,
                    "是" if it["is_key"] else "",
                    float(it["key_min_share"]) if it["key_min_share"] is not None else None,
                    "；".join(
                        f"{x['level']}：{dec_text(x['min'])}"
                        + (f"～{dec_text(x['max'])}" if x["max"] != x["min"] else "")
                        for x in it["rubric"]
                    ),
                    *("、".join(it.get(f.key) or []) for f in fields),
                ]
                for c, v in enumerate(row):
                    if v is None or v == "":
                        main.write_blank(r, c, None, wrap)
                    elif isinstance(v, int | float):
                        main.write_number(r, c, v, wrap)
                    else:
                        main.write_string(r, c, v, wrap)
                col = MAIN_HEADER.index("完成时限")
                if isinstance(deadline, dt.date):
                    main.write_datetime(r, col, dt.datetime.combine(deadline, dt.time()), date_fmt)
                elif deadline:
                    main.write_string(r, col, deadline, wrap)
                deductions += [
                    [seq, d["description"], float(d["points"]), "是" if d["per_occurrence"] else "否"]
                    for d in it["deductions"]
                ]
                materials += [
                    [
                        seq,
                        m["name"],
                        m["description"],
                        m["provider"],
                        MaterialPeriod(m["period"]).label,
                        m["period_years"],
                    ]
                    for m in it["materials"]
                ]
                r += 1
    main.write_string(
        r + 1,
        0,
        "备注：本表由食安创城系统导出。“类别”“指标”“扣分规则”“材料清单”“否决项与门槛”“细则信息”"
        "工作表用于重新导入时完整还原，请勿删除或改名；只修改本表时，本表内容优先。",
        note,
    )
    main.freeze_panes(2, 0)
    main.autofilter(1, 0, max(r - 1, 1), len(MAIN_HEADER) - 1)

    def sheet(name, header, rows, widths):
        ws = book.add_worksheet(name)
        ws.write_row(0, 0, header, head)
        for c, w in enumerate(widths):
            ws.set_column(c, c, w)
        for i, row in enumerate(rows, start=1):
            for c, v in enumerate(row):
                if v is None or v == "":
                    continue
                if isinstance(v, int | float) and not isinstance(v, bool):
                    ws.write_number(i, c, v)
                else:
                    ws.write_string(i, c, str(v))
        ws.freeze_panes(1, 0)

    sheet(
        CATEGORY_SHEET,
        ["序号", "编号", "名称", "类型", "分值", "封顶分"],
        [
            [
                i,
                c["code"],
                c["name"],
                CategoryKind(c["kind"]).label,
                float(c["points"]) if c["points"] is not None else None,
                float(c["cap"]) if c["cap"] is not None else None,
            ]
            for i, c in enumerate(tree["categories"], start=1)
        ],
        [6, 8, 16, 18, 8, 8],
    )
    sheet(
        INDICATOR_SHEET,
        ["一级指标", "编号", "二级指标", "说明"],
        [
            [c["name"], ind["code"], ind["name"], ind["description"]]
            for c in tree["categories"]
            for ind in c["indicators"]
        ],
        [16, 8, 24, 50],
    )
    sheet(DEDUCTION_SHEET, ["评分项序号", "扣分情形", "扣分", "按次扣分"], deductions, [10, 50, 8, 10])
    sheet(
        MATERIAL_SHEET,
        ["评分项序号", "材料名称", "要求", "提供单位", "时间范围", "年数"],
        materials,
        [10, 40, 40, 18, 10, 6],
    )
    sheet(
        GATE_SHEET,
        ["类型", "名称", "测评指标", "门槛值", "说明"],
        [
            [
                GateKind(g["kind"]).label,
                g["name"],
                SurveyMetric(g["metric"]).label if g["metric"] else "",
                float(g["threshold"]) if g["threshold"] is not None else None,
                g["description"],
            ]
            for g in tree["gates"]
        ],
        [14, 30, 10, 8, 50],
    )
    info = [
        ("名称", tree["name"]),
        ("版本", tree["version_label"]),
        ("发布机关", tree["issuer"]),
        ("说明", tree["description"]),
        ("示例", "是" if tree["is_sample"] else "否"),
        ("及格线", float(tree["pass_line"]) if tree["pass_line"] is not None else None),
        (
            "关键项最低得分率",
            float(tree["key_item_min_share"]) if tree["key_item_min_share"] is not None else None,
        ),
        ("默认计分步长", float(tree["default_step"])),
    ]
    sheet(INFO_SHEET, ["项目", "内容"], [list(x) for x in info], [18, 60])
    book.close()
    return buf.getvalue()
