"""Services: metric entry and workbooks, background import, gap analysis."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from shian.core.models import Job
from shian.supervision import services
from shian.supervision.choices import ImportStatus
from shian.supervision.models import MetricValue, SamplingRecord
from shian.supervision.tests.factories import indicator, metric_form, sample
from shian.supervision.tests.test_import import HEAD, row, xlsx


def test_office_saves_metric_rows_and_units_only_their_own_region(cast):
    form = metric_form()
    saved = services.save_metric_values(
        form,
        "2024-Q1",
        {cast.town: {"mclz_total": Decimal(12), "mclz_done": Decimal(9)}},
        actor=cast.office_user,
    )
    assert saved == 2
    assert MetricValue.objects.get(metric__code="mclz_done", region=cast.town).value == 9
    # a value the office entered stays the office's: the township may not overwrite it ...
    with pytest.raises(PermissionDenied, match="创建办填报"):
        services.save_metric_values(
            form, "2024-Q1", {cast.town: {"mclz_done": Decimal(10)}}, actor=cast.town_liaison
        )
    assert MetricValue.objects.get(metric__code="mclz_done", region=cast.town).value == 9
    # ... while a value the township entered itself it may correct
    services.save_metric_values(
        form, "2024-Q4", {cast.town: {"mclz_done": Decimal(3)}}, actor=cast.town_liaison
    )
    services.save_metric_values(
        form, "2024-Q4", {cast.town: {"mclz_done": Decimal(4)}}, actor=cast.town_liaison
    )
    assert MetricValue.objects.get(metric__code="mclz_done", region=cast.town, period="2024-Q4").value == 4
    with pytest.raises(PermissionDenied):
        services.save_metric_values(
            form, "2024-Q1", {cast.town2: {"mclz_done": Decimal(1)}}, actor=cast.town_liaison
        )
    with pytest.raises(PermissionDenied):
        services.save_metric_values(
            form, "2024-Q1", {cast.other_county: {"mclz_done": Decimal(1)}}, actor=cast.office_user
        )
    with pytest.raises(PermissionDenied):
        services.save_metric_values(
            form, "2024-Q1", {cast.county: {"mclz_done": Decimal(1)}}, actor=cast.leader
        )


def test_metric_period_must_match_the_forms_frequency(cast):
    form = metric_form()
    with pytest.raises(ValidationError, match="按季度填报"):
        services.save_metric_values(
            form, "2024-06", {cast.town: {"mclz_done": Decimal(1)}}, actor=cast.office_user
        )


def test_template_workbook_round_trip_all_or_nothing(cast):
    form = metric_form()
    data = services.template_workbook(cast.office_user, "2024-Q2")
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data))
    sheet = book[form.name]
    codes = [sheet.cell(r, 1).value for r in range(3, sheet.max_row + 1)]
    assert codes == ["510722", "510722100", "510722101"]
    sheet.cell(4, 3).value = 12
    sheet.cell(4, 4).value = 11
    sheet.cell(5, 3).value = -1  # bad row: nothing may be saved
    buf = io.BytesIO()
    book.save(buf)
    buf.seek(0)
    saved, errors = services.import_metric_workbook(buf, "2024-Q2", actor=cast.office_user)
    assert saved == 0 and "不能为负数" in str(errors[0]) and MetricValue.objects.count() == 0
    sheet.cell(5, 3).value = 8
    buf = io.BytesIO()
    book.save(buf)
    buf.seek(0)
    saved, errors = services.import_metric_workbook(buf, "2024-Q2", actor=cast.office_user)
    assert errors == [] and saved == 3
    assert MetricValue.objects.get(metric__code="mclz_done", region=cast.town).value == 11


def test_web_import_runs_as_a_job_and_keeps_an_error_report(cast, django_capture_on_commit_callbacks):
    upload = SimpleUploadedFile("抽检.xlsx", xlsx([HEAD, row("S1"), row("S2")]).getvalue())
    with django_capture_on_commit_callbacks(execute=True):
        batch = services.start_ledger_import("sampling", upload, actor=cast.office_user)
    batch.refresh_from_db()
    assert (batch.status, batch.created_count, batch.job.status) == (
        ImportStatus.DONE,
        2,
        Job.Status.SUCCEEDED,
    )
    bad = SimpleUploadedFile("坏.xlsx", xlsx([HEAD, row("S3", date="昨天")]).getvalue())
    with django_capture_on_commit_callbacks(execute=True):
        batch = services.start_ledger_import("sampling", bad, actor=cast.office_user)
    batch.refresh_from_db()
    assert batch.status == ImportStatus.REJECTED and batch.rejected_count == 1 and batch.error_report
    assert SamplingRecord.objects.count() == 2


def test_units_and_leaders_cannot_import(cast):
    upload = SimpleUploadedFile("抽检.xlsx", xlsx([HEAD, row("S1")]).getvalue())
    for user in (cast.leader, cast.market_liaison, cast.expert):
        with pytest.raises(PermissionDenied):
            services.start_ledger_import("sampling", upload, actor=user)


def test_failed_thresholds_lists_items_whose_indicator_misses_the_target(cast):
    item = cast.items[2]  # 食品抽检量达到每年4批次/千人, 5 points
    indicator(scoring_item=item, period_kind="year")
    indicator("unlinked", target=100)
    last_year = datetime.date.today().year - 1
    for _ in range(21):
        sample(cast.town, datetime.date(last_year, 3, 1))
    gaps = services.failed_thresholds(cast.campaign)
    assert len(gaps) == 1
    gap = gaps[0]
    assert gap["item_id"] == item.pk and gap["points_at_stake"] == Decimal("5")
    assert gap["value"] == Decimal("0.0200") and gap["target"] == Decimal("4")  # 21 / 1050 thousand
    assert f"{last_year}年食品抽检量为0.02批次/千人·年，低于目标4" in gap["reason"]
    assert services.failed_thresholds(cast.other_campaign) == []


def test_evaluation_outside_scope_is_404(cast):
    from django.http import Http404

    defn = indicator()
    with pytest.raises(Http404):
        services.evaluate_indicator(defn, cast.other_county, "2024", actor=cast.office_user)
    with pytest.raises(Http404):
        services.evaluate_indicator(defn, cast.county, "2024", actor=cast.town_liaison)
    assert (
        services.evaluate_indicator(defn, cast.town, "2024", actor=cast.town_liaison).region_name == "潼川镇"
    )
    assert (
        services.evaluate_indicator(defn, cast.county, "2024", actor=cast.edu_liaison).region_name == "三台县"
    )
