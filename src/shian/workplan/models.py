"""Tasks (任务分解): the framework broken into work for responsible units, and their progress log."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from shian.core.history import StatusChange
from shian.core.models import BusinessModel
from shian.core.policy import Scope, ScopedQuerySet
from shian.framework.choices import UnitRole
from shian.workplan.choices import OVERDUE_LABEL, TaskStatus

_STATUS_LABELS = dict(TaskStatus.choices)

# A task the unit has submitted waits on the office, not on the unit: it is never 逾期.
NOT_OVERDUE = (TaskStatus.DONE, TaskStatus.SUBMITTED)


class TaskQuerySet(ScopedQuerySet):
    # Office: its region's campaigns; leaders read the same; units: their own tasks.
    scope = Scope(region="campaign__region", unit="unit")

    def overdue(self, today=None):
        """Past the deadline and neither done nor awaiting the office's check (已提交待验收 is never 逾期)."""
        today = today or timezone.localdate()
        return self.filter(deadline__lt=today).exclude(status__in=NOT_OVERDUE)

    def as_of(self, day):
        """Tasks that existed at the end of `day`, annotated `status_then` (their status that day)."""
        from shian.core.history import with_status_as_of

        return with_status_as_of(self, TaskStatusChange, day, TaskStatus.PENDING_CLAIM)

    def open(self):
        return self.exclude(status=TaskStatus.DONE)

    def with_status_filter(self, value, today=None):
        if value == "overdue":
            return self.overdue(today)
        return self.filter(status=value)


class Task(BusinessModel):
    """A piece of work for one unit, usually derived from a scoring item."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name="创建项目", on_delete=models.CASCADE, related_name="tasks"
    )
    item = models.ForeignKey(
        "framework.ScoringItem",
        verbose_name="评分项",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tasks",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="上级任务",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="subtasks",
        help_text="拆分而来的子任务",
    )
    title = models.CharField("任务名称", max_length=300)
    description = models.TextField("任务要求", blank=True)
    unit = models.ForeignKey(
        "organisation.Unit", verbose_name="责任单位", on_delete=models.PROTECT, related_name="tasks"
    )
    role = models.CharField("职责", max_length=4, choices=UnitRole.choices, default=UnitRole.LEAD)
    deadline = models.DateField("完成时限", null=True, blank=True)
    status = models.CharField(
        "状态", max_length=12, choices=TaskStatus.choices, default=TaskStatus.PENDING_CLAIM
    )
    progress = models.PositiveSmallIntegerField("进度(%)", default=0)
    latest_note = models.CharField("最新进展", max_length=500, blank=True)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="认领人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    claimed_at = models.DateTimeField("认领时间", null=True, blank=True)
    completed_at = models.DateTimeField("完成时间", null=True, blank=True)

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "任务"
        ordering = ["campaign", "deadline", "id"]
        indexes = [
            models.Index(fields=["campaign", "unit", "status"], name="task_campaign_unit_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100),
                name="task_progress_max_100",
                violation_error_message="进度不能超过100%",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("workplan:task_detail", args=[self.pk])

    @property
    def is_overdue(self):
        return bool(self.deadline and self.deadline < timezone.localdate() and self.status not in NOT_OVERDUE)

    @property
    def status_label(self):
        if self.is_overdue:
            return OVERDUE_LABEL
        # get_status_display() rebuilds the choices dict on every call: lists and exports ask per row
        return _STATUS_LABELS.get(self.status, self.status)

    @property
    def status_css(self):
        if self.is_overdue:
            return "danger"
        return {"pending": "secondary", "in_progress": "primary", "submitted": "info", "done": "success"}[
            self.status
        ]


class TaskUpdateQuerySet(ScopedQuerySet):
    scope = Scope(via="task")


class TaskUpdate(models.Model):
    """One entry of a task's progress log (append-only)."""

    audit_log = True

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="填报人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField("时间", auto_now_add=True)
    status_before = models.CharField("原状态", max_length=12, choices=TaskStatus.choices, blank=True)
    status_after = models.CharField("新状态", max_length=12, choices=TaskStatus.choices)
    progress = models.PositiveSmallIntegerField("进度(%)")
    note = models.TextField("进展说明", blank=True)

    objects = TaskUpdateQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "任务进展"
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.task} {self.at:%Y-%m-%d}"


class TaskStatusChangeQuerySet(ScopedQuerySet):
    scope = Scope(via="subject")


class TaskStatusChange(StatusChange):
    """A status the task entered and when: what documents read to count tasks as of a date."""

    subject = models.ForeignKey(
        Task, verbose_name="任务", on_delete=models.CASCADE, related_name="status_changes"
    )

    objects = TaskStatusChangeQuerySet.as_manager()

    class Meta(StatusChange.Meta):
        verbose_name = verbose_name_plural = "任务状态记录"
        indexes = [models.Index(fields=["subject", "at"], name="taskstatus_subject_at")]
