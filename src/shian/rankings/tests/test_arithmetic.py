"""Score arithmetic and normalisation (property tests), and period arithmetic at the boundaries."""

import datetime

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from shian.rankings import periods
from shian.rankings.arithmetic import normalise, score_entries

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
value_maps = st.dictionaries(st.integers(1, 30), finite, min_size=1, max_size=12)
METHODS = ["rank", "minmax", "target"]
# two cores shared by several sessions: a slow example is not a failure
relaxed = settings(deadline=None)


@given(value_maps, st.sampled_from(METHODS), st.floats(0.1, 1e4))
@relaxed
def test_normalised_values_lie_in_0_100_and_keep_the_order(values, method, target):
    out = normalise(values, method, target)
    assert set(out) == set(values)
    assert all(0.0 <= v <= 100.0 for v in out.values())
    for a in values:
        for b in values:
            if values[a] >= values[b]:
                assert out[a] >= out[b] - 1e-9


@given(value_maps)
@relaxed
def test_minmax_spans_0_to_100_and_rank_gives_the_best_100(values):
    assume(len(set(values.values())) > 1)
    mm = normalise(values, "minmax")
    assert min(mm.values()) == 0.0 and max(mm.values()) == 100.0
    rk = normalise(values, "rank")
    best = max(values.values())
    assert all(rk[k] == 100.0 for k, v in values.items() if v == best)


@given(value_maps, st.floats(0.5, 3))
@relaxed
def test_rank_normalisation_ignores_any_increasing_rescaling(values, factor):
    scaled = {k: v * factor + 7 for k, v in values.items()}
    assume(len({round(v, 6) for v in values.values()}) == len(set(values.values())))
    assert normalise(values, "rank") == normalise(scaled, "rank")


def test_target_normalisation_caps_at_full_marks_and_needs_a_target():
    assert normalise({1: 45, 2: 90, 3: 120}, "target", 90) == {1: 50.0, 2: 100.0, 3: 100.0}
    with pytest.raises(ValueError):
        normalise({1: 1}, "target", None)


@st.composite
def ranking_inputs(draw):
    ids = draw(st.lists(st.integers(1, 40), min_size=1, max_size=10, unique=True))
    keys = draw(st.lists(st.sampled_from("abcd"), min_size=1, max_size=4, unique=True))
    weights = {k: draw(st.floats(0.1, 10)) for k in keys}
    values = {k: {u: draw(st.floats(0, 100)) for u in ids if draw(st.booleans())} for k in keys}
    adjustments = {
        u: [{"points": draw(st.floats(-5, 5).filter(lambda p: p != 0)), "reason": "r"}]
        for u in ids
        if draw(st.booleans())
    }
    return [(u, f"单位{u}") for u in ids], values, weights, adjustments


@given(ranking_inputs(), st.integers(0, 4), st.integers(0, 4))
@relaxed
def test_score_is_the_weighted_mean_plus_adjustments_and_ranks_follow_scores(inputs, red, black):
    subjects, values, weights, adjustments = inputs
    entries = score_entries(subjects, values, weights, red, black, adjustments=adjustments)
    assert sorted(e["unit_id"] for e in entries) == sorted(u for u, _ in subjects)
    for e in entries:
        present = {k: values[k][e["unit_id"]] for k in weights if e["unit_id"] in values[k]}
        if not present:
            assert e["score"] is None and e["rank"] is None and e["list"] == ""
            continue
        total = sum(weights[k] for k in present)
        mean = sum(weights[k] * v for k, v in present.items()) / total
        assert e["base"] == pytest.approx(mean, abs=0.01)
        adj = sum(a["points"] for a in adjustments.get(e["unit_id"], []))
        assert e["score"] == pytest.approx(mean + adj, abs=0.02)
        # the breakdown adds up to the base score
        assert sum(p["points"] for p in e["parts"].values() if p["points"] is not None) == pytest.approx(
            e["base"], abs=0.05
        )
    scored = [e for e in entries if e["score"] is not None]
    for a, b in zip(scored, scored[1:], strict=False):
        assert a["score"] >= b["score"] and a["rank"] <= b["rank"]
        assert (a["rank"] == b["rank"]) == (a["score"] == b["score"])
    assert not any(e["list"] == "red" and e["list"] == "black" for e in entries)
    assert len([e for e in scored if e["list"] == "red"]) >= min(red, len(scored))


@given(ranking_inputs())
@relaxed
def test_a_demoted_subject_is_last_and_black_whatever_its_score(inputs):
    subjects, values, weights, adjustments = inputs
    scored_ids = [u for u, _ in subjects if any(u in values[k] for k in weights)]
    assume(scored_ids)
    victim = scored_ids[0]
    entries = score_entries(subjects, values, weights, 1, 0, demotions={victim: "发生否决类事件"})
    scored = [e for e in entries if e["score"] is not None]
    assert scored[-1]["unit_id"] == victim
    assert scored[-1]["list"] == "black" and scored[-1]["demoted"]
    assert all(not e["demoted"] for e in scored[:-1])


def test_thresholds_decide_the_lists_when_the_scheme_says_so():
    subjects = [(1, "甲"), (2, "乙"), (3, "丙")]
    entries = score_entries(
        subjects,
        {"a": {1: 95, 2: 80, 3: 55}},
        {"a": 1},
        list_rule="threshold",
        red_threshold=90,
        black_threshold=60,
    )
    assert [(e["unit"], e["list"]) for e in entries] == [("甲", "red"), ("乙", ""), ("丙", "black")]


@pytest.mark.parametrize(
    "kind,day,start,end,label,code",
    [
        ("month", "2024-02-29", "2024-02-01", "2024-02-29", "2024年2月", "2024-02"),
        ("month", "2026-12-31", "2026-12-01", "2026-12-31", "2026年12月", "2026-12"),
        ("quarter", "2026-03-31", "2026-01-01", "2026-03-31", "2026年第一季度", "2026-Q1"),
        ("quarter", "2026-04-01", "2026-04-01", "2026-06-30", "2026年第二季度", "2026-Q2"),
        ("quarter", "2026-12-31", "2026-10-01", "2026-12-31", "2026年第四季度", "2026-Q4"),
        ("half", "2026-06-30", "2026-01-01", "2026-06-30", "2026年上半年", "2026-H1"),
        ("half", "2026-07-01", "2026-07-01", "2026-12-31", "2026年下半年", "2026-H2"),
        ("year", "2026-12-31", "2026-01-01", "2026-12-31", "2026年度", "2026"),
    ],
)
def test_period_bounds_labels_and_codes_at_the_boundaries(kind, day, start, end, label, code):
    d = datetime.date.fromisoformat
    s, e = periods.bounds(kind, d(day))
    assert (s, e) == (d(start), d(end))
    assert periods.period_label(kind, s) == label
    assert periods.supervision_code(kind, s) == code
    assert periods.kind_of(s, e) == kind
    assert periods.bounds(kind, periods.parse(kind, code)) == (s, e)


@given(st.sampled_from(["month", "quarter", "half", "year"]), st.dates(datetime.date(2000, 1, 1)))
@relaxed
def test_periods_tile_the_calendar(kind, day):
    start, end = periods.bounds(kind, day)
    assert start <= day <= end
    nxt_start, _ = periods.bounds(kind, end + datetime.timedelta(days=1))
    assert nxt_start == end + datetime.timedelta(days=1) == periods.shift(kind, start, 1)
    assert periods.shift(kind, nxt_start, -1) == start
