"""Gap analysis of the current self-assessment: where points are lost, how ready the campaign is,
what to fix first (and why), and the score expected if every open rectification closes on time.

The ranking is deliberately simple so that every row can say why it ranks where it does:

    priority = points at stake × urgency × effort × key-item weight

- points at stake: the item's value minus the points awarded (the whole value if not yet scored);
- urgency: from the days left to the next milestone (≤30 days ×1.5, ≤90 days ×1.2, else ×1.0);
- effort: a documents-only fix (资料审查/数据核验/访谈) counts ×1.0; one needing field work (现场检查,
  问卷调查) ×0.8, and ×0.4 when fewer than 30 days remain (it may not be done in time);
- key items below their minimum share ×1.5 (they fail the campaign whatever the total).

Problems verified (销号) since the item was scored count as fixed: their points leave the points at
stake (the next scoring is expected to award them); open problems count in the forecast.
"""

import logging
from collections import defaultdict
from decimal import Decimal

from django.utils import timezone

from shian.framework.choices import Method, UnitRole
from shian.scoring import engine
from shian.scoring.services import current_self_assessment

logger = logging.getLogger("shian.scoring")
FIELD_METHODS = {Method.ONSITE, Method.SURVEY}
DOCS_DAYS, FIELD_DAYS = 7, 30
D = Decimal


def urgency(days_left):
    if days_left is None:
        return D("1.0"), "暂无下一评审节点"
    if days_left <= 30:
        return D("1.5"), f"距下一节点仅剩{days_left}天（紧迫 ×1.5）"
    if days_left <= 90:
        return D("1.2"), f"距下一节点还有{days_left}天（较紧 ×1.2）"
    return D("1.0"), f"距下一节点还有{days_left}天（×1.0）"


def effort(methods, days_left):
    field = bool(set(methods) & FIELD_METHODS)
    if not field:
        return D("1.0"), "仅需补充完善资料，见效快（×1.0）", False
    if days_left is not None and days_left < FIELD_DAYS:
        return D("0.4"), f"需现场整改，约需{FIELD_DAYS}天，可能来不及（×0.4）", True
    return D("0.8"), "需现场整改，周期较长（×0.8）", True


def _supervision_failures(campaign):
    """Failed supervision thresholds of the campaign's indicators."""
    from shian.supervision.services import failed_thresholds

    try:
        return list(failed_thresholds(campaign) or [])
    except Exception:  # a failure there must not take the gap page down
        logger.exception("supervision.failed_thresholds failed for campaign %s", campaign.pk)
        return []


