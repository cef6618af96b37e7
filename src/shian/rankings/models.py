"""Rankings: schemes (which signals, weights, subjects, rules), frozen runs, appeals and 约谈.

RankingScheme → RankingRun (one period and revision: its inputs — subjects, every signal's raw value,
降级 situations, the rules — are frozen on the row when computed, so the run reads the same whatever
changes later; a draft until published; a correction after an appeal is a new revision that keeps
the old) → Adjustment (manual 加减分 on a run, with reason and evidence) → Appeal (a ranked subject's
申诉, decided by someone not involved in the run) → Interview (约谈 of a unit, proposed from runs by
the scheme's rule or created by hand).

约谈 here is rankings' own record (as before this change): rectification's `Summons` belongs to its
problem-escalation ladder and rectification sits below rankings, so it cannot point at runs.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.urls import reverse

from shian.core.models import BusinessModel
from shian.core.policy import Scope, ScopedQuerySet
from shian.organisation.choices import UnitKind
from shian.rankings.choices import (
    AppealStatus,
    InterviewStatus,
    ListRule,
    PeriodKind,
    RunStatus,
)


class SchemeQuerySet(ScopedQuerySet):
    # The office of the campaign's region keeps schemes; leaders and the region's units read them.
    scope = Scope(region="campaign__region", units_read_above=True)


class RankingScheme(BusinessModel):
    """Which subjects are ranked, on which signals with which weights, and the 红黑榜 / 约谈 rules."""

    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name="创建项目",
        on_delete=models.CASCADE,
        related_name="ranking_schemes",
    )
    name = models.CharField("方案名称", max_length=100)
    subject_kind = models.CharField(
        "排名对象", max_length=10, choices=UnitKind.choices, default=UnitKind.MEMBER
    )
    weights = models.JSONField("指标及权重", default=dict, help_text='{"指标代码": 权重}')
    red_count = models.PositiveSmallIntegerField("红榜名额", default=3)
    black_count = models.PositiveSmallIntegerField("黑榜名额", default=3)
    interview_after = models.PositiveSmallIntegerField(
        "连续上黑榜几期约谈", default=2, help_text="0 表示不自动提出约谈"
    )
    period_kind = models.CharField(
        "排名周期", max_length=8, choices=PeriodKind.choices, default=PeriodKind.MONTH
    )
    normalisation = models.JSONField(
        "标准化方法", default=dict, blank=True, help_text='{"指标代码": "raw|rank|minmax|target"}，缺省为原值'
    )
    targets = models.JSONField("目标值", default=dict, blank=True, help_text='{"指标代码": 目标值}')
    list_rule = models.CharField(
        "红黑榜规则", max_length=10, choices=ListRule.choices, default=ListRule.COUNT
    )
    red_threshold = models.DecimalField("红榜分数线", max_digits=6, decimal_places=2, null=True, blank=True)
    black_threshold = models.DecimalField(
        "黑榜分数线", max_digits=6, decimal_places=2, null=True, blank=True, help_text="低于此分上黑榜"
    )
    veto_demotes = models.BooleanField(
        "否决项降级", default=True, help_text="区域内发生否决类事件的，排名降至末位并列入黑榜"
    )
    appeal_days = models.PositiveSmallIntegerField("申诉期（天）", default=5, help_text="发布后几天内可申诉")

    objects = SchemeQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "排名方案"
        ordering = ["campaign", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("rankings:scheme_detail", args=[self.pk])


class RunQuerySet(ScopedQuerySet):
    scope = Scope(region="scheme__campaign__region", units_read_above=True)

    def readable(self, user):
        """The runs `user` may open: published ones in scope, and drafts only for the office managing them."""
        from django.db.models import Q

        from shian.core import policy

        qs = self.restrict(user)
        path = policy.change_path(user)
        published = Q(status=RunStatus.PUBLISHED)
        if path is None:
            return qs.filter(published)
        return qs.filter(published | Q(scheme__campaign__region__path__startswith=path))


class RankingRun(BusinessModel):
    """One period's ranking, frozen when computed. `inputs` holds what it was computed from
    ({"subjects": [[id, name]], "values": {key: {id: raw}}, "demotions": {id: reason}}), `rules` the
    scheme's rules at that moment, and `entries` the whole result, best first (see
    services.score_entries): unit, raw values, per-signal breakdown, adjustments, score, rank, list."""

    scheme = models.ForeignKey(
        RankingScheme, verbose_name="排名方案", on_delete=models.CASCADE, related_name="runs"
    )
    period_start = models.DateField("期间起")
    period_end = models.DateField("期间止")
    computed_at = models.DateTimeField("计算时间")
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="计算人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    weights = models.JSONField("计算时的权重", default=dict)
    labels = models.JSONField("指标名称", default=dict)
    entries = models.JSONField("排名结果", default=list)
    period_kind = models.CharField(
        "排名周期", max_length=8, choices=PeriodKind.choices, default=PeriodKind.MONTH
    )
    inputs = models.JSONField("冻结的输入", default=dict)
    rules = models.JSONField("计算时的规则", default=dict)
    status = models.CharField("状态", max_length=10, choices=RunStatus.choices, default=RunStatus.DRAFT)
    revision = models.PositiveSmallIntegerField("版次", default=1)
    supersedes = models.ForeignKey(
        "self",
        verbose_name="更正的版次",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
    )
    is_current = models.BooleanField("现行版次", default=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发布人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    appeal_until = models.DateField("申诉截止", null=True, blank=True)

    objects = RunQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "排名"
        ordering = ["scheme", "-period_start", "-revision"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "period_start", "revision"],
                name="rankingrun_scheme_period_revision",
                violation_error_message="该方案本期已有此版次的排名",
            )
        ]

    def __str__(self):
        suffix = f"（第{self.revision}版）" if self.revision > 1 else ""
        return f"{self.scheme} {self.period_label}{suffix}"

    @property
    def period_label(self):
        from shian.rankings.periods import period_label

        return period_label(self.period_kind, self.period_start)

    @property
    def is_published(self):
        return self.status == RunStatus.PUBLISHED

    def entry_for(self, unit_id):
        return next((e for e in self.entries if e["unit_id"] == unit_id), None)

    def get_absolute_url(self):
        return reverse("rankings:run_detail", args=[self.pk])

    def red_list(self):
        return [e for e in self.entries if e["list"] == "red"]

    def black_list(self):
        return [e for e in self.entries if e["list"] == "black"]


class InterviewQuerySet(ScopedQuerySet):
    # The office keeps 约谈 records; the interviewed unit reads its own and answers the follow-up.
    scope = Scope(region="campaign__region", unit="unit")


class Interview(BusinessModel):
    """约谈: who, when, why (the runs that caused it), commitments and their follow-up."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name="创建项目", on_delete=models.CASCADE, related_name="interviews"
    )
    unit = models.ForeignKey(
        "organisation.Unit", verbose_name="被约谈单位", on_delete=models.PROTECT, related_name="interviews"
    )
    runs = models.ManyToManyField(RankingRun, verbose_name="依据排名", blank=True, related_name="interviews")
    reason = models.TextField("约谈事由")
    status = models.CharField(
        "状态", max_length=10, choices=InterviewStatus.choices, default=InterviewStatus.PROPOSED
    )
    held_on = models.DateField("约谈日期", null=True, blank=True)
    attendees = models.CharField("参加人员", max_length=200, blank=True)
    minutes = models.TextField("约谈纪要", blank=True)
    commitments = models.TextField("整改承诺", blank=True)
    follow_up = models.TextField("跟踪落实", blank=True)

    objects = InterviewQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "约谈"
        ordering = ["-created_at"]

    def __str__(self):
        return f"约谈{self.unit}"

    def get_absolute_url(self):
        return reverse("rankings:interview_detail", args=[self.pk])


