"""问题整改台账: problems found (自查, 督查, 暗访, 初评 …), who fixes them by when, and the office's 销号.

Problem → ProblemNote (append-only timeline: progress, submission, verification, reopening,
escalation); Summons (约谈 record) gathers a unit's problems that escalated to an interview.
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from shian.core.history import StatusChange
from shian.core.models import BusinessModel
from shian.core.policy import Scope, ScopedQuerySet
from shian.organisation.choices import Role
from shian.rectification.choices import (
    SEVERITY_COLOURS,
    SEVERITY_CSS,
    SEVERITY_SHORT,
    STATUS_CSS,
    Escalation,
    NoteKind,
    Severity,
    Source,
    Status,
    SummonsStatus,
    VerifyMethod,
)


def _scope(user, action, prefix=""):
    """Office: its region's campaigns (read+change); leaders read them; units their own rows."""
    if user.is_admin:
        return Q()
    scope = user.region_scope
    if scope is not None and (action == "view" or user.role == Role.OFFICE):
        return Q(**{f"{prefix}campaign__region__path__startswith": scope.path})
    if user.role in (Role.UNIT_HEAD, Role.LIAISON) and user.unit_id:
        return Q(**{f"{prefix}unit_id": user.unit_id})
    return None


class ProblemQuerySet(ScopedQuerySet):
    scope = Scope(region="campaign__region", unit="unit")

    def open(self):
        return self.exclude(status=Status.VERIFIED)

    def overdue(self, today=None):
        return self.open().filter(deadline__lt=today or timezone.localdate())


class Problem(BusinessModel):
    """One problem to fix (a row of the 整改台账)."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name="创建项目", on_delete=models.CASCADE, related_name="problems"
    )
    seq = models.PositiveIntegerField("序号", default=0, help_text="台账中的序号")
    description = models.TextField("问题描述")
    source = models.CharField("问题来源", max_length=12, choices=Source.choices, default=Source.SELF_CHECK)
    source_detail = models.CharField(
        "来源说明", max_length=200, blank=True, help_text="如 第二轮督查、省级初评反馈意见"
    )
    items = models.ManyToManyField(
        "framework.ScoringItem", verbose_name="涉及评分项", related_name="problems", blank=True
    )
    deduction = models.OneToOneField(
        "scoring.Deduction",
        verbose_name="来自扣分",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="problem",
    )
    points = models.DecimalField(
        "涉及分值",
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="整改到位可挽回的分值",
    )
    unit = models.ForeignKey(
        "organisation.Unit", verbose_name="责任单位", on_delete=models.PROTECT, related_name="problems"
    )
    person = models.CharField("责任人", max_length=40, blank=True)
    severity = models.CharField("色标", max_length=8, choices=Severity.choices, default=Severity.YELLOW)
    measures = models.TextField("整改措施", blank=True)
    found_on = models.DateField("发现日期", default=timezone.localdate)
    deadline = models.DateField("整改时限", null=True, blank=True)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.OPEN)
    progress = models.TextField("整改情况", blank=True, help_text="最新整改进展")
    completion_evidence = models.FileField(
        "整改佐证", upload_to="rectification/%Y/%m/", blank=True, max_length=300
    )
    evidence_ids = models.JSONField("佐证材料编号", default=list, blank=True)
    submitted_at = models.DateTimeField("申请销号时间", null=True, blank=True)
    verified_at = models.DateTimeField("销号时间", null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="销号人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    verify_method = models.CharField("核验方式", max_length=10, choices=VerifyMethod.choices, blank=True)
    verify_note = models.TextField("核验意见", blank=True)
    reopen_count = models.PositiveSmallIntegerField("重新打开次数", default=0)
    escalation = models.PositiveSmallIntegerField(
        "逾期升级", choices=Escalation.choices, default=Escalation.NONE
    )
    escalated_on = models.DateField("升级日期", null=True, blank=True)
    summons = models.ForeignKey(
        "Summons",
        verbose_name="约谈记录",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="problems",
    )

    objects = ProblemQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "整改问题"
        ordering = ["campaign", "seq", "id"]
        indexes = [models.Index(fields=["campaign", "unit", "status"], name="problem_campaign_unit_status")]

    def __str__(self):
        text = self.description.splitlines()[0] if self.description else ""
        return f"{self.seq}. {text[:40]}" if self.seq else text[:40]

    def get_absolute_url(self):
        return reverse("rectification:problem_detail", args=[self.pk])

    @property
    def is_closed(self):
        return self.status == Status.VERIFIED

    def overdue_days(self, today=None) -> int:
        if self.is_closed or not self.deadline:
            return 0
        return max(0, ((today or timezone.localdate()) - self.deadline).days)

    @property
    def is_overdue(self):
        return self.overdue_days() > 0

    @property
    def severity_short(self):
        return SEVERITY_SHORT.get(self.severity, "")

    @property
    def severity_css(self):
        return SEVERITY_CSS.get(self.severity, "secondary")

    @property
    def severity_style(self):
        bg, fg = SEVERITY_COLOURS.get(self.severity, ("#6c757d", "#fff"))
        return f"background-color:{bg};color:{fg}"

    @property
    def status_css(self):
        return "danger" if self.is_overdue else STATUS_CSS.get(self.status, "secondary")

    @property
    def status_label(self):
        return f"逾期{self.overdue_days()}天" if self.is_overdue else self.get_status_display()

    @property
    def closed_on_time(self):
        if not self.is_closed or not self.verified_at:
            return None
        return self.deadline is None or timezone.localdate(self.verified_at) <= self.deadline


class ProblemNoteQuerySet(ScopedQuerySet):
    scope = Scope(via="problem")


class ProblemNote(models.Model):
    """One entry of a problem's timeline (append-only; reopening never erases earlier entries)."""

    audit_log = True

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="notes")
    kind = models.CharField("类型", max_length=10, choices=NoteKind.choices, default=NoteKind.PROGRESS)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="填写人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField("时间", default=timezone.now)
    text = models.TextField("内容")
    status_after = models.CharField("状态", max_length=12, choices=Status.choices, blank=True)

    objects = ProblemNoteQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "整改记录"
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.text[:30]}"


