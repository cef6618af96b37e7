"""Every chart: JSON option with a PNG toolbox, the table behind it, the same table as xlsx."""

import io
from decimal import Decimal

import openpyxl
import pytest

from shian.dashboard import services
from shian.dashboard.charts import CHARTS


@pytest.fixture
def problems(cast):
    from shian.rectification.models import Problem

    Problem.objects.create(
        campaign=cast.campaign,
        description="a",
        unit=cast.edu,
        severity="red",
        deadline=cast.campaign.started_on,
    )
    Problem.objects.create(campaign=cast.campaign, description="b", unit=cast.edu, severity="red")
    Problem.objects.create(campaign=cast.campaign, description="c", unit=cast.market, severity="blue")
    Problem.objects.create(
        campaign=cast.campaign, description="d", unit=cast.market, severity="blue", status="verified"
    )
    Problem.objects.create(campaign=cast.other_campaign, description="e", unit=cast.other_edu, severity="red")


@pytest.mark.parametrize("kind", sorted(CHARTS))
def test_every_chart_has_png_export_and_its_table(cast, login, kind):
    client = login(cast.leader)
    option = client.get(f"/dashboard/charts/{kind}.json?campaign={cast.campaign.pk}").json()
    assert option["toolbox"]["feature"]["saveAsImage"]
    table = client.get(f"/dashboard/charts/{kind}.json?campaign={cast.campaign.pk}&format=table")
    assert table.status_code == 200 and "<table" in table.content.decode()
    xlsx = client.get(f"/dashboard/charts/{kind}.json?campaign={cast.campaign.pk}&format=xlsx")
    assert xlsx.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    assert sheet.max_row >= 1 and sheet.cell(1, 1).value  # header row (data rows when there is data)


def test_problems_by_colour_counts_open_in_scope(cast, problems):
    rows = {
        r["key"]: (r["open"], r["overdue"]) for r in services.problems_by_colour(cast.campaign, cast.leader)
    }
    assert rows == {"red": (2, 1), "orange": (0, 0), "yellow": (0, 0), "blue": (1, 0)}


def test_problem_chart_xlsx_is_the_table(cast, login, problems):
    r = login(cast.leader).get(f"/dashboard/charts/problems.json?campaign={cast.campaign.pk}&format=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(r.streaming_content))).active
    assert [list(row) for row in sheet.iter_rows(values_only=True)] == [
        ["色标", "未销号", "其中逾期"],
        ["红色", 2, 1],
        ["橙色", 0, 0],
        ["黄色", 0, 0],
        ["蓝色", 1, 0],
    ]


def test_readiness_and_forecast_from_the_self_assessment(cast):
    from shian.rectification.models import Problem
    from shian.scoring.models import Assessment, ItemScore

    assert services.readiness(cast.campaign, cast.leader) is None
    a = Assessment.objects.create(campaign=cast.campaign, kind="self", title="自评")
    for item, p in zip(cast.items, [2, 2, 3, 5], strict=True):
        ItemScore.objects.create(assessment=a, item=item, points=Decimal(p))
    p = Problem.objects.create(
        campaign=cast.campaign, description="考核权重不足", unit=cast.office, points=Decimal(2)
    )
    p.items.add(cast.items[0])
    r = services.readiness(cast.campaign, cast.leader)
    # base: 2 + 2 + 3 = 7 of 11; closing the problem recovers 2 → forecast 9; pass line 90
    assert (r["score"], r["max"], r["forecast"], r["readiness"]) == (
        Decimal(7),
        Decimal(11),
        Decimal(9),
        63.6,
    )
    assert r["passes_now"] is False and r["passes_forecast"] is False


def test_charts_and_screen_are_for_oversight_only(cast, login):
    client = login(cast.edu_liaison)
    assert client.get(f"/dashboard/charts/category.json?campaign={cast.campaign.pk}").status_code == 403
    assert client.get("/dashboard/screen/").status_code == 403
    leader = login(cast.leader)
    assert leader.get(f"/dashboard/charts/problems.json?campaign={cast.other_campaign.pk}").status_code == 404
    assert leader.get(f"/dashboard/screen/?campaign={cast.other_campaign.pk}").status_code == 404
    assert leader.get("/dashboard/charts/nope.json").status_code == 404


def test_screen_refreshes_itself(cast, login):
    client = login(cast.leader)
    page = client.get(f"/dashboard/screen/?campaign={cast.campaign.pk}").content.decode()
    assert (
        'hx-trigger="every 60s"' in page
        and "dashboard/screen.js" in page
        and 'data-chart-theme="dark"' in page
    )
    assert "<script>" not in page.replace("<script src=", "")
    fragment = client.get(
        f"/dashboard/screen/?campaign={cast.campaign.pk}", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert fragment.lstrip().startswith('<div class="screen-grid">')


def test_leader_page_queries_are_bounded(cast, login, problems, django_assert_max_num_queries):
    client = login(cast.leader)
    with django_assert_max_num_queries(40):
        r = client.get(f"/dashboard/?campaign={cast.campaign.pk}")
    assert r.status_code == 200
    page = r.content.decode()
    assert "指挥大屏" in page and "红色 2" in page and "format=xlsx" in page


def test_key_figures_against_their_targets(cast, login):
    import datetime

    from django.utils import timezone

    from shian.supervision.models import IndicatorDefinition, SamplingRecord

    last_year = timezone.localdate().year - 1
    IndicatorDefinition.objects.create(
        code="samples",
        name="食品抽检批次",
        formula="total",
        numerator={"source": "sampling"},
        target=Decimal(4),
        value_unit="批次",
        period_kind="year",
        scoring_item=cast.items[2],
        owner_region=cast.county,
    )
    for n in range(3):
        SamplingRecord.objects.create(
            number=f"S{n}",
            region=cast.town,
            sampled_on=datetime.date(last_year, 5, 1),
            task_type="监督抽检",
            result="合格",
        )
    rows = services.key_figures(cast.campaign, cast.leader)
    assert [(r["name"], r["value"], r["target"], r["met"], r["share"]) for r in rows] == [
        ("食品抽检批次", Decimal(3), Decimal(4), False, 75.0)
    ]
    assert services.key_figures(cast.campaign, cast.other_office_user) is None  # outside their region
    table = login(cast.leader).get(f"/dashboard/charts/figures.json?campaign={cast.campaign.pk}&format=table")
    assert "食品抽检批次" in table.content.decode() and "未达标" in table.content.decode()