class AdjustmentQuerySet(ScopedQuerySet):
    # The office adds 加减分 to its drafts; the unit concerned reads its own.
    scope = Scope(region="run__scheme__campaign__region", unit="unit", unit_writes=False)


class Adjustment(BusinessModel):
    """Manual 加减分 for one subject of a run, with the reason and (optionally) an evidence file."""

    run = models.ForeignKey(
        RankingRun, verbose_name="排名", on_delete=models.CASCADE, related_name="adjustments"
    )
    unit = models.ForeignKey(
        "organisation.Unit", verbose_name="单位", on_delete=models.PROTECT, related_name="+"
    )
    points = models.DecimalField("加减分", max_digits=6, decimal_places=2, help_text="加分为正，减分为负")
    reason = models.CharField("事由", max_length=200)
    evidence = models.FileField(
        "佐证文件", upload_to="rankings/adjustments/%Y/%m/", blank=True, max_length=300
    )
    evidence_name = models.CharField("文件名", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = AdjustmentQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "加减分"
        ordering = ["run", "unit", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(points=Decimal("0")),
                name="adjustment_points_nonzero",
                violation_error_message="加减分不能为0",
            )
        ]

    def __str__(self):
        return f"{self.unit} {self.points:+g}（{self.reason}）"


class AppealQuerySet(ScopedQuerySet):
    # The office of the region decides; the appealing unit reads its own appeals.
    scope = Scope(region="run__scheme__campaign__region", unit="unit", unit_writes=False)


