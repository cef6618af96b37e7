"""Results: weighting by township population, breakdowns, the chance of clearing the gate, tiles, export."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from shian.surveys import services
from shian.surveys.figures import (
    area_type,
    breakdown,
    dashboard_tiles,
    gate_chance,
    overall_weighted,
    survey_results,
    weighted_rate,
    wilson,
)
from shian.surveys.models import Response


def test_weighting_by_population_against_a_hand_computed_case():
    # A: 180 000 people, 9 of 10 positive; B: 60 000 people, 15 of 30 positive.
    w = weighted_rate("全部", [(1, 10, 9), (2, 30, 15)], {1: 180_000, 2: 60_000})
    assert w.raw_rate == pytest.approx(24 / 40)
    assert w.rate == pytest.approx(0.75 * 0.9 + 0.25 * 0.5)  # 0.8
    # Weights 3 (A) and 1/3 (B): Kish n_eff = 40² / (10·9 + 30/9) = 17.142857
    assert w.n_eff == pytest.approx(17.142857, abs=1e-6)
    assert (w.low, w.high) == pytest.approx((0.565342, 0.924820), abs=1e-6)


def test_equal_shares_leave_the_rate_unweighted():
    w = weighted_rate("全部", [(1, 30, 20), (2, 10, 5)], {1: 300, 2: 100})
    assert w.rate == pytest.approx(25 / 40) and w.n_eff == pytest.approx(40)
    assert (w.low, w.high) == pytest.approx(wilson(25, 40))


def test_a_township_without_population_takes_the_mean():
    w = weighted_rate("全部", [(1, 10, 10), (2, 10, 0)], {1: 100, 2: None})
    assert w.rate == pytest.approx(0.5)


def test_chance_of_clearing_the_gate_against_hand_computed_cases():
    assert gate_chance(0.8, 100, 0.75) == pytest.approx(0.834328, abs=1e-6)
    assert gate_chance(0.8, 100, 0.85) == pytest.approx(0.063547, abs=1e-6)
    assert gate_chance(1.0, 5, 0.8) < 0.95  # five of five is not a certainty
    assert gate_chance(None, 0, 0.8) is None and gate_chance(0.8, 10, None) is None


def test_area_type_from_the_township_name():
    assert (
        area_type("北坝街道") == "urban" and area_type("潼川镇") == "town" and area_type("永新乡") == "rural"
    )


@pytest.fixture
def survey(cast):
    s = services.create_survey(cast.campaign, actor=cast.office_user, kind="satisfaction")
    today = datetime.date(2026, 5, 1)
    rows = []
    # 潼川镇 (180 000): 9 of 10 positive; 芦溪镇 (60 000): 15 of 30.
    for town, n, k in ((cast.town, 10, 9), (cast.town2, 30, 15)):
        for i in range(n):
            rows.append(
                Response(
                    survey=s,
                    township=town,
                    channel=("door", "phone")[i % 2],
                    age_group=("u30", "60p")[i % 2],
                    submitted_on=today,
                    score=100 if i < k else 0,
                    positive=i < k,
                )
            )
    Response.objects.bulk_create(rows)
    return s


def test_breakdowns_carry_sample_sizes_and_intervals(survey, cast):
    qs = survey.responses.all()
    assert overall_weighted(qs).rate == pytest.approx(0.8)
    towns = breakdown(qs, "township")
    assert [(t.label, t.n, t.positive) for t in towns] == [("潼川镇", 10, 9), ("芦溪镇", 30, 15)]
    assert towns[0].rate == pytest.approx(0.9) and (towns[0].low, towns[0].high) == pytest.approx(
        wilson(9, 10)
    )
    assert [(a.label, a.n) for a in breakdown(qs, "area")] == [("镇", 40)]
    ages = {a.key: a for a in breakdown(qs, "age")}
    assert ages["u30"].n == 20 and ages["60p"].n == 20
    channels = {c.key: c for c in breakdown(qs, "channel")}
    assert set(channels) == {"door", "phone"} and channels["door"].n_eff > 0


def test_survey_results_read_the_campaigns_gate(survey, cast):
    res = survey_results(survey)
    assert res["gate"] == pytest.approx(0.7)  # the test framework's 群众满意度 gate
    assert res["chance"] == pytest.approx(gate_chance(0.8, res["overall"].n_eff, 0.7))
    assert 0.5 < res["chance"] < 1


def test_dashboard_tiles_show_the_rates_against_the_gate(survey, cast):
    tiles = dashboard_tiles(cast.campaign, cast.leader)
    assert [t["label"] for t in tiles] == ["群众满意度", "知晓率", "支持率"]
    sat = tiles[0]
    assert (
        sat["value"] == 80.0 and sat["unit"] == "%" and "门槛70%" in sat["note"] and "样本40" in sat["note"]
    )
    assert sat["tone"] == "warning"  # above the line, but its interval reaches below it
    assert sat["url"] == reverse("surveys:survey_list") + "?kind=satisfaction"
    assert set(sat) == {"label", "value", "unit", "note", "url", "tone"}
    assert tiles[1]["value"] is None and tiles[1]["note"] == "尚无答卷"
    # The other county's office sees none of these answers.
    assert dashboard_tiles(cast.campaign, cast.other_office_user)[0]["value"] is None


def test_dashboard_tiles_query_count(survey, cast, django_assert_max_num_queries):
    with django_assert_max_num_queries(15):
        dashboard_tiles(cast.campaign, cast.leader)


def test_export_has_the_weighted_rate_and_the_breakdowns(login, survey, cast):
    r = login(cast.office_user).get(reverse("surveys:survey_export", args=[survey.pk]))
    wb = openpyxl.load_workbook(io.BytesIO(b"".join(r.streaming_content)))
    rows = [[c for c in row] for row in wb.active.iter_rows(values_only=True)]
    assert rows[1][0] == "全部" and rows[1][1] == 40 and rows[1][4] == pytest.approx(0.8)
    labels = [row[0] for row in rows]
    for title in ("按乡镇（街道）", "按区域类型", "按年龄段", "按渠道", "门槛"):
        assert title in labels


def test_detail_page_shows_weighted_rate_and_chance(login, survey, cast, django_assert_max_num_queries):
    c = login(cast.office_user)
    with django_assert_max_num_queries(45):
        body = c.get(reverse("surveys:survey_detail", args=[survey.pk])).content.decode()
    assert 'id="weighted-rate">0.8000' in body and "达标把握" in body and 'id="by-age"' in body


def test_the_weighted_rate_goes_into_the_assessments_gate(survey, cast):
    from shian.scoring.services import create_assessment

    assessment = create_assessment(cast.campaign, actor=cast.office_user, title="自评", kind="self")
    services.apply_to_assessment(
        survey, assessment, actor=cast.office_user, expected_version=assessment.version
    )
    assessment.refresh_from_db()
    assert assessment.satisfaction == Decimal("0.8000")  # weighted; the raw share is 0.6
