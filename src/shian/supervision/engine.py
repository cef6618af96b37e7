"""The one evaluation engine for computed indicators, used by pages, API, commands and scoring.

A source is one of
    {"source": "sampling"|"complaints"|"cases", "agg": "count"|"sum", "field": "...", "filters": {...}}
    {"source": "metric", "metric": "<Metric.code>"}
    {"source": "constant", "value": 4000}
Ledger sources are summed over the region subtree (records may hang on any level); a metric takes a
region's own value where it was reported, otherwise the sum of its children's (so a county total
entered by the county is not double-counted with its townships).
"""

import contextvars
import json
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Count, F, Q, Sum

from shian.supervision import rollup
from shian.supervision.choices import Comparison, Formula, MetricAggregation
from shian.supervision.models import CaseRecord, ComplaintRecord, Metric, MetricValue, SamplingRecord
from shian.supervision.periods import Period, parse_period

LEDGER_MODELS = {"sampling": SamplingRecord, "complaints": ComplaintRecord, "cases": CaseRecord}
SOURCE_LABELS = {
    "sampling": "抽检记录",
    "complaints": "投诉举报",
    "cases": "执法案件",
    "metric": "统计数据",
    "constant": "常数",
}
Q4 = Decimal("0.0001")


# ------------------------------------------------------------------------------- definitions


def check_definition(defn):
    """Validate formula and sources; ValidationError names the field in Chinese."""
    errors = {}
    try:
        _check_source(defn.numerator, "numerator")
    except ValidationError as exc:
        errors["numerator"] = exc.messages
    needs_den = defn.formula in (Formula.RATIO, Formula.SHARE_OF_TARGET)
    if needs_den and not defn.denominator:
        errors["denominator"] = ["比率和完成年度目标比例必须填写分母"]
    elif defn.denominator:
        try:
            _check_source(defn.denominator, "denominator")
        except ValidationError as exc:
            errors["denominator"] = exc.messages
    if errors:
        raise ValidationError(errors)


def _check_source(spec, name):
    label = "分子" if name == "numerator" else "分母"
    if not isinstance(spec, dict) or "source" not in spec:
        raise ValidationError(f'{label}应为 {{"source": …}} 形式的数据来源')
    source = spec["source"]
    if source in LEDGER_MODELS:
        model = LEDGER_MODELS[source]
        agg = spec.get("agg", "count")
        if agg not in ("count", "sum"):
            raise ValidationError(f"{label}的汇总方式 agg 只能是 count 或 sum")
        if agg == "sum":
            for name in (spec.get("field") or "").split("+"):
                try:
                    model._meta.get_field(name.strip())
                except FieldDoesNotExist:
                    raise ValidationError(f"{label}求和字段“{name.strip()}”不存在")
        try:
            model.objects.filter(_filters_q(model, spec.get("filters") or {})).query.__str__()
        except Exception as exc:  # a bad lookup name, reported in the user's language
            raise ValidationError(f"{label}的筛选条件无效：{exc}")
    elif source == "metric":
        if not Metric.objects.filter(code=spec.get("metric")).exists():
            raise ValidationError(f"{label}引用的统计指标项“{spec.get('metric')}”不存在")
    elif source == "constant":
        try:
            Decimal(str(spec.get("value")))
        except InvalidOperation:
            raise ValidationError(f"{label}常数 value 不是数字")
    else:
        raise ValidationError(
            f"{label}的数据来源“{source}”不存在（可选：sampling、complaints、cases、metric、constant）"
        )


def sum_of(field: str, **kwargs) -> Sum:
    """Sum of a ledger field, or of several added ("fine_amount+confiscation_amount" = 罚没款)."""
    names = [n.strip() for n in field.split("+") if n.strip()]
    expr = F(names[0])
    for n in names[1:]:
        expr = expr + F(n)
    return Sum(expr, **kwargs)


def _filters_q(model, filters: dict) -> Q:
    q = Q()
    concrete = {f.name for f in model._meta.concrete_fields}
    for key, value in filters.items():
        base = key.split("__")[0]
        lookup = key if base in concrete else f"extra__{key}"
        if isinstance(value, str) and value.startswith("F:"):
            value = F(value[2:])
        q &= Q(**{lookup: value})
    return q


# ----------------------------------------------------------------------------------- sources


