"""Dispatch rounds (调度): the office asks, every involved unit reports on its tasks by a deadline."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from shian.core.models import BusinessModel
from shian.core.policy import Scope, ScopedQuerySet
from shian.dispatch.choices import ReportStatus, RoundKind, RoundStatus, Timeliness
from shian.workplan.choices import TaskStatus


class RoundQuerySet(ScopedQuerySet):
    # Units read the rounds they have to report in; only the office changes a round.
    scope = Scope(region="campaign__region", unit="reports__unit", unit_writes=False)


class DispatchRound(BusinessModel):
    """One round of dispatch (月调度 / 季调度 / 专题调度) with a reporting deadline."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name="创建项目", on_delete=models.CASCADE, related_name="rounds"
    )
    kind = models.CharField("调度类型", max_length=10, choices=RoundKind.choices, default=RoundKind.MONTHLY)
    title = models.CharField("名称", max_length=200)
    period_label = models.CharField(
        "调度期间", max_length=40, blank=True, help_text="如 2024年5月、2024年第二季度"
    )
    instructions = models.TextField("调度要求", blank=True)
    deadline = models.DateTimeField("报送截止时间")
    status = models.CharField("状态", max_length=8, choices=RoundStatus.choices, default=RoundStatus.OPEN)
    opened_at = models.DateTimeField("发起时间", default=timezone.now)
    closed_at = models.DateTimeField("结束时间", null=True, blank=True)

    objects = RoundQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "调度轮次"
        ordering = ["-opened_at", "-id"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("dispatch:round_detail", args=[self.pk])

    @property
    def is_open(self):
        return self.status == RoundStatus.OPEN


class ReportQuerySet(ScopedQuerySet):
    scope = Scope(region="round__campaign__region", unit="unit")


class DispatchReport(BusinessModel):
    """A unit's report in a round: status of each of its tasks, narrative, problems, help needed."""

    round = models.ForeignKey(
        DispatchRound, verbose_name="调度轮次", on_delete=models.CASCADE, related_name="reports"
    )
    unit = models.ForeignKey(
        "organisation.Unit", verbose_name="单位", on_delete=models.PROTECT, related_name="dispatch_reports"
    )
    status = models.CharField(
        "报送状态", max_length=10, choices=ReportStatus.choices, default=ReportStatus.MISSING
    )
    narrative = models.TextField("工作进展", blank=True)
    problems = models.TextField("存在问题", blank=True)
    help_needed = models.TextField("需协调事项", blank=True)
    submitted_at = models.DateTimeField("报送时间", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="报送人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "调度报告"
        ordering = ["round", "unit__kind", "unit__sort_order", "unit__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "unit"],
                name="report_one_per_unit_per_round",
                violation_error_message="该单位在本轮调度中已有报告",
            ),
        ]

    def __str__(self):
        return f"{self.round} · {self.unit}"

    def get_absolute_url(self):
        return reverse("dispatch:report_detail", args=[self.pk])

    @property
    def timeliness(self) -> str:
        if self.status == ReportStatus.SUBMITTED and self.submitted_at:
            return Timeliness.ON_TIME if self.submitted_at <= self.round.deadline else Timeliness.LATE
        return Timeliness.MISSING

    @property
    def timeliness_label(self):
        return Timeliness(self.timeliness).label


class ReportLineQuerySet(ScopedQuerySet):
    scope = Scope(via="report")


class ReportLine(models.Model):
    """The status of one task as the unit reported it in this round (a snapshot, kept as filed)."""

    audit_log = True

    report = models.ForeignKey(DispatchReport, on_delete=models.CASCADE, related_name="lines")
    task = models.ForeignKey(
        "workplan.Task", verbose_name="任务", on_delete=models.CASCADE, related_name="report_lines"
    )
    status = models.CharField("状态", max_length=12, choices=TaskStatus.choices)
    progress = models.PositiveSmallIntegerField("进度(%)", default=0)
    note = models.TextField("进展说明", blank=True)

    objects = ReportLineQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "报告任务明细"
        ordering = ["report", "task__deadline", "task_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "task"],
                name="reportline_unique_task",
                violation_error_message="同一任务在报告中只能出现一次",
            ),
        ]

    def __str__(self):
        return f"{self.task}: {self.get_status_display()}"