def analyse(campaign, assessment=None, today=None, user=None) -> dict:
    """Everything the gap page shows, as plain data."""
    from shian.framework.models import ItemUnit, ScoringItem
    from shian.rectification.choices import Status
    from shian.rectification.models import Problem

    today = today or timezone.localdate()
    assessment = assessment or current_self_assessment(campaign, user)
    spec = engine.framework_spec(campaign.framework)
    points = dict(assessment.scores.values_list("item_id", "points")) if assessment else {}
    vetoes = dict(assessment.vetoes.values_list("gate_id", "occurred")) if assessment else {}
    result = engine.compute(spec, points, vetoes, assessment.survey_results() if assessment else {})
    milestone = campaign.next_milestone(today)
    days_left = milestone.days_left(today) if milestone else None
    urg, urg_why = urgency(days_left)
    key_failed = {i.id for i, _ in result.key_failures}
    cats = {c.id: c for c in spec.categories}

    items = {
        i.pk: i
        for i in ScoringItem.objects.filter(pk__in=[s.id for s in spec.items]).select_related("indicator")
    }
    leads = defaultdict(list)
    for a in ItemUnit.objects.filter(item_id__in=items, role=UnitRole.LEAD).select_related("unit"):
        leads[a.item_id].append(a.unit)
    problems, fixed = defaultdict(list), defaultdict(list)
    scored_at = dict(assessment.scores.values_list("item_id", "scored_at")) if assessment else {}
    since = assessment.created_at if assessment else None
    links = Problem.items.through.objects.filter(problem__campaign=campaign).values_list(
        "scoringitem_id",
        "problem_id",
        "problem__status",
        "problem__points",
        "problem__deadline",
        "problem__verified_at",
    )
    for item_id, pid, status, pts, deadline, verified_at in links.iterator(chunk_size=5000):
        p = {"id": pid, "points": pts, "deadline": deadline}
        if status != Status.VERIFIED:
            problems[item_id].append(p)
        elif since and verified_at and verified_at >= (scored_at.get(item_id) or since):
            fixed[item_id].append(p)  # verified since the scoring: points expected back at the next scoring
    rows, by_indicator, by_unit = [], defaultdict(lambda: D(0)), defaultdict(lambda: D(0))
    forecast_gain = D(0)
    late = 0
    for item in spec.items:
        got = points.get(item.id)
        full_lost = item.points - (got if got is not None else D(0))
        cat = cats[item.category_id]
        open_problems = problems.get(item.id, [])
        done = fixed.get(item.id, [])
        regained = min(full_lost, sum((p["points"] or D(0) for p in done), D(0)))
        lost = full_lost - regained
        recoverable = min(full_lost, regained + sum((p["points"] or D(0) for p in open_problems), D(0)))
        if not cat.is_bonus:
            forecast_gain += recoverable
        late += sum(
            1 for p in open_problems if milestone and p["deadline"] and p["deadline"] > milestone.date
        )
        if lost <= 0:
            continue
        obj = items[item.id]
        units = leads.get(item.id) or []
        if not cat.is_bonus:  # 示范引领 is reported on its own, not as points lost
            by_indicator[obj.indicator] += lost
            for u in units:
                by_unit[u] += lost / len(units)
        eff, eff_why, field = effort(item.methods, days_left)
        why = [
            f"{'尚未评分，' if got is None else ''}失分{engine.fmt(lost)}分（满分{engine.fmt(item.points)}）",
            urg_why,
            eff_why,
        ]
        weight = D("1.0")
        if item.id in key_failed:
            weight = D("1.5")
            why.append("关键项未达到最低得分率，直接影响是否达标（×1.5）")
        elif item.is_key and got is None:
            weight = D("1.5")
            why.append("关键项尚未评分，须达到最低得分率才能达标（×1.5）")
        if cat.is_bonus:
            weight *= D("0.5")
            why.append("示范引领加分项，单独计分并封顶（×0.5）")
        if regained:
            why.append(f"已销号整改问题{len(done)}个，待复评挽回{engine.fmt(regained)}分（已从失分中扣除）")
        if open_problems:
            last = max((p["deadline"] for p in open_problems if p["deadline"]), default=None)
            why.append(
                f"已有{len(open_problems)}个整改问题在办" + (f"，最迟{last:%Y-%m-%d}到期" if last else "")
            )
        rows.append(
            {
                "item": obj,
                "spec": item,
                "category": cat,
                "lost": lost,
                "awarded": got,
                "units": units,
                "field_work": field,
                "priority": (lost * urg * eff * weight).quantize(D("0.01")),
                "why": why,
                "problems": open_problems,
                "source": "score",
            }
        )
    by_item_row = {r["spec"].id: r for r in rows}
    for f in _supervision_failures(campaign):
        try:
            item = spec.item(f["item_id"])
        except KeyError:
            continue
        stake = min(D(str(f.get("points_at_stake") or 0)), item.points)
        reason = f"监管指标：{f.get('reason') or f.get('indicator_name', '')}"
        if item.id in by_item_row:  # the item already loses points: one row, one more reason
            by_item_row[item.id]["why"].append(reason)
            continue
        if stake <= 0:
            continue
        eff, eff_why, field = effort(item.methods, days_left)
        row = {
            "item": items[item.id],
            "spec": item,
            "category": cats[item.category_id],
            "lost": stake,
            "awarded": points.get(item.id),
            "units": leads.get(item.id) or [],
            "field_work": field,
            "priority": (stake * urg * eff).quantize(D("0.01")),
            "why": [reason, f"若评审时仍未达标，涉及{engine.fmt(stake)}分", urg_why, eff_why],
            "problems": [],
            "source": "supervision",
        }
        rows.append(row)
        by_item_row[item.id] = row
    rows.sort(key=lambda r: (-r["priority"], -r["lost"], r["spec"].code))
    for rank, r in enumerate(rows, start=1):
        r["rank"] = rank

    forecast_base = min(result.base_total + forecast_gain, result.base_max)
    return {
        "campaign": campaign,
        "assessment": assessment,
        "result": result,
        "milestone": milestone,
        "days_left": days_left,
        "readiness": result.readiness,
        "lost_total": result.base_max - result.base_total,
        "categories": [
            {
                "category": c.category,
                "max": c.max_points,
                "awarded": c.awarded,
                "lost": c.lost,
                "share": (c.awarded / c.max_points) if c.max_points else D(0),
            }
            for c in result.categories
        ],
        "by_indicator": sorted(by_indicator.items(), key=lambda kv: -kv[1]),
        "by_unit": sorted(((u, v.quantize(D("0.01"))) for u, v in by_unit.items()), key=lambda kv: -kv[1]),
        "fix_first": rows,
        "forecast": {
            "base": forecast_base,
            "gain": forecast_gain,
            "total": forecast_base + result.bonus_total,
            "passes": (campaign.framework.pass_line is None or forecast_base >= campaign.framework.pass_line),
            "late_problems": late,
        },
    }


def chart_option(data) -> dict:
    """ECharts option: awarded vs lost per category."""
    cats = data["categories"]
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"data": ["得分", "失分"]},
        "grid": {"left": 90, "right": 20, "top": 30, "bottom": 20},
        "xAxis": {"type": "value"},
        "yAxis": {"type": "category", "data": [c["category"].name for c in cats]},
        "series": [
            {
                "name": "得分",
                "type": "bar",
                "stack": "s",
                "data": [float(c["awarded"]) for c in cats],
                "itemStyle": {"color": "#198754"},
            },
            {
                "name": "失分",
                "type": "bar",
                "stack": "s",
                "data": [float(c["lost"]) for c in cats],
                "itemStyle": {"color": "#dc3545"},
            },
        ],
    }
