"""Supervision data (监管数据): record ledgers, aggregated metrics and computed indicators.

Scope (decided for issue 5): administrators see everything; the office and leaders see the rows of
their region subtree; a unit's users see the rows under their unit's region — a member unit of the
county sees the whole county's ledgers (read-only), a township unit its township. Only the office
(and administrators) write ledgers and definitions; units may also write metric values for their own
unit's region.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from shian.core.models import BusinessModel
from shian.core.policy import Scope, ScopedQuerySet
from shian.organisation.choices import Role
from shian.supervision.choices import (
    Comparison,
    DisposalStatus,
    FieldType,
    Formula,
    Frequency,
    ImportStatus,
    LedgerKind,
    MetricAggregation,
    PeriodKind,
    SampleResult,
    Stage,
    TaskType,
)

UNIT_ROLES = (Role.UNIT_HEAD, Role.LIAISON)


class RegionScopedQuerySet(ScopedQuerySet):
    """Rows carry `region_path`; scope is one indexed prefix filter. Units read their region's subtree."""

    scope = Scope(region_path="region_path", units_read_below=True)

    def in_subtree(self, region):
        return self.filter(region_path__startswith=region.path)


class LedgerQuerySet(RegionScopedQuerySet):
    """Every ORM write path of a ledger marks the months it touches, so the indicator roll-ups
    (supervision/rollup.py) recompute them; the importer's raw SQL path marks them itself."""

    def _touched(self):
        from shian.supervision import rollup

        rollup.mark_dirty(self.model.source, self.order_by().values_list("ym", flat=True).distinct())

    def update(self, **kwargs):
        self._touched()
        return super().update(**kwargs)

    def delete(self):
        self._touched()
        return super().delete()

    def bulk_create(self, objs, *args, **kwargs):
        from shian.supervision import rollup

        objs = list(objs)
        created = super().bulk_create(objs, *args, **kwargs)
        rollup.mark_dirty(self.model.source, {o.ym for o in objs})
        return created

    def bulk_update(self, objs, fields, *args, **kwargs):
        from shian.supervision import rollup

        objs = list(objs)
        old = self.filter(pk__in=[o.pk for o in objs]).order_by().values_list("ym", flat=True).distinct()
        rollup.mark_dirty(self.model.source, {*old, *(o.ym for o in objs)})
        return super().bulk_update(objs, fields, *args, **kwargs)


