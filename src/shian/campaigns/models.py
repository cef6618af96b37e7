"""A creation campaign (创建项目) for one region, judged by one framework version, with milestones."""

import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from shian.campaigns.choices import CampaignLevel, CampaignStatus, MilestoneKind
from shian.core.models import BusinessModel
from shian.core.policy import Scope, ScopedQuerySet


class CampaignQuerySet(ScopedQuerySet):
    # Offices run the campaigns of their subtree, leaders read them; a unit works on every campaign
    # whose region contains the unit's; experts reach campaigns through their review groups.
    scope = Scope(region="region", units_read_above=True, expert="assessments__review_groups__members")

    def unarchived(self):
        """Campaigns in every default and choice list (archived ones are read-only history)."""
        return self.filter(archived_at__isnull=True)


class Campaign(BusinessModel):
    """创建项目: a region's campaign for a title, from mobilisation to naming (or a re-review)."""

    name = models.CharField("项目名称", max_length=200)
    region = models.ForeignKey(
        "organisation.Region", verbose_name="创建区划", on_delete=models.PROTECT, related_name="campaigns"
    )
    level = models.CharField("创建类别", max_length=20, choices=CampaignLevel.choices)
    framework = models.ForeignKey(
        "framework.Framework", verbose_name="评价细则", on_delete=models.PROTECT, related_name="campaigns"
    )
    office = models.ForeignKey(
        "organisation.Unit",
        verbose_name="创建办",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        "状态", max_length=16, choices=CampaignStatus.choices, default=CampaignStatus.ACTIVE
    )
    started_on = models.DateField("启动日期", null=True, blank=True)
    default_task_deadline = models.DateField(
        "任务默认完成时限",
        null=True,
        blank=True,
        help_text="由评价细则生成任务时，细则未写完成时限的任务取此日期",
    )
    description = models.TextField("说明", blank=True)
    archived_at = models.DateTimeField(
        "归档时间", null=True, blank=True, editable=False, help_text="归档后只读，不再出现在任何默认选择中"
    )
    # Notification settings (issue 11): how early "due soon" reminders go out, and the hours in which
    # nothing is pushed to e-mail, robots or SMS (in-app messages still appear).
    remind_days_before = models.PositiveSmallIntegerField(
        "提前提醒天数", default=3, help_text="任务、问题到期前几天提醒责任单位"
    )
    quiet_start = models.TimeField("免打扰开始", default=datetime.time(22, 0))
    quiet_end = models.TimeField(
        "免打扰结束", default=datetime.time(8, 0), help_text="每日汇总在此时刻之后发送"
    )

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "创建项目"
        ordering = ["-created_at"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("campaigns:campaign_detail", args=[self.pk])

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    def next_milestone(self, today=None):
        today = today or timezone.localdate()
        return self.milestones.filter(date__gte=today, done=False).order_by("date").first()


class MilestoneQuerySet(ScopedQuerySet):
    scope = Scope(via="campaign")


class Milestone(BusinessModel):
    """A dated step of the campaign (动员, 自评, 省级初评, 国家验收 …)."""

    campaign = models.ForeignKey(
        Campaign, verbose_name="创建项目", on_delete=models.CASCADE, related_name="milestones"
    )
    kind = models.CharField("节点", max_length=24, choices=MilestoneKind.choices)
    title = models.CharField("名称", max_length=100, blank=True)
    date = models.DateField("日期")
    done = models.BooleanField("已完成", default=False)
    note = models.CharField("备注", max_length=300, blank=True)

    objects = MilestoneQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "时间节点"
        ordering = ["campaign", "date"]

    def __str__(self):
        return self.title or self.get_kind_display()

    @property
    def label(self):
        return self.title or self.get_kind_display()

    def days_left(self, today: datetime.date | None = None) -> int:
        return (self.date - (today or timezone.localdate())).days


class CampaignChoiceQuerySet(ScopedQuerySet):
    # Each user reads and changes their own choice only.
    scope = Scope(owner="user")


class CampaignChoice(models.Model):
    """The campaign a user works in (导航栏“当前项目”); a preference, not business data, so not audited."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="campaign_choice",
    )
    campaign = models.ForeignKey(
        Campaign, verbose_name="当前项目", on_delete=models.CASCADE, related_name="+"
    )
    chosen_at = models.DateTimeField("选择时间", auto_now=True)

    objects = CampaignChoiceQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "用户当前项目"

    def __str__(self):
        return f"{self.user}：{self.campaign}"
