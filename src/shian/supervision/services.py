"""Business rules of supervision data: imports, metric entry, indicator evaluation, gap analysis."""

import contextlib
import datetime
import io
import os
import shutil
import tempfile
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from shian.core import policy
from shian.core.audit import log_event
from shian.core.policy import change_path, view_path
from shian.core.services import require
from shian.supervision import engine
from shian.supervision.choices import ImportStatus
from shian.supervision.importer import import_ledger, report_path_for, write_error_report
from shian.supervision.models import (
    UNIT_ROLES,
    ImportBatch,
    IndicatorDefinition,
    MetricForm,
    MetricValue,
)
from shian.supervision.periods import Period, default_period, parse_period, period_for

# ------------------------------------------------------------------------------------ scope


def check_can_view_region(user, region):
    """404 (not 403) for a region outside the user's supervision scope."""
    path = view_path(user)
    if path is None or not region.path.startswith(path):
        raise Http404("区划不存在或不在您的管辖范围内")


def default_region(user):
    from shian.organisation.models import Region

    if user.region_scope is not None:
        return user.region_scope
    if user.unit_id:
        return user.unit.region
    return Region.objects.order_by("level", "code").filter(level__gte=3).first() or Region.objects.first()


def can_edit_definitions(user) -> bool:
    return change_path(user) is not None


# ---------------------------------------------------------------------------- ledger import


def start_ledger_import(kind, upload, *, actor, mapping=""):
    """Store the uploaded file and import it in the background; returns the ImportBatch."""
    from shian.core.jobs import enqueue
    from shian.supervision.ledgers import ledger_spec

    require(change_path(actor) is not None and not actor.is_read_only, "只有创建办可以导入监管台账")
    spec = ledger_spec(kind)
    name = os.path.basename(upload.name or "upload.xlsx")
    if not name.lower().endswith((".xlsx", ".xls", ".csv", ".xlsm")):
        raise ValidationError({"file": "只能导入 .xlsx、.xls 或 .csv 文件"})
    batch = ImportBatch(ledger=kind, filename=name[:200], mapping=mapping or "", created_by=actor)
    batch.file.save(name, upload, save=False)
    batch.save()
    job = enqueue("supervision.import_ledger", f"导入{spec.label}台账：{name}", {"batch_id": batch.pk}, actor)
    ImportBatch.objects.filter(pk=batch.pk).update(job=job)
    batch.job = job
    return batch


@contextlib.contextmanager
def _local_copy(field_file, filename):
    try:
        path = field_file.path  # FileSystemStorage
    except NotImplementedError:
        path = None
    if path:
        yield path
        return
    suffix = os.path.splitext(filename)[1] or ".xlsx"
    with tempfile.NamedTemporaryFile(suffix=suffix) as tmp, field_file.open("rb") as fh:
        shutil.copyfileobj(fh, tmp, 1024 * 1024)
        tmp.flush()
        yield tmp.name


def run_import_batch(batch: ImportBatch, progress=None):
    """Run one stored import (job body): counts, status and error report go on the batch."""
    actor = batch.created_by
    scope = change_path(actor) if actor is not None else ""
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.RUNNING)
    # Read from a file on disk (the local storage's own file, or a chunked copy of an S3 object), never the
    # whole upload in memory: calamine and the CSV reader stream from a path.
    with _local_copy(batch.file, batch.filename) as source:
        result = import_ledger(
            batch.ledger,
            source,
            actor=actor,
            mapping=batch.mapping or None,
            scope_path=scope or "",
            progress=progress,
            filename=batch.filename,
            batch=batch,
        )
    batch.refresh_from_db()
    batch.rows_read, batch.created_count, batch.updated_count = (
        result.rows_read,
        result.created,
        result.updated,
    )
    batch.rejected_count = result.rejected
    if result.ok:
        batch.status = ImportStatus.DONE
        batch.message = result.summary()
    else:
        batch.status = ImportStatus.REJECTED
        batch.message = (
            result.summary()
            + "。存在错误，未导入任何数据，请下载错误报告修改后重新导入。\n"
            + "\n".join(str(e) for e in result.errors[:5])
        )
        buf = io.BytesIO()
        write_error_report(result.errors, buf)
        batch.error_report.save(
            f"{os.path.splitext(batch.filename)[0]}.错误报告.xlsx", ContentFile(buf.getvalue()), save=False
        )
    # Not `job`: the request that enqueued us may set it after this thread started.
    batch.save(
        update_fields=[
            "rows_read",
            "created_count",
            "updated_count",
            "rejected_count",
            "status",
            "message",
            "error_report",
            "updated_at",
        ]
    )
    return result