class LedgerRecord(BusinessModel):
    """Common columns of every ledger row: natural key, region (with its path copied) and period."""

    number = models.CharField("编号", max_length=64, unique=True)
    # db_index: the (region, ym) index covers it. db_constraint: every region is looked up by the importer
    # and deleting a Region is PROTECTed by Django; the database check would add a third of a second per
    # 100,000 imported rows (PostgreSQL checks deferred FKs row by row at commit).
    region = models.ForeignKey(
        "organisation.Region",
        verbose_name="区划",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    region_path = models.CharField("区划路径", max_length=200, editable=False)
    year = models.PositiveSmallIntegerField("年度", editable=False)
    ym = models.PositiveIntegerField("年月", editable=False, help_text="如 202206，供按期间汇总")
    extra = models.JSONField("扩展字段", default=dict, blank=True)

    objects = LedgerQuerySet.as_manager()

    date_field = None  # the column that decides the record's period
    source = None  # the engine's source name ("sampling" …)

    class Meta:
        abstract = True

    def __str__(self):
        return self.number

    @classmethod
    def from_db(cls, db, field_names, values):
        obj = super().from_db(db, field_names, values)
        obj._loaded_ym = obj.__dict__.get("ym")  # a changed date moves the row to another month
        return obj

    def save(self, *args, **kwargs):
        from shian.supervision import rollup

        self.region_path = self.region.path
        d = getattr(self, self.date_field)
        self.year, self.ym = d.year, d.year * 100 + d.month
        super().save(*args, **kwargs)
        rollup.mark_dirty(self.source, {self.ym, getattr(self, "_loaded_ym", None) or self.ym})
        self._loaded_ym = self.ym  # what the database holds now

    def delete(self, *args, **kwargs):
        from shian.supervision import rollup

        rollup.mark_dirty(self.source, {getattr(self, "_loaded_ym", None) or self.ym})
        return super().delete(*args, **kwargs)


def _ledger_indexes(prefix, date_field=None):
    # Aggregations filter on region_id IN (the subtree's ids, known from the region tree) and a period
    # range: one composite index serves both. Scope filters use region_path (a prefix).
    indexes = [models.Index(fields=["region", "ym"], name=f"{prefix}_region_ym")]
    if date_field:
        # The list pages' order: page 1 of a million records reads 25 index entries instead of sorting them
        # all (17 s → 0.1 s on SQLite at city scale).
        indexes.append(models.Index(fields=[f"-{date_field}", "number"], name=f"{prefix}_list_order"))
    return indexes


class SamplingRecord(LedgerRecord):
    """抽检记录: one sample (batch)."""

    date_field = "sampled_on"
    source = "sampling"
    sampled_on = models.DateField("抽样日期")
    sampled_unit = models.CharField("被抽样单位", max_length=200, blank=True)
    unit_category = models.CharField("被抽样单位类型", max_length=60, blank=True)
    stage = models.CharField("抽样环节", max_length=8, choices=Stage.choices, blank=True)
    food_category = models.CharField("食品大类", max_length=60, blank=True)
    product = models.CharField("样品名称", max_length=200, blank=True)
    task_type = models.CharField("任务类别", max_length=12, choices=TaskType.choices)
    result = models.CharField("检验结论", max_length=6, choices=SampleResult.choices)
    failed_items = models.CharField("不合格项目", max_length=300, blank=True)
    disposal_status = models.CharField(
        "核查处置状态", max_length=8, choices=DisposalStatus.choices, blank=True
    )
    disposed_on = models.DateField("处置完成日期", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "抽检记录"
        ordering = ["-sampled_on", "number"]
        indexes = _ledger_indexes("samp", "sampled_on")

    def get_absolute_url(self):
        return reverse("supervision:sampling_detail", args=[self.pk])


class ComplaintRecord(LedgerRecord):
    """投诉举报 (12315/12345) work order."""

    date_field = "received_on"
    source = "complaints"
    received_on = models.DateField("登记日期")
    channel = models.CharField("来源渠道", max_length=20, blank=True)
    category = models.CharField("诉求类别", max_length=60, blank=True)
    subject = models.CharField("被投诉对象", max_length=200, blank=True)
    deadline = models.DateField("办结时限", null=True, blank=True)
    closed_on = models.DateField("办结日期", null=True, blank=True)
    outcome = models.CharField("办理结果", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "投诉举报"
        ordering = ["-received_on", "number"]
        indexes = _ledger_indexes("comp", "received_on")

    def get_absolute_url(self):
        return reverse("supervision:complaints_detail", args=[self.pk])


class CaseRecord(LedgerRecord):
    """执法案件."""

    date_field = "opened_on"
    source = "cases"
    opened_on = models.DateField("立案日期")
    closed_on = models.DateField("结案日期", null=True, blank=True)
    case_type = models.CharField("案件类型", max_length=60, blank=True)
    party = models.CharField("当事人", max_length=200, blank=True)
    fine_amount = models.DecimalField("罚款金额（元）", max_digits=14, decimal_places=2, default=0)
    confiscation_amount = models.DecimalField("没收金额（元）", max_digits=14, decimal_places=2, default=0)
    transferred_police = models.BooleanField("移送公安", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "执法案件"
        ordering = ["-opened_on", "number"]
        indexes = _ledger_indexes("case", "opened_on")

    def get_absolute_url(self):
        return reverse("supervision:cases_detail", args=[self.pk])


class ConfigurationQuerySet(ScopedQuerySet):
    # Deployment configuration: everybody but experts reads it, administrators change it.
    scope = Scope(public=True, public_to_experts=False)


class LedgerField(BusinessModel):
    """An extra field of a ledger, added per deployment without code: stored in the record's `extra`."""

    ledger = models.CharField("台账", max_length=20, choices=LedgerKind.choices)
    key = models.SlugField("字段标识", max_length=40, help_text="英文标识，指标筛选时使用")
    label = models.CharField("列名", max_length=60)
    data_type = models.CharField("类型", max_length=8, choices=FieldType.choices, default=FieldType.TEXT)
    required = models.BooleanField("必填", default=False)
    synonyms = models.CharField("表头同义词", max_length=300, blank=True, help_text="多个用顿号或逗号分隔")
    seq = models.PositiveSmallIntegerField("序号", default=1)

    objects = ConfigurationQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "台账扩展字段"
        ordering = ["ledger", "seq", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["ledger", "key"],
                name="ledgerfield_unique_key",
                violation_error_message="该台账已有同一标识的字段",
            )
        ]

    def __str__(self):
        return f"{self.get_ledger_display()}·{self.label}"


class ImportMapping(BusinessModel):
    """A saved column mapping for one source (e.g. the provincial sampling system's export)."""

    ledger = models.CharField("台账", max_length=20, choices=LedgerKind.choices)
    name = models.CharField("名称", max_length=60, help_text="如：省抽检系统导出")
    columns = models.JSONField("列对应", default=dict, help_text="{原表头: 字段标识}")

    objects = ConfigurationQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "导入列对应"
        ordering = ["ledger", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["ledger", "name"],
                name="importmapping_unique_name",
                violation_error_message="该台账已有同名列对应",
            )
        ]

    def __str__(self):
        return self.name


class ImportBatchQuerySet(ScopedQuerySet):
    # An import is its importer's (an office user); administrators see all.
    scope = Scope(owner="created_by")


class ImportBatch(BusinessModel):
    """One import of a ledger file: counts, status and the error report."""

    ledger = models.CharField("台账", max_length=20, choices=LedgerKind.choices)
    filename = models.CharField("文件名", max_length=200)
    file = models.FileField("文件", upload_to="supervision/imports/%Y/%m/", blank=True, max_length=300)
    mapping = models.CharField("列对应", max_length=60, blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    rows_read = models.PositiveIntegerField("读取行数", default=0)
    created_count = models.PositiveIntegerField("新增", default=0)
    updated_count = models.PositiveIntegerField("更新", default=0)
    rejected_count = models.PositiveIntegerField("拒绝", default=0)
    message = models.TextField("信息", blank=True)
    error_report = models.FileField(
        "错误报告", upload_to="supervision/errors/%Y/%m/", blank=True, max_length=300
    )
    job = models.ForeignKey(
        "core.Job",
        verbose_name="后台任务",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="导入人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ImportBatchQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "台账导入"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_ledger_display()}导入：{self.filename}"

    def get_absolute_url(self):
        return reverse("supervision:import_detail", args=[self.pk])


class OwnedQuerySet(ScopedQuerySet):
    """Definitions: every signed-in user reads them; the office changes those of its region."""

    scope = Scope(public=True, public_to_experts=False, region="owner_region")


class MetricQuerySet(ScopedQuerySet):
    scope = Scope(public=True, public_to_experts=False, region="form__owner_region")


class MetricForm(BusinessModel):
    """A reporting form (one sheet of the template workbook): several metrics filled per region."""

    code = models.SlugField("标识", max_length=40, unique=True)
    name = models.CharField("报表名称", max_length=100)
    frequency = models.CharField(
        "填报周期", max_length=8, choices=Frequency.choices, default=Frequency.QUARTER
    )
    unit = models.ForeignKey(
        "organisation.Unit",
        verbose_name="责任单位",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="为空时各单位均可填报本单位所在区划的行",
    )
    owner_region = models.ForeignKey(
        "organisation.Region",
        verbose_name="所属区划",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    seq = models.PositiveSmallIntegerField("序号", default=1)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "指标报表"
        ordering = ["seq", "code"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("supervision:metric_entry", args=[self.pk])


class Metric(BusinessModel):
    """One aggregated figure reported per region and period (明厨亮灶学校食堂数, 培训人次 …)."""

    form = models.ForeignKey(
        MetricForm, verbose_name="报表", on_delete=models.CASCADE, related_name="metrics"
    )
    code = models.SlugField("标识", max_length=40, unique=True)
    name = models.CharField("名称", max_length=100)
    unit_label = models.CharField("计量单位", max_length=20, blank=True)
    aggregation = models.CharField(
        "汇总方式", max_length=6, choices=MetricAggregation.choices, default=MetricAggregation.SUM
    )
    seq = models.PositiveSmallIntegerField("序号", default=1)

    objects = MetricQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "统计指标项"
        ordering = ["form", "seq", "code"]

    def __str__(self):
        return self.name

    @property
    def owner_region(self):
        return self.form.owner_region


def _unit_may_change_value(user):
    """Units change rows of their own region, of forms assigned to them or to nobody, and never a
    value another unit entered."""
    return (
        Q(region_id=user.unit.region_id)
        & (Q(metric__form__unit__isnull=True) | Q(metric__form__unit_id=user.unit_id))
        & (Q(unit__isnull=True) | Q(unit_id=user.unit_id))
    )


class MetricValueQuerySet(RegionScopedQuerySet):
    scope = Scope(region_path="region_path", units_read_below=True, unit_writes=_unit_may_change_value)


class MetricValue(BusinessModel):
    """The value of a metric for one region and one reporting period (`ym` = the period's last month)."""

    metric = models.ForeignKey(Metric, verbose_name="指标项", on_delete=models.CASCADE, related_name="values")
    region = models.ForeignKey(
        "organisation.Region", verbose_name="区划", on_delete=models.PROTECT, related_name="+"
    )
    region_path = models.CharField("区划路径", max_length=200, editable=False, db_index=True)
    period = models.CharField("期间", max_length=10, help_text="如 2024、2024-H1、2024-Q2、2024-05")
    year = models.PositiveSmallIntegerField("年度", editable=False)
    ym = models.PositiveIntegerField("期末年月", editable=False)
    value = models.DecimalField("数值", max_digits=16, decimal_places=2)
    unit = models.ForeignKey(
        "organisation.Unit",
        verbose_name="填报单位",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField("备注", max_length=200, blank=True)

    objects = MetricValueQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "统计数据"
        ordering = ["metric", "region_path", "ym"]
        constraints = [
            models.UniqueConstraint(
                fields=["metric", "region", "period"],
                name="metricvalue_unique",
                violation_error_message="该区划本期已填报此指标",
            )
        ]
        indexes = [models.Index(fields=["metric", "ym"], name="metricvalue_metric_ym")]

    def __str__(self):
        return f"{self.metric} {self.region} {self.period}"

    def save(self, *args, **kwargs):
        from shian.supervision.periods import parse_period

        p = parse_period(self.period)
        self.region_path = self.region.path
        self.year, self.ym = p.end_ym // 100, p.end_ym
        super().save(*args, **kwargs)


class IndicatorDefinition(BusinessModel):
    """A computed indicator: a formula over ledgers and metrics, a period, a target, the item it proves.

    `numerator` / `denominator` are sources, e.g. {"source": "sampling", "agg": "count",
    "filters": {"task_type": "评价性抽检"}}, {"source": "cases", "agg": "sum", "field": "fine_amount"},
    {"source": "metric", "metric": "mclz_school_done"} or {"source": "constant", "value": 4000}.
    A filter value "F:deadline" compares with another column of the same row.
    """

    code = models.SlugField("标识", max_length=40, unique=True)
    name = models.CharField("名称", max_length=100)
    description = models.TextField("说明", blank=True)
    formula = models.CharField("计算方式", max_length=16, choices=Formula.choices, default=Formula.TOTAL)
    numerator = models.JSONField("分子（数据来源）", default=dict)
    denominator = models.JSONField(
        "分母（数据来源）",
        default=dict,
        blank=True,
        help_text="比率、完成年度目标比例时填写；每千人按常住人口",
    )
    scale = models.DecimalField("倍数", max_digits=8, decimal_places=2, default=1, help_text="百分比填 100")
    annualise = models.BooleanField("按年折算", default=True, help_text="每千人指标按期间年数折算为每年")
    value_unit = models.CharField("结果单位", max_length=20, blank=True, help_text="如 批次/千人·年、%")
    period_kind = models.CharField(
        "默认期间", max_length=10, choices=PeriodKind.choices, default=PeriodKind.YEAR
    )
    target = models.DecimalField("目标值", max_digits=14, decimal_places=4, null=True, blank=True)
    comparison = models.CharField(
        "达标条件", max_length=4, choices=Comparison.choices, default=Comparison.GTE
    )
    scoring_item = models.ForeignKey(
        "framework.ScoringItem",
        verbose_name="对应评分项",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supervision_indicators",
    )
    points_at_stake = models.DecimalField(
        "涉及分值", max_digits=6, decimal_places=2, null=True, blank=True, help_text="为空时取评分项分值"
    )
    owner_region = models.ForeignKey(
        "organisation.Region",
        verbose_name="所属区划",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    seq = models.PositiveSmallIntegerField("序号", default=1)
    is_active = models.BooleanField("启用", default=True)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "计算指标"
        ordering = ["seq", "code"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("supervision:indicator_detail", args=[self.pk])

    def clean(self):
        from shian.supervision.engine import check_definition

        check_definition(self)


# ------------------------------------------------------------------------- indicator roll-ups
class RollupSpec(models.Model):
    """A ledger source (ledger, filters, aggregate, field) whose per-region-and-month values are kept in
    LedgerRollup: built the first time an indicator reads it (a handful per deployment, kept)."""

    source = models.CharField(max_length=20)
    key = models.CharField(max_length=64, unique=True)  # sha256 of the canonical spec
    spec = models.JSONField()
    built_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "指标预汇总口径"

    def __str__(self):
        return f"{self.source} {self.key[:8]}"


class LedgerRollup(models.Model):
    """One source's value for one region and month (the rows hanging on that region, not its subtree)."""

    spec = models.ForeignKey(RollupSpec, on_delete=models.CASCADE, related_name="+", db_index=False)
    region_id = models.PositiveIntegerField()
    ym = models.PositiveIntegerField()
    value = models.DecimalField(max_digits=20, decimal_places=4)

    class Meta:
        verbose_name = verbose_name_plural = "指标预汇总"
        constraints = [
            models.UniqueConstraint(fields=["spec", "ym", "region_id"], name="ledgerrollup_unique")
        ]

    def __str__(self):
        return f"{self.spec_id}/{self.region_id}/{self.ym}"


class RollupDirty(models.Model):
    """A month of a ledger changed since its roll-ups were computed (written in the same transaction as
    the change, so a reader that sees the change sees the mark)."""

    source = models.CharField(max_length=20)
    ym = models.PositiveIntegerField()

    class Meta:
        verbose_name = verbose_name_plural = "指标预汇总待更新"
        indexes = [models.Index(fields=["source", "ym"], name="rollupdirty_source_ym")]

    def __str__(self):
        return f"{self.source} {self.ym}"
