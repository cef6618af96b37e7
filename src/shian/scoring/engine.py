"""Score arithmetic as plain functions over plain data (no queries), so it can be tested exhaustively.

`framework_spec(framework)` turns a framework into a `FrameworkSpec` (three queries);
`compute(spec, points, vetoes, survey)` turns awarded points, veto answers and survey results into a
`Result`: category totals, the base total against the pass line, the bonus block capped and reported
separately, key items under their minimum share, and every gate with a reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from shian.framework.choices import CategoryKind, GateKind

ZERO = Decimal(0)


class ScoreError(ValueError):
    """Points that the item does not allow; the message is Chinese and names the reason."""


@dataclass(frozen=True)
class ItemSpec:
    id: int
    category_id: int
    indicator_id: int
    code: str
    points: Decimal
    step: Decimal
    is_key: bool = False
    key_min_share: Decimal | None = None
    rubric: tuple = ()
    methods: tuple = ()


@dataclass(frozen=True)
class CategorySpec:
    id: int
    name: str
    kind: str = CategoryKind.BASE
    points: Decimal | None = None
    cap: Decimal | None = None

    @property
    def is_bonus(self):
        return self.kind == CategoryKind.BONUS


@dataclass(frozen=True)
class GateSpec:
    id: int
    kind: str
    name: str
    metric: str = ""
    threshold: Decimal | None = None


@dataclass
class FrameworkSpec:
    categories: list[CategorySpec]
    items: list[ItemSpec]
    gates: list[GateSpec] = field(default_factory=list)
    pass_line: Decimal | None = None
    key_item_min_share: Decimal | None = None

    def item(self, item_id) -> ItemSpec:
        return self._by_id[item_id]

    def __post_init__(self):
        self._by_id = {i.id: i for i in self.items}


@dataclass
class CategoryTotal:
    category: CategorySpec
    max_points: Decimal
    awarded: Decimal
    raw: Decimal  # before the category's cap
    scored_items: int
    item_count: int

    @property
    def lost(self):
        return self.max_points - self.awarded


@dataclass
class GateResult:
    name: str
    kind: str
    passed: bool | None  # None = not yet decidable (unanswered, no survey figure)
    reason: str


@dataclass
class Result:
    categories: list[CategoryTotal]
    base_total: Decimal
    base_max: Decimal
    bonus_total: Decimal
    bonus_max: Decimal
    gates: list[GateResult]
    key_failures: list[tuple[ItemSpec, Decimal]]
    unscored: int

    @property
    def total(self) -> Decimal:
        """Base total plus the capped bonus (示范引领 is also shown on its own)."""
        return self.base_total + self.bonus_total

    @property
    def outcome(self) -> str:
        if any(g.passed is False for g in self.gates):
            return "failed"
        if self.unscored or any(g.passed is None for g in self.gates):
            return "incomplete"
        return "passed"

    @property
    def readiness(self) -> Decimal:
        """Share of the attainable base points already secured (0…1)."""
        return (self.base_total / self.base_max) if self.base_max else ZERO


def _d(value) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def fmt(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return f"{value.normalize():f}" if value == value.to_integral() else f"{value:f}".rstrip("0").rstrip(".")


def check_points(item: ItemSpec, points, rubric_level: str = "") -> Decimal:
    """The points if the item allows them: 0 … its value, in its step, within the rubric level's range."""
    points = _d(points)
    if points < 0:
        raise ScoreError("得分不能为负数")
    if points > item.points:
        raise ScoreError(f"得分{fmt(points)}超过该项分值{fmt(item.points)}")
    if item.step and (points % item.step) != 0 and points != item.points:
        raise ScoreError(f"得分须按{fmt(item.step)}分的步长计分（{fmt(points)}不符合）")
    if rubric_level:
        low, high = rubric_range(item, rubric_level)
        if not low <= points <= high:
            raise ScoreError(
                f"等级“{rubric_level}”的得分范围为{fmt(low)}～{fmt(high)}分，{fmt(points)}不在范围内"
            )
    return points