def import_ledger_file(kind, path, *, actor=None, mapping=None):
    """Command-line import of a file on disk; on rejection the error report is written beside it."""
    result = import_ledger(kind, path, actor=actor, mapping=mapping, filename=os.path.basename(path))
    if not result.ok:
        report = report_path_for(path)
        write_error_report(result.errors, report)
        result.report_path = report
    return result


# ------------------------------------------------------------------------------------ metrics


def check_can_enter(user, form: MetricForm, region):
    """Office: any region of its subtree; units: their own unit's region, on forms assigned to them or nobody."""
    if user.is_read_only:
        raise PermissionDenied("只读账号不能填报数据")
    path = change_path(user)
    if path is not None:
        if not region.path.startswith(path):
            raise PermissionDenied(f"“{region}”不在您的管辖范围内")
        return
    if (
        user.role in UNIT_ROLES
        and user.unit_id
        and region.pk == user.unit.region_id
        and form.unit_id in (None, user.unit_id)
    ):
        return
    raise PermissionDenied(f"您不能填报“{region}”的“{form}”")


def entry_regions(user, form: MetricForm):
    """Regions whose rows `user` may fill on `form` (county first, then townships)."""
    from shian.organisation.models import Region

    path = change_path(user)
    if user.is_read_only:
        return []
    if path is not None:
        base = user.region_scope or default_region(user)
        return list(
            Region.objects.filter(path__startswith=base.path, level__lte=base.level + 1).order_by("path")
        )
    if user.role in UNIT_ROLES and user.unit_id and form.unit_id in (None, user.unit_id):
        return [user.unit.region]
    return []


@transaction.atomic
def save_metric_values(form: MetricForm, period: str, rows: dict, *, actor, unit=None):
    """Save {region: {metric_code: Decimal|None}} for one period, all or nothing. Returns the count saved."""
    p = parse_period(period)
    _check_period_fits(form, p)
    metrics = {m.code: m for m in form.metrics.all()}
    saved = 0
    for region, values in rows.items():
        check_can_enter(actor, form, region)
        for code, value in values.items():
            metric = metrics.get(code)
            if metric is None:
                raise ValidationError({"metric": f"报表“{form}”没有指标项“{code}”"})
            existing = MetricValue.objects.filter(metric=metric, region=region, period=p.code).first()
            if existing is not None:
                # A value another unit entered stays theirs (the office of the region may correct it).
                policy.ensure_can(
                    actor,
                    existing,
                    policy.CHANGE,
                    f"{region}“{metric.name}”由{existing.unit or '其他单位'}填报，您不能修改",
                )
            if value is None:
                if existing is not None:
                    existing.delete()
                continue
            if value < 0:
                raise ValidationError({code: f"{region}“{metric.name}”不能为负数"})
            if existing is None:
                MetricValue.objects.create(
                    metric=metric, region=region, period=p.code, value=value, unit=unit or actor.unit
                )
                saved += 1
            elif existing.value != value:
                existing.value = value
                existing.unit = unit or actor.unit
                from shian.core.services import save_versioned

                save_versioned(existing, existing.version)
                saved += 1
    return saved


def _check_period_fits(form, p: Period):
    expected = {"month": 1, "quarter": 3, "half": 6, "year": 12}[form.frequency]
    if p.months != expected:
        raise ValidationError({"period": f"“{form}”按{form.get_frequency_display()}填报，期间“{p.code}”不符"})