class SummonsQuerySet(ScopedQuerySet):
    # A summoned unit reads its 约谈 record; only the office writes it.
    scope = Scope(region="campaign__region", unit="unit", unit_writes=False)


class Summons(BusinessModel):
    """约谈 record: a unit called in over overdue problems — who attended, when, what was agreed."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name="创建项目", on_delete=models.CASCADE, related_name="summonses"
    )
    unit = models.ForeignKey(
        "organisation.Unit", verbose_name="被约谈单位", on_delete=models.PROTECT, related_name="summonses"
    )
    status = models.CharField(
        "状态", max_length=8, choices=SummonsStatus.choices, default=SummonsStatus.PLANNED
    )
    reason = models.TextField("约谈事由", blank=True)
    held_on = models.DateField("约谈日期", null=True, blank=True)
    convener = models.CharField("约谈人", max_length=100, blank=True)
    attendees = models.TextField("参加人员", blank=True)
    outcome = models.TextField("约谈结果", blank=True, help_text="整改承诺、时限、后续措施")

    objects = SummonsQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "约谈记录"
        ordering = ["-created_at"]

    def __str__(self):
        return f"约谈{self.unit}（{self.held_on:%Y-%m-%d}）" if self.held_on else f"约谈{self.unit}（待约谈）"

    def get_absolute_url(self):
        return reverse("rectification:summons_edit", args=[self.pk])


class ProblemStatusChangeQuerySet(ScopedQuerySet):
    scope = Scope(via="subject")


class ProblemStatusChange(StatusChange):
    """A status the problem entered and when (销号 as of a date)."""

    subject = models.ForeignKey(
        Problem, verbose_name="问题", on_delete=models.CASCADE, related_name="status_changes"
    )

    objects = ProblemStatusChangeQuerySet.as_manager()

    class Meta(StatusChange.Meta):
        verbose_name = verbose_name_plural = "问题状态记录"
        indexes = [models.Index(fields=["subject", "at"], name="problemstatus_subject_at")]
