"""Score arithmetic, checked as properties over generated frameworks and scores."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shian.framework.choices import CategoryKind, GateKind
from shian.scoring import engine
from shian.scoring.engine import CategorySpec, FrameworkSpec, GateSpec, ItemSpec

STEPS = [Decimal("0.5"), Decimal("1"), Decimal("0.25")]


@st.composite
def items_and_points(draw):
    """A framework of 1–3 base categories and a capped bonus block, plus a valid score per item."""
    n_cats = draw(st.integers(1, 3))
    cats = [CategorySpec(i, f"类{i}") for i in range(1, n_cats + 1)]
    cap = Decimal(draw(st.integers(0, 12)))
    cats.append(CategorySpec(99, "示范引领", CategoryKind.BONUS, cap=cap))
    items, points = [], {}
    for n in range(draw(st.integers(1, 12))):
        cat = draw(st.sampled_from(cats))
        step = draw(st.sampled_from(STEPS))
        value = step * draw(st.integers(1, 20))
        item = ItemSpec(n + 1, cat.id, cat.id, f"{n + 1}", value, step)
        items.append(item)
        if draw(
            st.integers(0, 4)
        ):  # most items scored, some not yet (they count as 0 and leave the result open)
            points[item.id] = step * draw(st.integers(0, int(value / step)))
    gates = [GateSpec(1, GateKind.VETO, "重大食品安全事故")]
    return FrameworkSpec(cats, items, gates, pass_line=None), points


@given(items_and_points())
@settings(max_examples=150, deadline=None)
def test_category_totals_are_sums_and_bonus_is_capped(data):
    spec, points = data
    r = engine.compute(spec, points, {1: False})
    for total in r.categories:
        raw = sum(
            (points.get(i.id, Decimal(0)) for i in spec.items if i.category_id == total.category.id),
            Decimal(0),
        )
        assert total.raw == raw
        if total.category.is_bonus:
            assert total.awarded == min(raw, total.category.cap)
            assert total.awarded <= total.category.cap
        else:
            assert total.awarded == raw
    assert r.base_total == sum((c.awarded for c in r.categories if not c.category.is_bonus), Decimal(0))
    assert r.bonus_total <= spec.categories[-1].cap
    assert r.total == r.base_total + r.bonus_total
    assert Decimal(0) <= r.base_total <= r.base_max


@given(items_and_points())
@settings(max_examples=100, deadline=None)
def test_a_veto_yes_fails_whatever_the_points(data):
    spec, points = data
    full = {i.id: i.points for i in spec.items}
    for pts in (points, full):
        assert engine.compute(spec, pts, {1: True}).outcome == "failed"
    assert engine.compute(spec, full, {1: False}).outcome == "passed"
    assert engine.compute(spec, full, {}).outcome == "incomplete"  # veto not yet answered
    bonus = {c.id for c in spec.categories if c.is_bonus}
    if any(i.id not in points for i in spec.items if i.category_id not in bonus):
        # a base item not yet scored leaves the result open, never "passed" (示范引领 items are optional)
        assert engine.compute(spec, points, {1: False}).outcome == "incomplete"


@given(st.sampled_from(STEPS), st.integers(1, 40), st.integers(-10, 900))
@settings(max_examples=300, deadline=None)
def test_points_are_accepted_exactly_in_step_and_range(step, n, hundredths):
    item = ItemSpec(1, 1, 1, "1", step * n, step)
    value = Decimal(hundredths) / 100
    ok = Decimal(0) <= value <= item.points and value % step == 0
    if ok:
        assert engine.check_points(item, value) == value
    else:
        with pytest.raises(engine.ScoreError):
            engine.check_points(item, value)


@given(st.sampled_from(STEPS), st.integers(1, 40), st.lists(st.integers(0, 400), max_size=5))
@settings(max_examples=200, deadline=None)
def test_points_after_deductions_stay_in_step_and_never_negative(step, n, deductions):
    item = ItemSpec(1, 1, 1, "1", step * n, step)
    ded = [Decimal(d) / 100 for d in deductions]
    got = engine.points_after_deductions(item, ded)
    assert Decimal(0) <= got <= item.points
    assert got % step == 0
    assert got <= item.points - sum(ded, Decimal(0)) or got == 0
    engine.check_points(item, got)


def test_pass_line_key_items_and_survey_gates():
    cats = [CategorySpec(1, "基础工作")]
    items = [
        ItemSpec(1, 1, 1, "1.1", Decimal(10), Decimal("0.5"), is_key=True),
        ItemSpec(2, 1, 1, "1.2", Decimal(90), Decimal("0.5")),
    ]
    gates = [
        GateSpec(1, GateKind.SURVEY, "群众满意度", "satisfaction", Decimal("0.8")),
        GateSpec(2, GateKind.TOTAL, "总分", threshold=Decimal(90)),
    ]
    spec = FrameworkSpec(cats, items, gates, pass_line=Decimal(90), key_item_min_share=Decimal("0.6"))
    r = engine.compute(spec, {1: Decimal("5.5"), 2: Decimal(90)}, {}, {"satisfaction": Decimal("0.85")})
    assert r.base_total == Decimal("95.5")
    assert [(g.name, g.passed) for g in r.gates] == [
        ("群众满意度", True),
        ("总分", True),
        ("关键项得分率", False),
    ]
    assert "1.1（5.5/10，须≥60%）" in r.gates[-1].reason
    assert r.outcome == "failed"
    r = engine.compute(spec, {1: Decimal(6), 2: Decimal(80)}, {}, {"satisfaction": Decimal("0.75")})
    assert [g.passed for g in r.gates] == [False, False, True]
    assert "低于门槛80%" in r.gates[0].reason


def test_rubric_level_limits_points():
    item = ItemSpec(
        1,
        1,
        1,
        "1",
        Decimal(5),
        Decimal("0.5"),
        rubric=({"level": "好", "min": 4, "max": 5}, {"level": "合格", "min": 2, "max": 3.5}),
    )
    assert engine.check_points(item, Decimal("3"), "合格") == Decimal(3)
    with pytest.raises(engine.ScoreError, match="等级“好”的得分范围为4～5分"):
        engine.check_points(item, Decimal("3"), "好")
    with pytest.raises(engine.ScoreError, match="不存在"):
        engine.check_points(item, Decimal("3"), "优秀")