def template_workbook(user, period: str) -> bytes:
    """The period's template workbook: one sheet per form the user may fill, one row per region."""
    import xlsxwriter

    p = parse_period(period)
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(
        buf, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False}
    )
    bold = book.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1, "text_wrap": True})
    title = book.add_format({"bold": True, "font_size": 14})
    locked = book.add_format({"bg_color": "#F2F2F2"})
    for form in MetricForm.objects.restrict(user).prefetch_related("metrics").order_by("seq", "code"):
        if p.months != {"month": 1, "quarter": 3, "half": 6, "year": 12}[form.frequency]:
            continue
        regions = entry_regions(user, form)
        if not regions:
            continue
        metrics = list(form.metrics.all())
        sheet = book.add_worksheet(form.name[:31])
        sheet.write(0, 0, f"{form.name}（{p.label}）", title)
        headers = [
            "区划代码",
            "区划名称",
            *[f"{m.name}（{m.unit_label}）" if m.unit_label else m.name for m in metrics],
        ]
        sheet.write_row(1, 0, headers, bold)
        existing = {
            (v.region_id, v.metric_id): v.value
            for v in MetricValue.objects.filter(metric__form=form, period=p.code, region__in=regions)
        }
        for r, region in enumerate(regions, start=2):
            sheet.write_string(r, 0, region.code, locked)
            sheet.write_string(r, 1, region.name, locked)
            for c, m in enumerate(metrics, start=2):
                v = existing.get((region.pk, m.pk))
                if v is not None:
                    sheet.write_number(r, c, float(v))
        sheet.set_column(0, 1, 14)
        sheet.set_column(2, len(headers), 18)
        sheet.freeze_panes(2, 2)
    info = book.add_worksheet("填报说明")
    info.write(
        0, 0, f"期间：{p.code}（{p.label}）。每个工作表对应一张报表，每行一个区划，只填数字；空白表示未填报。"
    )
    book.close()
    return buf.getvalue()


@transaction.atomic
def import_metric_workbook(source, period: str, *, actor):
    """Import a filled template workbook: every sheet, every row checked; all or nothing.

    Returns (saved_count, errors); on any error nothing is saved."""
    from shian.core.spreadsheets import Column, RowError, parse_decimal, parse_text, read_sheet
    from shian.organisation.models import Region

    p = parse_period(period)
    errors, plan = [], []
    forms = list(MetricForm.objects.restrict(actor).prefetch_related("metrics"))
    data = source.read() if hasattr(source, "read") else open(source, "rb").read()
    from python_calamine import CalamineWorkbook

    try:
        sheet_names = CalamineWorkbook.from_filelike(io.BytesIO(data)).sheet_names
    except Exception:
        raise ValidationError({"file": "无法读取文件，请上传系统生成的模板工作簿（.xlsx）"})
    for form in forms:
        name = form.name[:31]
        if name not in sheet_names:
            continue
        metrics = list(form.metrics.all())
        columns = [Column("code", "区划代码", parser=parse_text), Column("name", "区划名称", required=False)]
        columns += [
            Column(
                m.code,
                m.name,
                synonyms=(f"{m.name}（{m.unit_label}）",),
                required=False,
                parser=parse_decimal,
            )
            for m in metrics
        ]
        res = read_sheet(io.BytesIO(data), columns, sheet=name, fill_merged=False)
        errors.extend(res.errors)
        for rec in res.records:
            region = Region.objects.filter(code=rec["code"]).first()
            if region is None:
                errors.append(RowError(name, rec["_row"], "A", "区划代码", rec["code"], "区划代码不存在"))
                continue
            try:
                check_can_enter(actor, form, region)
            except PermissionDenied as exc:
                errors.append(RowError(name, rec["_row"], "A", "区划代码", rec["code"], str(exc)))
                continue
            values = {}
            for m in metrics:
                v = rec.get(m.code)
                if v is not None and v < 0:
                    errors.append(RowError(name, rec["_row"], None, m.name, v, "不能为负数"))
                values[m.code] = v
            plan.append((form, region, {k: v for k, v in values.items() if v is not None}))
    if errors:
        return 0, errors
    saved = 0
    for form, region, values in plan:
        saved += save_metric_values(form, p.code, {region: values}, actor=actor)
    return saved, []


