"""Gap analysis: readiness, points lost per category / indicator / unit, the explained ranking."""

from decimal import Decimal

from shian.readiness import gap
from shian.scoring.tests.factories import score, self_assessment


def _scored(cast):
    a = self_assessment(cast)
    score(cast, a, cast.items[0], 4)
    score(cast, a, cast.items[1], free_deductions=[("缺清单", "1")])
    score(cast, a, cast.items[2], 2)
    score(cast, a, cast.items[3], 6)
    return a


def test_losses_per_category_indicator_and_unit(cast):
    _scored(cast)
    data = gap.analyse(cast.campaign)
    assert [(c["category"].name, c["lost"]) for c in data["categories"]] == [
        ("基础工作", Decimal(1)),
        ("能力建设", Decimal(3)),
        ("示范引领", Decimal(4)),
    ]
    assert [(str(i), v) for i, v in data["by_indicator"]] == [
        ("2 食品抽检", Decimal(3)),
        ("1 党政同责", Decimal(1)),
    ]
    assert [(u.short_name, v) for u, v in data["by_unit"]] == [
        ("市场监管局", Decimal("3.00")),
        ("教育局", Decimal("1.00")),
    ]
    assert data["lost_total"] == Decimal(4)
    assert data["result"].bonus_total == Decimal(6)


def test_field_work_counts_less_when_time_is_short(cast):
    cast.items[2].methods = ["onsite"]
    cast.items[2].save()
    _scored(cast)
    row = next(r for r in gap.analyse(cast.campaign)["fix_first"] if r["item"].code == "2.1")
    # 3 points × 1.5 (30 days left) × 0.8 (field work, 30 days are enough)
    assert row["priority"] == Decimal("3.60")
    assert "需现场整改，周期较长（×0.8）" in row["why"]


def test_no_self_assessment_yet(cast):
    data = gap.analyse(cast.campaign)
    assert data["assessment"] is None
    assert data["lost_total"] == Decimal(11)


def test_supervision_failures_join_the_list(cast, monkeypatch):
    from shian.supervision import services as supervision

    _scored(cast)
    failures = [
        {
            "item_id": cast.items[0].pk,
            "indicator_name": "考核权重",
            "value": Decimal("2"),
            "target": Decimal("3"),
            "points_at_stake": Decimal("4"),
            "reason": "考核权重为2%，低于目标3%",
        },
        {
            "item_id": cast.items[1].pk,
            "indicator_name": "清单覆盖率",
            "value": None,
            "target": Decimal("1"),
            "points_at_stake": Decimal("2"),
            "reason": "清单覆盖率缺少数据",
        },
    ]
    monkeypatch.setattr(supervision, "failed_thresholds", lambda campaign: failures, raising=False)
    rows = {r["item"].code: r for r in gap.analyse(cast.campaign)["fix_first"]}
    assert rows["1.1"]["source"] == "supervision" and rows["1.1"]["lost"] == Decimal(4)
    assert rows["1.1"]["why"][0] == "监管指标：考核权重为2%，低于目标3%"
    assert rows["1.2"]["source"] == "score" and "监管指标：清单覆盖率缺少数据" in rows["1.2"]["why"]


def test_supervision_errors_do_not_break_the_page(cast, monkeypatch, login):
    from shian.supervision import services as supervision

    _scored(cast)

    def broken(campaign):
        raise RuntimeError("boom")

    monkeypatch.setattr(supervision, "failed_thresholds", broken, raising=False)
    assert login(cast.office_user).get(f"/scoring/gap/?campaign={cast.campaign.pk}").status_code == 200


def test_gap_page_bounded_queries(cast, login, django_assert_max_num_queries):
    _scored(cast)
    client = login(cast.office_user)
    with django_assert_max_num_queries(30):
        assert client.get(f"/scoring/gap/?campaign={cast.campaign.pk}").status_code == 200