@dataclass
class Tree:
    """The region subtree: nodes by id with children, populations."""

    root: object
    nodes: dict
    children: dict

    @classmethod
    def load(cls, region):
        from shian.organisation.models import Region

        rows = list(
            Region.objects.filter(path__startswith=region.path).values(
                "id", "parent_id", "name", "code", "population", "path", "level"
            )
        )
        nodes = {r["id"]: r for r in rows}
        children = {}
        for r in rows:
            if r["id"] != region.pk:
                children.setdefault(r["parent_id"], []).append(r["id"])
        for ids in children.values():
            ids.sort(key=lambda i: nodes[i]["code"])
        return cls(region, nodes, children)

    def population(self, rid):
        own = self.nodes[rid]["population"]
        if own:
            return Decimal(own)
        kids = [self.population(c) for c in self.children.get(rid, [])]
        kids = [k for k in kids if k is not None]
        return sum(kids, Decimal(0)) if kids else None


# Set by `supervision.batch.evaluate_many`: ledger sources already read together, by source_key().
PREFETCHED: contextvars.ContextVar[dict | None] = contextvars.ContextVar(
    "shian_ledger_prefetch", default=None
)


def source_key(spec, tree_root_id, period: Period) -> tuple:
    """What identifies one ledger read: source, filters, aggregate, subtree and months."""
    return (
        spec.get("source"),
        json.dumps(spec.get("filters") or {}, sort_keys=True, ensure_ascii=False, default=str),
        spec.get("agg") or "count",
        spec.get("field") or "",
        tree_root_id,
        period.start_ym,
        period.end_ym,
    )


def _ledger_values(spec, tree, period: Period) -> dict:
    prefetched = PREFETCHED.get()
    if prefetched is not None:
        hit = prefetched.get(source_key(spec, tree.root.pk, period))
        if hit is not None:
            return dict(hit)
    rolled = rollup.values(spec, tree.nodes, period.start_ym, period.end_ym)
    if rolled is not None:
        return rolled
    model = LEDGER_MODELS[spec["source"]]
    qs = model.objects.filter(region_id__in=list(tree.nodes), ym__gte=period.start_ym, ym__lte=period.end_ym)
    qs = qs.filter(_filters_q(model, spec.get("filters") or {}))
    agg = sum_of(spec["field"]) if spec.get("agg") == "sum" else Count("*")  # COUNT(*): index-only scans
    return {
        rid: Decimal(v or 0)
        for rid, v in qs.order_by().values("region_id").annotate(v=agg).values_list("region_id", "v")
    }


def metric_key(spec, tree_root_id, period: Period) -> tuple:
    return ("metric", spec.get("metric"), tree_root_id, period.start_ym, period.end_ym)


def _metric_values(spec, tree, period: Period) -> dict:
    prefetched = PREFETCHED.get()
    if prefetched is not None:
        hit = prefetched.get(metric_key(spec, tree.root.pk, period))
        if hit is not None:
            return dict(hit)
    metric = Metric.objects.get(code=spec["metric"])
    qs = MetricValue.objects.filter(
        metric=metric, region_path__startswith=tree.root.path, ym__gte=period.start_ym, ym__lte=period.end_ym
    )
    if metric.aggregation == MetricAggregation.SUM:
        return {
            rid: v
            for rid, v in qs.order_by()
            .values("region_id")
            .annotate(v=Sum("value"))
            .values_list("region_id", "v")
        }
    latest = {}
    for rid, v in qs.order_by("region_id", "-ym").values_list("region_id", "value"):
        latest.setdefault(rid, v)
    return latest


class SourceValues:
    """A source evaluated once over a subtree; `at(region_id)` rolls it up to any node."""

    def __init__(self, spec, tree, period):
        self.spec, self.tree = spec, tree
        self.kind = spec["source"]
        if self.kind in LEDGER_MODELS:
            self.values = _ledger_values(spec, tree, period)
        elif self.kind == "metric":
            self.values = _metric_values(spec, tree, period)
        else:
            self.values = {}
        self._memo = {}

    def at(self, rid):
        if self.kind == "constant":
            return Decimal(str(self.spec["value"]))
        if rid in self._memo:
            return self._memo[rid]
        own = self.values.get(rid)
        if self.kind == "metric" and own is not None:
            result = Decimal(own)
        else:
            kids = [self.at(c) for c in self.tree.children.get(rid, [])]
            kids = [k for k in kids if k is not None]
            if self.kind == "metric" and not kids:
                result = None
            else:
                result = sum(kids, Decimal(own or 0))
        self._memo[rid] = result
        return result


# -------------------------------------------------------------------------------- evaluation