class Appeal(BusinessModel):
    """A ranked subject's 申诉 against a published run, filed within the scheme's window and decided by
    someone who neither computed nor published the run. Upheld with a correction, it makes a new
    revision of the run (`corrected_run`); the old one is kept."""

    run = models.ForeignKey(RankingRun, verbose_name="排名", on_delete=models.CASCADE, related_name="appeals")
    unit = models.ForeignKey(
        "organisation.Unit", verbose_name="申诉单位", on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField("申诉理由")
    evidence = models.FileField("申诉材料", upload_to="rankings/appeals/%Y/%m/", blank=True, max_length=300)
    evidence_name = models.CharField("文件名", max_length=200, blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="申诉人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        "状态", max_length=10, choices=AppealStatus.choices, default=AppealStatus.PENDING
    )
    decision = models.TextField("处理意见", blank=True)
    reply = models.TextField("公开答复", blank=True, help_text="与排名结果一并公开")
    correction_points = models.DecimalField(
        "更正加减分", max_digits=6, decimal_places=2, null=True, blank=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="处理人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)
    corrected_run = models.ForeignKey(
        RankingRun,
        verbose_name="更正后的排名",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = AppealQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "排名申诉"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.unit}对{self.run}的申诉"

    def get_absolute_url(self):
        return reverse("rankings:appeal_detail", args=[self.pk])


class SheetQuerySet(ScopedQuerySet):
    # The office fills the sheets; leaders read them; a unit reads its own.
    scope = Scope(region="campaign__region", unit="unit", unit_writes=False)


class AssessmentSheet(BusinessModel):
    """评议考核 (党政同责) annual sheet of one township or member unit: 基础工作、年度重点工作、食品安全状况
    plus 加减分, a total and a grade A/B/C/D, lowered one step by a 降级 situation. 食品安全状况 and
    the 降级 situation are proposed from the system (the year's published rankings, veto incidents)
    and may be changed by hand; the other parts are filled by hand."""

    BASIC_MAX, KEY_WORK_MAX, SAFETY_MAX = Decimal("30"), Decimal("40"), Decimal("30")

    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name="创建项目",
        on_delete=models.CASCADE,
        related_name="assessment_sheets",
    )
    year = models.PositiveSmallIntegerField("年度")
    unit = models.ForeignKey(
        "organisation.Unit", verbose_name="被考核单位", on_delete=models.PROTECT, related_name="+"
    )
    basic = models.DecimalField("基础工作", max_digits=5, decimal_places=2, null=True, blank=True)
    key_work = models.DecimalField("年度重点工作", max_digits=5, decimal_places=2, null=True, blank=True)
    safety = models.DecimalField("食品安全状况", max_digits=5, decimal_places=2, null=True, blank=True)
    bonus = models.DecimalField("加减分", max_digits=5, decimal_places=2, default=0)
    bonus_reason = models.CharField("加减分事由", max_length=300, blank=True)
    demotion = models.CharField("降级情形", max_length=500, blank=True)
    figures = models.JSONField("系统数据", default=dict, blank=True)

    objects = SheetQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "评议考核表"
        ordering = ["campaign", "-year", "unit__sort_order", "unit__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "year", "unit"],
                name="assessmentsheet_campaign_year_unit",
                violation_error_message="该单位本年度已有评议考核表",
            )
        ]

    def __str__(self):
        return f"{self.year}年度{self.unit}评议考核"

    def clean(self):
        from django.core.exceptions import ValidationError

        errors = {}
        for name, top in (
            ("basic", self.BASIC_MAX),
            ("key_work", self.KEY_WORK_MAX),
            ("safety", self.SAFETY_MAX),
        ):
            v = getattr(self, name)
            if v is not None and not (0 <= v <= top):
                errors[name] = f"{self._meta.get_field(name).verbose_name}应在0至{top:g}分之间"
        if self.bonus and not self.bonus_reason.strip():
            errors["bonus_reason"] = "有加减分时请填写事由"
        if errors:
            raise ValidationError(errors)

    @property
    def total(self):
        from shian.rankings.arithmetic import sheet_total

        return sheet_total(self.basic, self.key_work, self.safety, self.bonus)

    @property
    def grade(self):
        from shian.rankings.arithmetic import grade_for

        return grade_for(self.total, bool(self.demotion))
