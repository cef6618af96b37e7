"""Formula evaluation with hand-computed cases (per 1000, shares, periods, subtrees)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from shian.supervision import engine
from shian.supervision.models import CaseRecord, ComplaintRecord, MetricValue
from shian.supervision.periods import default_period, parse_period
from shian.supervision.tests.factories import bulk_samples, indicator, metric_form, sample

D = Decimal


def test_published_city_figure_three_years_per_1000_per_year(cast):
    # 绵阳市 ≈ 4.868 million residents, 49,895 sampling batches over 2020–2022.
    bulk_samples(cast.town, 30_000, prefix="A")
    bulk_samples(cast.other_county, 19_895, prefix="B")
    ev = engine.evaluate(indicator(), cast.city, "2020..2022")
    assert ev.numerator == 49_895
    assert ev.population == 4_868_000
    # 49895 / 4868 / 3 = 3.41654...
    assert ev.value == D("3.4165")
    assert ev.met is False


def test_per_1000_of_a_subtree_and_one_quarter_annualised(cast):
    for day in (1, 10, 20):
        sample(cast.town, datetime.date(2024, 2, day))
    sample(cast.town2, datetime.date(2024, 3, 31))
    sample(cast.town2, datetime.date(2024, 4, 1))  # next quarter
    sample(cast.other_county, datetime.date(2024, 2, 1))  # outside the subtree
    ev = engine.evaluate(indicator(), cast.county, "2024-Q1", drill_down=True)
    assert ev.numerator == 4
    # 4 batches / 1050 thousand residents / 0.25 year
    assert ev.value == (D(4) / D(1050) / D("0.25")).quantize(D("0.0001"))
    kids = {c.region_name: c for c in ev.children}
    assert kids["潼川镇"].numerator == 3 and kids["芦溪镇"].numerator == 1
    assert kids["潼川镇"].value == (D(3) / D(180) * 4).quantize(D("0.0001"))


def test_population_falls_back_to_the_sum_of_children(cast):
    cast.county.population = None
    cast.county.save()
    sample(cast.town, datetime.date(2023, 5, 1))
    ev = engine.evaluate(indicator(annualise=False), cast.county, "2023")
    assert ev.population == 240_000
    assert ev.value == (D(1) / D(240)).quantize(D("0.0001"))


def test_ratio_with_filters_evaluative_pass_rate(cast):
    for _i in range(49):
        sample(cast.town, datetime.date(2023, 6, 1), task_type="评价性抽检")
    sample(cast.town2, datetime.date(2023, 6, 2), task_type="评价性抽检", result="不合格")
    sample(cast.town2, datetime.date(2023, 6, 2), task_type="监督抽检", result="不合格")
    defn = indicator(
        "eval_pass",
        formula="ratio",
        scale=100,
        target=98,
        numerator={
            "source": "sampling",
            "agg": "count",
            "filters": {"task_type": "评价性抽检", "result": "合格"},
        },
        denominator={"source": "sampling", "agg": "count", "filters": {"task_type": "评价性抽检"}},
    )
    ev = engine.evaluate(defn, cast.county, "2023-H1")
    assert (ev.numerator, ev.denominator, ev.value, ev.met) == (49, 50, D("98.0000"), True)
    assert engine.evaluate(defn, cast.county, "2023-H2").value is None


def test_on_time_complaints_compare_two_columns(cast):
    def complaint(n, deadline, closed):
        ComplaintRecord.objects.create(
            number=n,
            region=cast.town,
            received_on=datetime.date(2023, 3, 1),
            deadline=deadline,
            closed_on=closed,
        )

    complaint("C1", datetime.date(2023, 3, 10), datetime.date(2023, 3, 9))
    complaint("C2", datetime.date(2023, 3, 10), datetime.date(2023, 3, 10))
    complaint("C3", datetime.date(2023, 3, 10), datetime.date(2023, 3, 12))
    complaint("C4", datetime.date(2023, 3, 10), None)
    defn = indicator(
        "complaint_on_time",
        formula="ratio",
        scale=100,
        numerator={"source": "complaints", "filters": {"closed_on__lte": "F:deadline"}},
        denominator={"source": "complaints"},
    )
    assert engine.evaluate(defn, cast.county, "2023-03").value == D("50.0000")


def test_sum_of_fines_and_share_of_annual_target(cast):
    CaseRecord.objects.create(
        number="K1", region=cast.town, opened_on=datetime.date(2023, 2, 1), fine_amount=D("5000")
    )
    CaseRecord.objects.create(
        number="K2",
        region=cast.county,
        opened_on=datetime.date(2023, 5, 1),
        fine_amount=D("1500.50"),
        transferred_police=True,
    )
    fines = indicator(
        "fines", formula="total", numerator={"source": "cases", "agg": "sum", "field": "fine_amount"}
    )
    assert engine.evaluate(fines, cast.county, "2023-H1").value == D("6500.5000")
    police = indicator(
        "police", formula="total", numerator={"source": "cases", "filters": {"transferred_police": True}}
    )
    assert engine.evaluate(police, cast.county, "2023").value == 1
    # 上半年共实施抽检 3 批次，完成全年任务（4 批次）的 75%
    for m in (1, 3, 6):
        sample(cast.town, datetime.date(2023, m, 5))
    sample(cast.town, datetime.date(2023, 8, 5))
    share = indicator(
        "share", formula="share_of_target", scale=100, denominator={"source": "constant", "value": 4}
    )
    assert engine.evaluate(share, cast.county, "2023-H1").value == D("75.0000")


def test_share_of_target_uses_the_whole_years_metric(cast):
    form = metric_form(
        "plan", frequency="year", metrics=(("sampling_plan", "年度抽检任务量", "sum"),), name="抽检任务"
    )
    MetricValue.objects.create(metric=form.metrics.get(), region=cast.county, period="2023", value=D(8))
    for m in (1, 2):
        sample(cast.town, datetime.date(2023, m, 5))
    share = indicator(
        "share",
        formula="share_of_target",
        scale=100,
        denominator={"source": "metric", "metric": "sampling_plan"},
    )
    ev = engine.evaluate(share, cast.county, "2023-Q1")
    assert (ev.numerator, ev.denominator, ev.value) == (2, 8, D("25.0000"))


def test_year_on_year_change(cast):
    for _ in range(4):
        sample(cast.town, datetime.date(2022, 5, 1))
    for _ in range(5):
        sample(cast.town, datetime.date(2023, 5, 1))
    yoy = indicator("yoy", formula="yoy", scale=100)
    ev = engine.evaluate(yoy, cast.county, "2023-Q2")
    assert (ev.numerator, ev.denominator, ev.value) == (5, 4, D("25.0000"))


def test_metric_own_value_wins_over_children_and_stock_takes_the_latest(cast):
    form = metric_form()
    total, done = form.metrics.order_by("seq")
    MetricValue.objects.create(metric=done, region=cast.town, period="2024-Q1", value=10)
    MetricValue.objects.create(metric=done, region=cast.town, period="2024-Q2", value=12)
    MetricValue.objects.create(metric=done, region=cast.town2, period="2024-Q2", value=5)
    MetricValue.objects.create(metric=total, region=cast.town, period="2024-Q2", value=12)
    MetricValue.objects.create(metric=total, region=cast.town2, period="2024-Q2", value=8)
    cover = indicator(
        "mclz",
        formula="ratio",
        scale=100,
        target=100,
        numerator={"source": "metric", "metric": "mclz_done"},
        denominator={"source": "metric", "metric": "mclz_total"},
    )
    ev = engine.evaluate(cover, cast.county, "2024-H1", drill_down=True)
    assert (ev.numerator, ev.denominator, ev.value, ev.met) == (17, 20, D("85.0000"), False)
    MetricValue.objects.create(metric=done, region=cast.county, period="2024-Q2", value=20)
    MetricValue.objects.create(metric=total, region=cast.county, period="2024-Q2", value=20)
    assert engine.evaluate(cover, cast.county, "2024-H1").value == 100


@pytest.mark.parametrize(
    "text,start,end,months",
    [
        ("2022", 202201, 202212, 12),
        ("2022-H1", 202201, 202206, 6),
        ("2022-H2", 202207, 202212, 6),
        ("2022-Q3", 202207, 202209, 3),
        ("2022-06", 202206, 202206, 1),
        ("2020..2022", 202001, 202212, 36),
        ("R12:2022-06", 202107, 202206, 12),
        ("2021-07..2022-06", 202107, 202206, 12),
    ],
)
def test_periods(text, start, end, months):
    p = parse_period(text)
    assert (p.start_ym, p.end_ym, p.months) == (start, end, months)


def test_bad_period_is_named():
    with pytest.raises(ValidationError, match="2022-13"):
        parse_period("2022-13")


def test_default_periods_and_three_years_before_review(cast):
    today = datetime.date(2025, 5, 15)
    assert default_period("year", today).code == "2024"
    assert default_period("quarter", today).code == "2025-Q1"
    assert default_period("half", today).code == "2024-H2"
    assert default_period("month", today).code == "2025-04"
    assert default_period("rolling12", today).code == "R12:2025-04"
    review_year = cast.campaign.milestones.get(kind="provincial_review").date.year
    assert default_period("review3", today, cast.campaign).code == f"{review_year - 3}..{review_year - 1}"


def test_definition_check_names_the_field(cast):
    defn = indicator("bad", formula="ratio", numerator={"source": "nowhere"}, denominator={})
    with pytest.raises(ValidationError) as exc:
        defn.full_clean()
    assert "numerator" in exc.value.message_dict and "denominator" in exc.value.message_dict
