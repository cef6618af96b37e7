"""Score arithmetic, query-free: raw signal values in, ranked entries out (property-tested).

Normalisation puts each signal on 0–100 before weighting (`raw` keeps the value as it is, for signals
already in percent):
- rank: the best subject 100, the worst 0, evenly between; ties share the better rank;
- minmax: 100·(v − min)/(max − min); all equal → 100;
- target: 100·v/target, capped at 100 (meeting the target is full marks); target ≤ 0 → 100 if v ≥ target.

A subject missing a signal has that weight shared among the signals it has; a subject with no data
at all is listed last, unranked. Score = weighted mean + manual 加减分. A 降级 situation (e.g. a
veto-type incident in the area) overrides the score: the subject is ranked after every subject
without one, and is on the black list whatever its score (in addition to the bottom N). Equal scores share a rank (1, 1, 3).
"""

from collections.abc import Mapping

from shian.rankings.choices import ListRule, Normalisation


def _rank_positions(values: Mapping) -> dict:
    """Competition rank (1 = highest; ties share the better rank) of each value."""
    ordered = sorted(values.values(), reverse=True)
    first = {}
    for i, v in enumerate(ordered, start=1):
        first.setdefault(v, i)
    return {k: first[v] for k, v in values.items()}


def normalise(values: Mapping, method: str = Normalisation.RAW, target=None) -> dict:
    """{subject: raw} → {subject: normalised} for one signal; None values are dropped (no data).
    Results are rounded to 4 places so that the ends are exactly 0 and 100."""
    vals = {k: float(v) for k, v in values.items() if v is not None}
    if not vals or method in (None, "", Normalisation.RAW):
        return vals
    if method == Normalisation.RANK:
        n = len(vals)
        if n == 1:
            return dict.fromkeys(vals, 100.0)
        pos = _rank_positions(vals)
        return {k: round(100.0 * (n - pos[k]) / (n - 1), 4) for k in vals}
    if method == Normalisation.MINMAX:
        lo, hi = min(vals.values()), max(vals.values())
        if hi == lo:
            return dict.fromkeys(vals, 100.0)
        return {k: round(100.0 * (v - lo) / (hi - lo), 4) for k, v in vals.items()}
    if method == Normalisation.TARGET:
        if target is None:
            raise ValueError("对标目标值需要设定目标值")
        t = float(target)
        if t <= 0:
            return {k: 100.0 if v >= t else 0.0 for k, v in vals.items()}
        return {k: round(max(0.0, min(100.0, 100.0 * v / t)), 4) for k, v in vals.items()}
    raise ValueError(f"未知的标准化方法：{method}")


def score_entries(
    subjects,
    values,
    weights,
    red_count=0,
    black_count=0,
    *,
    normalisation=None,
    targets=None,
    adjustments=None,
    demotions=None,
    list_rule=ListRule.COUNT,
    red_threshold=None,
    black_threshold=None,
) -> list[dict]:
    """subjects: [(unit_id, name)]; values: {key: {unit_id: raw}}; weights: {key: weight};
    adjustments: {unit_id: [{"points", "reason"}]}; demotions: {unit_id: reason}.

    Returns the entries of a run, best first (see RankingRun.entries)."""
    normalisation, targets = normalisation or {}, targets or {}
    adjustments, demotions = adjustments or {}, demotions or {}
    ids = {u for u, _ in subjects}
    norm = {
        k: normalise(
            {u: v for u, v in values.get(k, {}).items() if u in ids}, normalisation.get(k), targets.get(k)
        )
        for k in weights
    }
    entries = []
    for unit_id, name in subjects:
        raw = {k: values.get(k, {}).get(unit_id) for k in weights}
        present = {k: norm[k][unit_id] for k in weights if unit_id in norm[k]}
        total_w = sum(float(weights[k]) for k in present)
        parts = {}
        for k in weights:
            w = float(weights[k])
            n = present.get(k)
            parts[k] = {
                "norm": None if n is None else round(n, 2),
                "weight": w,
                "share": round(w / total_w, 4) if n is not None and total_w else 0.0,
                "points": round(w * n / total_w, 2) if n is not None and total_w else None,
            }
        base = round(sum(float(weights[k]) * v for k, v in present.items()) / total_w, 2) if total_w else None
        adj = [{"points": float(a["points"]), "reason": a["reason"]} for a in adjustments.get(unit_id, [])]
        adjust = round(sum(a["points"] for a in adj), 2)
        entries.append(
            {
                "unit_id": unit_id,
                "unit": name,
                "values": raw,
                "parts": parts,
                "base": base,
                "adjust": adjust,
                "adjustments": adj,
                "demoted": demotions.get(unit_id, "") if base is not None else "",
                "score": None if base is None else round(base + adjust, 2),
                "rank": None,
                "list": "",
            }
        )
    scored = sorted(
        (e for e in entries if e["score"] is not None),
        key=lambda e: (bool(e["demoted"]), -e["score"], e["unit"]),
    )
    unscored = sorted((e for e in entries if e["score"] is None), key=lambda e: e["unit"])
    prev = None
    for i, e in enumerate(scored, start=1):
        same = prev and prev["score"] == e["score"] and bool(prev["demoted"]) == bool(e["demoted"])
        e["rank"] = prev["rank"] if same else i
        prev = e
    _lists(scored, list_rule, red_count, black_count, red_threshold, black_threshold)
    return scored + unscored


def _lists(scored, rule, red_count, black_count, red_threshold, black_threshold):
    clean = [e for e in scored if not e["demoted"]]
    for e in scored:
        if e["demoted"]:
            e["list"] = "black"
    if not clean:
        return
    if rule == ListRule.THRESHOLD:
        for e in clean:
            if red_threshold is not None and e["score"] >= float(red_threshold):
                e["list"] = "red"
            elif black_threshold is not None and e["score"] < float(black_threshold):
                e["list"] = "black"
        return
    red_cut = clean[min(red_count, len(clean)) - 1]["score"] if red_count else None
    # 降级 subjects are on the black list in addition to the bottom `black_count`
    black_cut = clean[max(len(clean) - black_count, 0)]["score"] if black_count else None
    for e in clean:
        if red_cut is not None and e["score"] >= red_cut:
            e["list"] = "red"
        elif black_cut is not None and e["score"] <= black_cut:
            e["list"] = "black"


# 评议考核 grades (the 2023 national 评议考核办法 and the provinces' versions): A ≥ 90, B ≥ 75, C ≥ 60,
# D below; a 降级 situation lowers the grade one step (A → B … D stays D).
GRADES = [(90, "A"), (75, "B"), (60, "C")]


def sheet_total(*parts):
    """The sheet's total, or None until every part but the 加减分 (the last) is filled."""
    *scored, bonus = parts
    if any(p is None for p in scored):
        return None
    return sum(scored) + (bonus or 0)


def grade_for(total, demoted: bool = False) -> str | None:
    if total is None:
        return None
    grade = next((g for line, g in GRADES if total >= line), "D")
    if demoted:
        grade = "ABCDD"["ABCD".index(grade) + 1]
    return grade
