"""Pages: indicator list/detail/chart, ledger lists with export, imports, metric entry."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from shian.supervision.models import ImportBatch, IndicatorDefinition, MetricValue, SamplingRecord
from shian.supervision.tests.factories import indicator, metric_form, sample
from shian.supervision.tests.test_import import HEAD, row, xlsx


def test_indicator_list_shows_current_values_with_bounded_queries(cast, login, django_assert_max_num_queries):
    for i in range(30):
        indicator(f"ind{i}")
    last_year = datetime.date.today().year - 1
    for _ in range(21):
        sample(cast.town, datetime.date(last_year, 3, 1))
    client = login(cast.office_user)
    # one grouped query per indicator on the page (25), plus the page's own
    with django_assert_max_num_queries(45):
        response = client.get(reverse("supervision:indicator_list"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "监管数据" in html and "ind0" in html
    assert html.count("0.02批次/千人·年") == 25 and html.count("未达标") == 25  # 21 / 1050 thousand, target 4
    export = client.get(reverse("supervision:indicator_list"), {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    assert sheet.max_row == 31 and "当前值（默认期间）" not in [c.value for c in sheet[1]]


def test_indicator_detail_drills_down_and_links_records(cast, login, django_assert_max_num_queries):
    defn = indicator(target=4)
    for _ in range(3):
        sample(cast.town, datetime.date(2023, 5, 1))
    sample(cast.town2, datetime.date(2023, 5, 1))
    client = login(cast.office_user)
    with django_assert_max_num_queries(32):  # the first read also builds the indicator's roll-up
        response = client.get(
            reverse("supervision:indicator_detail", args=[defn.pk]),
            {"region": cast.county.pk, "period": "2023"},
        )
    html = response.content.decode()
    assert response.status_code == 200
    assert "潼川镇" in html and "芦溪镇" in html and "data-chart-url" in html and "echarts.min.js" in html
    assert f"indicator={defn.code}" in html
    chart = client.get(
        reverse("supervision:indicator_chart", args=[defn.pk]), {"region": cast.county.pk, "period": "2023"}
    )
    option = chart.json()
    assert option["xAxis"]["data"] == ["潼川镇", "芦溪镇"]
    assert [d["value"] for d in option["series"][0]["data"]] == [round(3 / 180, 4), round(1 / 60, 4)]
    assert option["series"][0]["markLine"]["data"] == [{"yAxis": 4.0}]


def test_records_behind_the_number(cast, login):
    indicator(
        "pass",
        formula="ratio",
        scale=100,
        numerator={"source": "sampling", "filters": {"result": "合格"}},
        denominator={"source": "sampling"},
    )
    sample(cast.town, datetime.date(2023, 5, 1), number="OK1")
    sample(cast.town, datetime.date(2023, 5, 1), number="BAD1", result="不合格")
    sample(cast.town, datetime.date(2022, 5, 1), number="OLD1")
    client = login(cast.office_user)
    url = reverse("supervision:sampling_list")
    html = client.get(
        url, {"region": cast.county.pk, "period": "2023", "indicator": "pass", "part": "numerator"}
    ).content.decode()
    assert "OK1" in html and "BAD1" not in html and "OLD1" not in html
    html = client.get(
        url, {"region": cast.county.pk, "period": "2023", "indicator": "pass", "part": "denominator"}
    ).content.decode()
    assert "OK1" in html and "BAD1" in html and "OLD1" not in html


def test_sampling_list_is_bounded_and_exports_the_filtered_rows(cast, login, django_assert_max_num_queries):
    for i in range(40):
        sample(
            cast.town if i % 2 else cast.town2,
            datetime.date(2023, 1 + i % 12, 1),
            result="不合格" if i < 5 else "合格",
        )
    client = login(cast.office_user)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("supervision:sampling_list")).status_code == 200
    response = client.get(reverse("supervision:sampling_list"), {"result": "不合格", "export": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.max_row == 6  # header + 5 failed samples


@pytest.mark.parametrize(
    "name",
    [
        "supervision:complaints_list",
        "supervision:cases_list",
        "supervision:import_list",
        "supervision:metric_form_list",
        "supervision:metric_value_list",
        "supervision:import_add",
        "supervision:indicator_add",
    ],
)
def test_other_pages_render(cast, login, name):
    assert login(cast.office_user).get(reverse(name)).status_code == 200


def test_import_page_runs_the_job_and_shows_the_error_report(cast, login, django_capture_on_commit_callbacks):
    client = login(cast.office_user)
    upload = SimpleUploadedFile("抽检.xlsx", xlsx([HEAD, row("S1"), row("S2", town="火星镇")]).getvalue())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("supervision:import_add"), {"ledger": "sampling", "file": upload})
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response.url == batch.get_absolute_url()
    page = client.get(batch.get_absolute_url()).content.decode()
    assert "下载错误报告" in page and "拒绝" in page
    report = client.get(reverse("supervision:import_errors", args=[batch.pk]))
    assert report["Content-Disposition"].startswith("attachment")
    sheet = load_workbook(io.BytesIO(b"".join(report.streaming_content))).active
    assert [c.value for c in sheet[2]][:3] == ["抽检数据", 3, "C"]
    assert SamplingRecord.objects.count() == 0


def test_metric_entry_form_saves_the_grid(cast, login):
    form = metric_form()
    client = login(cast.office_user)
    url = reverse("supervision:metric_entry", args=[form.pk])
    page = client.get(url, {"period": "2024-Q1"}).content.decode()
    assert "潼川镇" in page and "芦溪镇" in page
    m = form.metrics.get(code="mclz_done")
    response = client.post(url, {"period": "2024-Q1", f"v_{cast.town.pk}_{m.pk}": "7"})
    assert response.status_code == 302
    assert MetricValue.objects.get(metric=m, region=cast.town, period="2024-Q1").value == 7
    response = client.post(url, {"period": "2024-Q1", f"v_{cast.town.pk}_{m.pk}": "七"})
    assert response.status_code == 400 and "不是有效的数字" in response.content.decode()


def test_template_download(cast, login):
    metric_form()
    response = login(cast.office_user).get(reverse("supervision:metric_template"), {"period": "2024-Q1"})
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    assert "明厨亮灶建设情况" in load_workbook(io.BytesIO(response.content)).sheetnames


def test_office_creates_an_indicator_through_the_form(cast, login):
    client = login(cast.office_user)
    response = client.post(
        reverse("supervision:indicator_add"),
        {
            "code": "cases_count",
            "name": "立案数",
            "formula": "total",
            "numerator": '{"source": "cases"}',
            "denominator": "",
            "scale": "1",
            "annualise": "on",
            "value_unit": "件",
            "period_kind": "year",
            "comparison": "gte",
            "seq": "1",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    defn = IndicatorDefinition.objects.get(code="cases_count")
    assert defn.owner_region == cast.county
    response = client.post(
        reverse("supervision:indicator_add"),
        {
            "code": "bad",
            "name": "坏",
            "formula": "ratio",
            "numerator": '{"source": "cases"}',
            "denominator": "",
            "scale": "1",
            "value_unit": "",
            "period_kind": "year",
            "comparison": "gte",
            "seq": "1",
        },
    )
    assert response.status_code == 400 and "必须填写分母" in response.content.decode()