def rubric_range(item: ItemSpec, level: str) -> tuple[Decimal, Decimal]:
    for entry in item.rubric:
        if entry.get("level") == level:
            return _d(entry["min"]), _d(entry["max"])
    known = "、".join(e.get("level", "") for e in item.rubric) or "无"
    raise ScoreError(f"评价等级“{level}”不存在（可选：{known}）")


def round_down_to_step(item: ItemSpec, points) -> Decimal:
    """The highest allowed score not above `points` (used when deductions exceed the value)."""
    points = min(max(_d(points), ZERO), item.points)
    if not item.step or points == item.points:
        return points
    return (points // item.step) * item.step


def points_after_deductions(item: ItemSpec, deductions) -> Decimal:
    """Full points minus the deductions, never below 0, in the item's step."""
    return round_down_to_step(item, item.points - sum((_d(d) for d in deductions), ZERO))


def key_share(item: ItemSpec, spec: FrameworkSpec, gate_threshold: Decimal | None = None) -> Decimal | None:
    return item.key_min_share or gate_threshold or spec.key_item_min_share


def compute(
    spec: FrameworkSpec, points: dict, vetoes: dict | None = None, survey: dict | None = None
) -> Result:
    """Totals and gates. `points`: item id → Decimal or None (not scored); `vetoes`: gate id → True
    (occurred) / False / None; `survey`: metric → share (0…1) or None."""
    vetoes, survey = vetoes or {}, survey or {}
    by_cat: dict[int, list[ItemSpec]] = {}
    for item in spec.items:
        by_cat.setdefault(item.category_id, []).append(item)
    totals, base, base_max, bonus, bonus_max, unscored = [], ZERO, ZERO, ZERO, ZERO, 0
    for cat in spec.categories:
        items = by_cat.get(cat.id, [])
        raw = sum((_d(points[i.id]) for i in items if points.get(i.id) is not None), ZERO)
        scored = sum(1 for i in items if points.get(i.id) is not None)
        item_max = sum((i.points for i in items), ZERO)
        if cat.is_bonus:
            cap = cat.cap if cat.cap is not None else item_max
            max_points = min(cap, item_max)
            awarded = min(raw, cap)
            bonus += awarded
            bonus_max += max_points
        else:
            max_points = min(cat.points, item_max) if cat.points is not None else item_max
            awarded = min(raw, cat.points) if cat.points is not None else raw
            base += awarded
            base_max += max_points
            unscored += len(items) - scored
        totals.append(CategoryTotal(cat, max_points, awarded, raw, scored, len(items)))

    gates: list[GateResult] = []
    key_gate = next((g for g in spec.gates if g.kind == GateKind.KEY_ITEMS), None)
    key_failures = []
    for item in spec.items:
        if not item.is_key:
            continue
        share = key_share(item, spec, key_gate.threshold if key_gate else None)
        got = points.get(item.id)
        if share is not None and got is not None and item.points and _d(got) < item.points * share:
            key_failures.append((item, share))
    for gate in spec.gates:
        gates.append(_gate(gate, spec, vetoes, survey, base, key_failures, points))
    if spec.pass_line is not None and not any(g.kind == GateKind.TOTAL for g in spec.gates):
        gates.append(_total_gate("总分及格线", spec.pass_line, base, unscored))
    if key_gate is None and any(i.is_key for i in spec.items) and spec.key_item_min_share is not None:
        gates.append(_key_gate("关键项得分率", key_failures, spec, points))
    return Result(totals, base, base_max, bonus, bonus_max, gates, key_failures, unscored)


def _total_gate(name, line, base, unscored) -> GateResult:
    if base >= line:
        return GateResult(name, GateKind.TOTAL, True, f"基本项得分{fmt(base)}分，达到及格线{fmt(line)}分")
    if unscored:
        return GateResult(
            name,
            GateKind.TOTAL,
            None,
            f"基本项已得{fmt(base)}分，尚有{unscored}项未评分（及格线{fmt(line)}分）",
        )
    return GateResult(name, GateKind.TOTAL, False, f"基本项得分{fmt(base)}分，低于及格线{fmt(line)}分")


def _key_gate(name, key_failures, spec, points) -> GateResult:
    if key_failures:
        names = "、".join(
            f"{i.code or i.id}（{fmt(_d(points[i.id]))}/{fmt(i.points)}，须≥{fmt(s * 100)}%）"
            for i, s in key_failures
        )
        return GateResult(name, GateKind.KEY_ITEMS, False, f"关键项得分率不足：{names}")
    pending = [i for i in spec.items if i.is_key and points.get(i.id) is None]
    if pending:
        return GateResult(name, GateKind.KEY_ITEMS, None, f"尚有{len(pending)}个关键项未评分")
    return GateResult(name, GateKind.KEY_ITEMS, True, "所有关键项均达到最低得分率")


def _gate(gate: GateSpec, spec, vetoes, survey, base, key_failures, points) -> GateResult:
    if gate.kind == GateKind.VETO:
        answer = vetoes.get(gate.id)
        if answer is True:
            return GateResult(gate.name, gate.kind, False, f"存在否决情形“{gate.name}”，无论得分多少均不达标")
        if answer is False:
            return GateResult(gate.name, gate.kind, True, "不存在该否决情形")
        return GateResult(gate.name, gate.kind, None, "尚未判定")
    if gate.kind == GateKind.SURVEY:
        value = survey.get(gate.metric)
        if gate.threshold is None:
            return GateResult(gate.name, gate.kind, None, "未设置门槛值")
        if value is None:
            return GateResult(
                gate.name, gate.kind, None, f"尚未录入测评结果（门槛{fmt(gate.threshold * 100)}%）"
            )
        value = _d(value)
        ok = value >= gate.threshold
        return GateResult(
            gate.name,
            gate.kind,
            ok,
            f"测评结果{fmt(value * 100)}%，{'达到' if ok else '低于'}门槛{fmt(gate.threshold * 100)}%",
        )
    if gate.kind == GateKind.KEY_ITEMS:
        return _key_gate(gate.name, key_failures, spec, points)
    if gate.kind == GateKind.TOTAL:
        line = gate.threshold if gate.threshold is not None else spec.pass_line
        if line is None:
            return GateResult(gate.name, gate.kind, None, "未设置及格线")
        unscored = sum(
            1
            for i in spec.items
            if points.get(i.id) is None
            and not next(c for c in spec.categories if c.id == i.category_id).is_bonus
        )
        return _total_gate(gate.name, line, base, unscored)
    return GateResult(gate.name, gate.kind, None, "未知门槛类型")


def framework_spec(framework) -> FrameworkSpec:
    """Read a framework into a FrameworkSpec (three queries)."""
    from shian.framework.models import ScoringItem

    cats = [
        CategorySpec(c.id, c.name, c.kind, c.points, c.cap)
        for c in framework.categories.order_by("seq", "id")
    ]
    items = [
        ItemSpec(
            i.id,
            i.indicator.category_id,
            i.indicator_id,
            i.code,
            i.points,
            i.step or framework.default_step,
            i.is_key,
            i.key_min_share,
            tuple(i.rubric or ()),
            tuple(i.methods or ()),
        )
        for i in ScoringItem.objects.filter(indicator__category__framework=framework)
        .select_related("indicator")
        .order_by("indicator__category__seq", "indicator__seq", "seq", "id")
    ]
    gates = [
        GateSpec(g.id, g.kind, g.name, g.metric, g.threshold) for g in framework.gates.order_by("seq", "id")
    ]
    return FrameworkSpec(cats, items, gates, framework.pass_line, framework.key_item_min_share)