# -------------------------------------------------------------------------------- indicators


def evaluate_indicator(
    defn: IndicatorDefinition,
    region,
    period: str | None = None,
    *,
    actor=None,
    drill_down=False,
    campaign=None,
):
    """Evaluate an indicator for a region subtree the actor may see (404 otherwise)."""
    if actor is not None:
        check_can_view_region(actor, region)
    from shian.core.cache import cached

    p = period_for(period, defn.period_kind, timezone.localdate(), campaign)
    # Values per (indicator, region, period), kept until any data changes (imports and corrections log).
    return cached(
        "indicator",
        [defn.pk, defn.version, region.pk, p.code, drill_down],
        lambda: engine.evaluate(defn, region, p, drill_down=drill_down),
    )


@transaction.atomic
def save_indicator(defn: IndicatorDefinition, *, actor, expected_version=None):
    require(change_path(actor) is not None and not actor.is_read_only, "只有创建办可以维护计算指标")
    if not actor.is_admin:
        scope = actor.region_scope
        if defn.owner_region_id is None:
            defn.owner_region = scope
        elif not defn.owner_region.path.startswith(scope.path):
            raise PermissionDenied("所属区划不在您的管辖范围内")
    defn.full_clean()
    from shian.core.services import save_versioned

    save_versioned(defn, expected_version if defn.pk else None)
    from shian.supervision import rollup

    if rollup.ENABLED and rollup.definition_specs([defn]):
        from shian.core.jobs import enqueue

        enqueue("supervision.build_rollups", f"预汇总指标“{defn.name}”", {"ids": [defn.pk]}, user=actor)
    return defn


def campaign_indicators(campaign):
    return (
        IndicatorDefinition.objects.filter(
            is_active=True, scoring_item__indicator__category__framework=campaign.framework
        )
        .select_related("scoring_item")
        .order_by("seq", "code")
    )


def failed_thresholds(campaign, today: datetime.date | None = None) -> list[dict]:
    """Indicators proving an item of the campaign's framework whose value misses the target.

    Each indicator is judged over its default period (see periods.default_period) for the campaign's
    region. A missing value counts as failed ("缺少数据"): the points are at stake until proven.
    """
    from shian.supervision.batch import evaluate_many

    today = today or timezone.localdate()
    out = []
    pairs = [
        (defn, default_period(defn.period_kind, today, campaign))
        for defn in campaign_indicators(campaign)
        if defn.target is not None
    ]
    periods = dict(pairs)
    for defn, ev in evaluate_many(pairs, campaign.region):  # ledger reads batched
        p = periods[defn]
        if ev is None:
            ev = engine.Evaluation(
                defn.code,
                defn.name,
                campaign.region.pk,
                campaign.region.name,
                campaign.region.code,
                p.code,
                p.label,
                None,
                None,
                None,
                defn.target,
                None,
                note="定义有误，无法计算",
            )
        if ev.met:
            continue
        points = defn.points_at_stake if defn.points_at_stake is not None else defn.scoring_item.points
        cmp_word = "低于" if defn.comparison == "gte" else "高于"
        if ev.value is None:
            reason = f"{p.label}{defn.name}缺少数据（{ev.note or '无法计算'}），目标{_fmt(defn.target)}{defn.value_unit}"
        else:
            reason = (
                f"{p.label}{defn.name}为{_fmt(ev.value)}{defn.value_unit}，{cmp_word}目标"
                f"{_fmt(defn.target)}{defn.value_unit}"
            )
        out.append(
            {
                "item_id": defn.scoring_item_id,
                "indicator_name": defn.name,
                "value": ev.value,
                "target": defn.target,
                "points_at_stake": points,
                "reason": reason,
                "indicator_id": defn.pk,
                "period": p.code,
            }
        )
    return out


def _fmt(d: Decimal) -> str:
    d = Decimal(d).quantize(Decimal("0.01"))
    text = f"{d:f}".rstrip("0").rstrip(".")
    return text or "0"


def log_definition_export(framework, *, actor):
    log_event(framework, "indicators_exported", note="导出计算指标定义")