@dataclass
class Evaluation:
    code: str
    name: str
    region_id: int
    region_name: str
    region_code: str
    period: str
    period_label: str
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    target: Decimal | None
    met: bool | None
    population: Decimal | None = None
    value_unit: str = ""
    note: str = ""
    children: list = field(default_factory=list)

    def as_dict(self):
        def num(v):
            return None if v is None else float(v)

        return {
            "code": self.code,
            "name": self.name,
            "region": self.region_code,
            "region_name": self.region_name,
            "period": self.period,
            "period_label": self.period_label,
            "value": num(self.value),
            "numerator": num(self.numerator),
            "denominator": num(self.denominator),
            "target": num(self.target),
            "met": self.met,
            "population": num(self.population),
            "value_unit": self.value_unit,
            "note": self.note,
            "children": [c.as_dict() for c in self.children],
        }


def _div(a, b):
    if a is None or b is None or b == 0:
        return None
    return a / b


def evaluate(defn, region, period: Period | str, *, drill_down=False, tree=None) -> Evaluation:
    """Evaluate `defn` for `region`'s subtree over `period` (with its direct children if asked).

    Pass `tree=Tree.load(region)` when evaluating many indicators for the same region."""
    if isinstance(period, str):
        period = parse_period(period)
    tree = tree or Tree.load(region)
    num = SourceValues(defn.numerator, tree, period)
    den = prev = None
    if defn.formula == Formula.RATIO:
        den = SourceValues(defn.denominator, tree, period)
    elif defn.formula == Formula.SHARE_OF_TARGET:
        den = SourceValues(defn.denominator, tree, parse_period(str(period.year)))
    elif defn.formula == Formula.YOY:
        prev = SourceValues(defn.numerator, tree, period.shifted_years(-1))

    def one(rid):
        node = tree.nodes[rid]
        n = num.at(rid)
        d, value, note, pop = None, None, "", None
        scale = Decimal(defn.scale)
        if defn.formula == Formula.TOTAL:
            value = n
        elif defn.formula in (Formula.RATIO, Formula.SHARE_OF_TARGET):
            d = den.at(rid)
            value = _div(n, d)
            value = value * scale if value is not None else None
            if value is None:
                note = "分母为零或缺少数据"
        elif defn.formula == Formula.PER_1000:
            pop = tree.population(rid)
            d = pop / 1000 if pop else None
            value = _div(n, d)
            if value is not None and defn.annualise:
                value = value / period.years
            if pop is None:
                note = "缺少常住人口，无法计算每千人指标"
        elif defn.formula == Formula.YOY:
            d = prev.at(rid)
            value = _div(n - d, d) if n is not None and d is not None else None
            value = value * scale if value is not None else None
            if value is None:
                note = "上年同期无数据"
        if value is not None:
            value = value.quantize(Q4, ROUND_HALF_UP)
        if n is None and not note:
            note = "无数据"
        met = None
        if value is not None and defn.target is not None:
            met = value >= defn.target if defn.comparison == Comparison.GTE else value <= defn.target
        return Evaluation(
            defn.code,
            defn.name,
            rid,
            node["name"],
            node["code"],
            period.code,
            period.label,
            value,
            n,
            d,
            defn.target,
            met,
            pop if pop is not None else tree.population(rid),
            defn.value_unit,
            note,
        )

    result = one(region.pk)
    if drill_down:
        result.children = [one(c) for c in tree.children.get(region.pk, [])]
    return result


def records_queryset(defn, part: str, region, period: Period):
    """The rows behind a number: ledger records (or metric values) of the numerator/denominator."""
    spec = defn.numerator if part != "denominator" else defn.denominator
    if part == "denominator" and defn.formula == Formula.SHARE_OF_TARGET:
        period = parse_period(str(period.year))
    source = (spec or {}).get("source")
    if source in LEDGER_MODELS:
        model = LEDGER_MODELS[source]
        return model.objects.filter(
            region_path__startswith=region.path, ym__gte=period.start_ym, ym__lte=period.end_ym
        ).filter(_filters_q(model, spec.get("filters") or {}))
    if source == "metric":
        return MetricValue.objects.filter(
            metric__code=spec["metric"],
            region_path__startswith=region.path,
            ym__gte=period.start_ym,
            ym__lte=period.end_ym,
        )
    return None


def describe_source(spec) -> str:
    if not spec:
        return ""
    source = spec.get("source")
    if source == "constant":
        return f"常数 {spec.get('value')}"
    if source == "metric":
        m = Metric.objects.filter(code=spec.get("metric")).first()
        return f"统计数据：{m.name if m else spec.get('metric')}"
    text = SOURCE_LABELS.get(source, source)
    text += "求和：" + spec.get("field", "") if spec.get("agg") == "sum" else "计数"
    filters = spec.get("filters") or {}
    if filters:
        text += "（" + "，".join(f"{k}={v}" for k, v in filters.items()) + "）"
    return text
