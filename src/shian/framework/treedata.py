"""The framework as plain data (the "tree"): what YAML holds, what every import produces, what
exports write, and what round-trip tests compare.

    {"name", "version_label", "issuer", "description", "is_sample", "pass_line", "key_item_min_share",
     "default_step",
     "categories": [{"code", "name", "kind", "points", "cap",
                     "indicators": [{"code", "name", "description",
                                     "items": [{"code", "content", "points", "step", "methods", "scoring_rule",
                                                "rubric", "is_key", "key_min_share", "deadline", "deadline_text",
                                                "lead_units", "coop_units",
                                                "deductions": [{"description", "points", "per_occurrence"}],
                                                "materials": [{"name", "description", "provider", "period",
                                                               "period_years"}]}]}]}],
     "gates": [{"kind", "name", "description", "metric", "threshold"}]}

Numbers are Decimals, dates `datetime.date`, units are names (resolved by `matching.UnitMatcher`).
Order is the order of the lists; `seq` is derived from it.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.db.models import Prefetch

from shian.framework.choices import CategoryKind, GateKind, MaterialPeriod, Method, SurveyMetric, UnitRole
from shian.framework.extensions import item_fields

FORMAT = "shian-framework/1"

METHOD_WORDS = {label: value for value, label in Method.choices} | {v: v for v in Method.values}
KIND_WORDS = (
    {label: value for value, label in CategoryKind.choices}
    | {v: v for v in CategoryKind.values}
    | {"基本项": "base", "加分项": "bonus", "示范引领": "bonus", "鼓励项": "bonus"}
)
GATE_WORDS = {label: value for value, label in GateKind.choices} | {v: v for v in GateKind.values}
METRIC_WORDS = {label: value for value, label in SurveyMetric.choices} | {v: v for v in SurveyMetric.values}
PERIOD_WORDS = {label: value for value, label in MaterialPeriod.choices} | {
    v: v for v in MaterialPeriod.values
}


def canon(value) -> Decimal | None:
    """A Decimal without trailing zeros and without exponent notation: 30.00 → 30, 0.50 → 0.5."""
    if value is None:
        return None
    d = Decimal(str(value)).normalize()
    return d if d.as_tuple().exponent <= 0 else d.quantize(Decimal(1))


def dec_text(value) -> str:
    """2.00 → "2", 0.50 → "0.5" (how numbers appear in exports and comparisons)."""
    if value is None:
        return ""
    d = Decimal(str(value))
    text = format(d.normalize(), "f")
    return "0" if text in ("-0", "") else text


def plain_number(value):
    """A Decimal as int or float for YAML/JSON (2 rather than 2.00)."""
    if value is None:
        return None
    d = Decimal(str(value)).normalize()
    return int(d) if d == d.to_integral_value() else float(d)


def canonical_rubric(rubric) -> list[dict]:
    return [
        {"level": str(r["level"]), "min": canon(r["min"]), "max": canon(r["max"])} for r in (rubric or [])
    ]


_norm = canon


def framework_queryset():
    """Everything a tree needs, in a fixed number of queries."""
    from shian.framework.models import (
        Category,
        DeductionRule,
        Framework,
        Indicator,
        ItemUnit,
        MaterialRequirement,
        ScoringItem,
    )

    items = ScoringItem.objects.order_by("seq", "id").prefetch_related(
        Prefetch(
            "assignments", queryset=ItemUnit.objects.select_related("unit").order_by("role", "seq", "id")
        ),
        Prefetch("deductions", queryset=DeductionRule.objects.order_by("seq", "id")),
        Prefetch(
            "materials", queryset=MaterialRequirement.objects.select_related("provider").order_by("seq", "id")
        ),
    )
    indicators = Indicator.objects.order_by("seq", "id").prefetch_related(Prefetch("items", queryset=items))
    categories = Category.objects.order_by("seq", "id").prefetch_related(
        Prefetch("indicators", queryset=indicators)
    )
    return Framework.objects.select_related("owner_region").prefetch_related(
        Prefetch("categories", queryset=categories), "gates"
    )


def framework_to_tree(framework, label=None) -> dict:
    """The tree of a saved framework. `label(unit)` names units (default: short name or name).

    Pass a framework fetched through `framework_queryset()` to avoid per-row queries.
    """
    label = label or (lambda u: u.short_name or u.name)
    cats = []
    saved_items = []  # (item, its dict): extension fields are loaded for all items at once
    for cat in framework.categories.all():
        inds = []
        for ind in cat.indicators.all():
            items = []
            for item in ind.items.all():
                assignments = list(item.assignments.all())
                lead = [
                    label(a.unit) for a in assignments if a.role == UnitRole.LEAD
                ] + item.unmatched_lead_names()
                coop = [
                    label(a.unit) for a in assignments if a.role == UnitRole.COOPERATE
                ] + item.unmatched_coop_names()
                items.append(
                    {
                        "code": item.code,
                        "content": item.content,
                        "points": _norm(item.points),
                        "step": _norm(item.step),
                        "methods": list(item.methods or []),
                        "scoring_rule": item.scoring_rule,
                        "rubric": canonical_rubric(item.rubric),
                        "is_key": item.is_key,
                        "key_min_share": _norm(item.key_min_share),
                        "deadline": item.deadline,
                        "deadline_text": item.deadline_text,
                        "lead_units": lead,
                        "coop_units": coop,
                        "deductions": [
                            {
                                "description": d.description,
                                "points": _norm(d.points),
                                "per_occurrence": d.per_occurrence,
                            }
                            for d in item.deductions.all()
                        ],
                        "materials": [
                            {
                                "name": m.name,
                                "description": m.description,
                                "provider": label(m.provider) if m.provider else m.provider_name,
                                "period": m.period,
                                "period_years": m.period_years,
                            }
                            for m in item.materials.all()
                        ],
                    }
                )
            saved_items += zip(ind.items.all(), items, strict=True)
            inds.append({"code": ind.code, "name": ind.name, "description": ind.description, "items": items})
        cats.append(
            {
                "code": cat.code,
                "name": cat.name,
                "kind": cat.kind,
                "points": _norm(cat.points),
                "cap": _norm(cat.cap),
                "indicators": inds,
            }
        )
    ids = [item.pk for item, _ in saved_items]
    for f in item_fields():
        values = f.load(ids)
        for item, data in saved_items:
            data[f.key] = values.get(item.pk, [])
    gates = [
        {
            "kind": g.kind,
            "name": g.name,
            "description": g.description,
            "metric": g.metric,
            "threshold": _norm(g.threshold),
        }
        for g in framework.gates.all()
    ]
    return {
        "name": framework.name,
        "version_label": framework.version_label,
        "issuer": framework.issuer,
        "description": framework.description,
        "is_sample": framework.is_sample,
        "pass_line": _norm(framework.pass_line),
        "key_item_min_share": _norm(framework.key_item_min_share),
        "default_step": _norm(framework.default_step),
        "categories": cats,
        "gates": gates,
    }


def tree_summary(tree: dict) -> dict:
    """Counts and totals shown in previews and printed by the import command."""
    base = bonus = Decimal(0)
    cats = []
    n_ind = n_items = n_key = 0
    for cat in tree["categories"]:
        item_points = sum((i["points"] for ind in cat["indicators"] for i in ind["items"]), Decimal(0))
        items = sum(len(ind["items"]) for ind in cat["indicators"])
        n_ind += len(cat["indicators"])
        n_items += items
        n_key += sum(1 for ind in cat["indicators"] for i in ind["items"] if i["is_key"])
        if cat["kind"] == CategoryKind.BONUS:
            bonus += cat["cap"] if cat.get("cap") is not None else item_points
        else:
            base += cat["points"] if cat.get("points") is not None else item_points
        cats.append(
            {
                "name": cat["name"],
                "kind": cat["kind"],
                "points": cat.get("points"),
                "cap": cat.get("cap"),
                "item_points": item_points,
                "indicators": len(cat["indicators"]),
                "items": items,
            }
        )
    return {
        "categories": cats,
        "category_count": len(cats),
        "indicator_count": n_ind,
        "item_count": n_items,
        "key_item_count": n_key,
        "base_points": base,
        "bonus_points": bonus,
        "gate_count": len(tree["gates"]),
    }


def tree_warnings(tree: dict) -> list[str]:
    """Things worth a second look that are not errors (points that do not add up)."""
    out = []
    for cat in tree["categories"]:
        item_points = sum((i["points"] for ind in cat["indicators"] for i in ind["items"]), Decimal(0))
        if (
            cat["kind"] == CategoryKind.BASE
            and cat.get("points") is not None
            and item_points != cat["points"]
        ):
            out.append(
                f"类别“{cat['name']}”分值为{dec_text(cat['points'])}分，所含评分项合计{dec_text(item_points)}分"
            )
    base = tree_summary(tree)["base_points"]
    if tree["categories"] and base != 100:
        out.append(f"基本项合计{dec_text(base)}分（通常为100分）")
    return out


# ------------------------------------------------------------------------------- validation


def date_from_text(text: str) -> dt.date | None:
    """The date a deadline text names ("2025年6月30日前" → 2025-06-30), or None ("每季度")."""
    from shian.core.spreadsheets import CellError, parse_date

    m = re.fullmatch(r"\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(?:底|末|份)?\s*(?:前|之前|以前)?\s*", str(text))
    if m and 1 <= int(m.group(2)) <= 12:  # "2026年6月" / "6月底前": the month's last day, not its first
        year, month = int(m.group(1)), int(m.group(2))
        return dt.date(year, month, calendar.monthrange(year, month)[1])
    try:
        return parse_date(text)
    except (CellError, ValueError):
        return None


class TreeError(ValueError):
    """A problem in tree data, with a Chinese message that says where."""


def _to_dec(value, where, field, *, required=False, minimum=None) -> Decimal | None:
    if value is None or value == "":
        if required:
            raise TreeError(f"{where}：“{field}”不能为空")
        return None
    if isinstance(value, bool):
        raise TreeError(f"{where}：“{field}”的值“{value}”不是有效的数字")
    try:
        d = Decimal(str(value).strip())
    except InvalidOperation:
        raise TreeError(f"{where}：“{field}”的值“{value}”不是有效的数字")
    if not d.is_finite():
        raise TreeError(f"{where}：“{field}”的值“{value}”不是有效的数字")
    if minimum is not None and d < minimum:
        raise TreeError(f"{where}：“{field}”不能小于{minimum}")
    return canon(d)


def _to_text(value, where, field, *, required=False, max_length=None) -> str:
    if value is None:
        value = ""
    if isinstance(value, float | int | Decimal) and not isinstance(value, bool):
        value = dec_text(value)
    if not isinstance(value, str):
        raise TreeError(f"{where}：“{field}”应为文字")
    value = value.strip()
    if required and not value:
        raise TreeError(f"{where}：“{field}”不能为空")
    if max_length and len(value) > max_length:
        raise TreeError(f"{where}：“{field}”不能超过{max_length}个字")
    return value


def _to_choice(value, words, where, field, default=None):
    if value in (None, ""):
        if default is None:
            raise TreeError(f"{where}：“{field}”不能为空")
        return default
    key = str(value).strip()
    if key not in words:
        raise TreeError(
            f"{where}：“{field}”的值“{key}”无法识别（可填：{'、'.join(sorted(set(words) - set(words.values())) or words)}）"
        )
    return words[key]


def _to_bool(value, where, field) -> bool:
    if value in (None, ""):
        return False
    if isinstance(value, bool):
        return value
    text = str(value).strip()
    if text in ("是", "true", "True", "1", "★", "√", "关键项", "yes"):
        return True
    if text in ("否", "false", "False", "0", "", "×", "no"):
        return False
    raise TreeError(f"{where}：“{field}”的值“{text}”应为是或否")


def _to_names(value, where, field) -> list[str]:
    from shian.framework.matching import split_names

    if value in (None, ""):
        return []
    if isinstance(value, str):
        return split_names(value)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(dict.fromkeys(v.strip() for v in value if v.strip()))
    raise TreeError(f"{where}：“{field}”应为单位名称列表")


def _to_list(value, where, field) -> list:
    if value in (None, ""):
        return []
    if not isinstance(value, list):
        raise TreeError(f"{where}：“{field}”应为列表")
    return value


def _to_dict(value, where) -> dict:
    if not isinstance(value, dict):
        raise TreeError(f"{where}：格式不正确（应为键值对）")
    return value


def clean_tree(raw: dict) -> dict:
    """Validate loosely typed data (from YAML or JSON) into a tree; TreeError names the place."""
    raw = _to_dict(raw, "文件")
    fw = _to_dict(raw.get("framework", raw), "framework")
    tree = {
        "name": _to_text(fw.get("name"), "细则", "name（名称）", required=True, max_length=200),
        "version_label": _to_text(fw.get("version_label"), "细则", "version_label（版本）", max_length=40),
        "issuer": _to_text(fw.get("issuer"), "细则", "issuer（发布机关）", max_length=100),
        "description": _to_text(fw.get("description"), "细则", "description（说明）"),
        "is_sample": _to_bool(fw.get("is_sample"), "细则", "is_sample（示例）"),
        "pass_line": _to_dec(fw.get("pass_line"), "细则", "pass_line（及格线）", minimum=0),
        "key_item_min_share": _to_dec(
            fw.get("key_item_min_share"), "细则", "key_item_min_share（关键项最低得分率）", minimum=0
        ),
        "default_step": _to_dec(fw.get("default_step"), "细则", "default_step（默认计分步长）")
        or Decimal("0.5"),
        "categories": [],
        "gates": [],
    }
    if tree["key_item_min_share"] is not None and tree["key_item_min_share"] > 1:
        raise TreeError("细则：“key_item_min_share（关键项最低得分率）”应在0到1之间（如0.6）")
    names = set()
    for ci, rc in enumerate(_to_list(raw.get("categories"), "文件", "categories（类别）"), start=1):
        rc = _to_dict(rc, f"第{ci}个类别")
        where = f"第{ci}个类别“{rc.get('name') or ''}”"
        cat = {
            "code": _to_text(rc.get("code"), where, "code（编号）", max_length=20),
            "name": _to_text(rc.get("name"), where, "name（名称）", required=True, max_length=100),
            "kind": _to_choice(rc.get("kind"), KIND_WORDS, where, "kind（类型）", default="base"),
            "points": _to_dec(rc.get("points"), where, "points（分值）", minimum=0),
            "cap": _to_dec(rc.get("cap"), where, "cap（封顶分）", minimum=0),
            "indicators": [],
        }
        if cat["name"] in names:
            raise TreeError(f"{where}：类别名称重复")
        names.add(cat["name"])
        for ii, ri in enumerate(_to_list(rc.get("indicators"), where, "indicators（指标）"), start=1):
            ri = _to_dict(ri, f"{where}第{ii}个指标")
            iwhere = f"{where}第{ii}个指标“{ri.get('name') or ''}”"
            ind = {
                "code": _to_text(ri.get("code"), iwhere, "code（编号）", max_length=20),
                "name": _to_text(ri.get("name"), iwhere, "name（名称）", required=True, max_length=200),
                "description": _to_text(ri.get("description"), iwhere, "description（说明）"),
                "items": [],
            }
            for ti, rt in enumerate(_to_list(ri.get("items"), iwhere, "items（评分项）"), start=1):
                rt = _to_dict(rt, f"{iwhere}第{ti}个评分项")
                ind["items"].append(clean_item(rt, f"{iwhere}第{ti}个评分项"))
            cat["indicators"].append(ind)
        tree["categories"].append(cat)
    for gi, rg in enumerate(_to_list(raw.get("gates"), "文件", "gates（否决项与门槛）"), start=1):
        rg = _to_dict(rg, f"第{gi}个否决项/门槛")
        tree["gates"].append(clean_gate(rg, f"第{gi}个否决项/门槛“{rg.get('name') or ''}”"))
    return tree


def clean_item(rt: dict, where: str) -> dict:
    code = _to_text(rt.get("code"), where, "code（编号）", max_length=20)
    if code:
        where = f"{where}（{code}）"
    methods = []
    for m in _to_names(rt.get("methods"), where, "methods（评价方式）"):
        methods.append(_to_choice(m, METHOD_WORDS, where, "methods（评价方式）"))
    rubric = []
    for level in _to_list(rt.get("rubric"), where, "rubric（等级评分）"):
        level = _to_dict(level, where)
        lo = _to_dec(level.get("min"), where, "rubric.min（等级最低分）", required=True, minimum=0)
        hi = _to_dec(level.get("max"), where, "rubric.max（等级最高分）", required=True, minimum=0)
        rubric.append(
            {
                "level": _to_text(level.get("level"), where, "rubric.level（等级）", required=True),
                "min": lo,
                "max": hi,
            }
        )
    deadline = rt.get("deadline")
    if isinstance(deadline, str) and deadline.strip():
        try:
            deadline = dt.date.fromisoformat(deadline.strip())
        except ValueError:
            raise TreeError(f"{where}：“deadline（完成时限）”的值“{deadline}”不是有效的日期（如2025-06-30）")
    elif deadline in ("", None):
        deadline = None
    elif isinstance(deadline, dt.datetime):
        deadline = deadline.date()
    elif not isinstance(deadline, dt.date):
        raise TreeError(f"{where}：“deadline（完成时限）”不是有效的日期")
    item = {
        "code": code,
        "content": _to_text(rt.get("content"), where, "content（评分要点）", required=True),
        "points": _to_dec(rt.get("points"), where, "points（分值）", required=True, minimum=0),
        "step": _to_dec(rt.get("step"), where, "step（计分步长）"),
        "methods": list(dict.fromkeys(methods)),
        "scoring_rule": _to_text(rt.get("scoring_rule"), where, "scoring_rule（评分标准）"),
        "rubric": rubric,
        "is_key": _to_bool(rt.get("is_key"), where, "is_key（关键项）"),
        "key_min_share": _to_dec(
            rt.get("key_min_share"), where, "key_min_share（关键项最低得分率）", minimum=0
        ),
        "deadline": deadline,
        "deadline_text": _to_text(
            rt.get("deadline_text"), where, "deadline_text（时间节点）", max_length=100
        ),
        "lead_units": _to_names(rt.get("lead_units"), where, "lead_units（牵头单位）"),
        "coop_units": _to_names(rt.get("coop_units"), where, "coop_units（配合单位）"),
        "deductions": [],
        "materials": [],
    }
    for f in item_fields():
        names = _to_names(rt.get(f.key), where, f"{f.key}（{f.label}）")
        unknown = f.unknown(names)
        if unknown:
            raise TreeError(f"{where}：“{f.label}”中的“{'、'.join(unknown)}”不存在")
        item[f.key] = names
    if item["deadline"] is None and item["deadline_text"]:
        item["deadline"] = date_from_text(item["deadline_text"])
    if item["step"] is not None and item["step"] <= 0:
        raise TreeError(f"{where}：“step（计分步长）”必须大于0")
    for level in rubric:
        if level["min"] > level["max"]:
            raise TreeError(f"{where}：等级“{level['level']}”的最低分大于最高分")
        if level["max"] > item["points"]:
            raise TreeError(f"{where}：等级“{level['level']}”的最高分超过分值")
    for di, rd in enumerate(_to_list(rt.get("deductions"), where, "deductions（扣分规则）"), start=1):
        rd = _to_dict(rd, f"{where}第{di}条扣分规则")
        dwhere = f"{where}第{di}条扣分规则"
        item["deductions"].append(
            {
                "description": _to_text(
                    rd.get("description"), dwhere, "description（扣分情形）", required=True, max_length=300
                ),
                "points": _to_dec(rd.get("points"), dwhere, "points（扣分）", required=True, minimum=0),
                "per_occurrence": _to_bool(rd.get("per_occurrence"), dwhere, "per_occurrence（按次扣分）"),
            }
        )
    for mi, rm in enumerate(_to_list(rt.get("materials"), where, "materials（材料）"), start=1):
        if isinstance(rm, str):
            rm = {"name": rm}
        rm = _to_dict(rm, f"{where}第{mi}项材料")
        mwhere = f"{where}第{mi}项材料"
        years = rm.get("period_years")
        if years not in (None, ""):
            try:
                years = int(years)
                if years <= 0:
                    raise ValueError
            except (TypeError, ValueError):
                raise TreeError(f"{mwhere}：“period_years（年数）”应为正整数")
        else:
            years = None
        item["materials"].append(
            {
                "name": _to_text(rm.get("name"), mwhere, "name（材料名称）", required=True, max_length=300),
                "description": _to_text(rm.get("description"), mwhere, "description（要求）"),
                "provider": _to_text(rm.get("provider"), mwhere, "provider（提供单位）", max_length=100),
                "period": _to_choice(
                    rm.get("period"), PERIOD_WORDS, mwhere, "period（时间范围）", default="any"
                ),
                "period_years": years,
            }
        )
    return item


def clean_gate(rg: dict, where: str) -> dict:
    gate = {
        "kind": _to_choice(rg.get("kind"), GATE_WORDS, where, "kind（类型）"),
        "name": _to_text(rg.get("name"), where, "name（名称）", required=True, max_length=200),
        "description": _to_text(rg.get("description"), where, "description（说明）"),
        "metric": "",
        "threshold": _to_dec(rg.get("threshold"), where, "threshold（门槛值）", minimum=0),
    }
    if rg.get("metric") not in (None, ""):
        gate["metric"] = _to_choice(rg.get("metric"), METRIC_WORDS, where, "metric（测评指标）")
    if gate["kind"] == GateKind.SURVEY:
        if not gate["metric"] or gate["threshold"] is None:
            raise TreeError(f"{where}：测评门槛须指定测评指标和门槛值")
        if not (0 < gate["threshold"] <= 1):
            raise TreeError(f"{where}：测评门槛值须在0到1之间（如0.8）")
    return gate
