"""Rankings: schemes (which signals, weights, subjects), frozen monthly runs, and 约谈.

RankingScheme → RankingRun (one period, computed once: its entries, with every signal's raw value,
are stored on the row and never recomputed, so the run reads the same whatever changes later) →
Interview (约谈 of a unit, proposed from runs by the scheme's rule or created by hand).
"""

from django.conf import settings
from django.db import models
from django.urls import reverse

from shian.core.models import BusinessModel
from shian.core.policy import Scope, ScopedQuerySet
from shian.organisation.choices import UnitKind
from shian.rankings.choices import InterviewStatus


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


class RankingRun(BusinessModel):
    """One period's ranking, frozen when computed. `entries` is the whole result:
    [{"unit_id", "unit", "values": {key: value|None}, "score", "rank", "list": "red"|"black"|""}]."""

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

    objects = RunQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "月度排名"
        ordering = ["scheme", "-period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "period_start"],
                name="rankingrun_scheme_period",
                violation_error_message="该方案本期已有排名",
            )
        ]

    def __str__(self):
        return f"{self.scheme} {self.period_label}"

    @property
    def period_label(self):
        return f"{self.period_start:%Y年%-m月}"

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
