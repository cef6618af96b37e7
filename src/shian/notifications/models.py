"""Messages to people (消息中心), their deliveries over e-mail / robots / SMS, each person's channel
choices, the group robots of units and campaigns, and the log of 催报 / 催办."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse

from shian.core.models import BusinessModel
from shian.core.policy import Scope, ScopedQuerySet
from shian.notifications.choices import (
    DEFAULT_IMMEDIATE,
    Channel,
    DeliveryStatus,
    RobotKind,
    UrgeKind,
    event_label,
)


def _default_immediate():
    return list(DEFAULT_IMMEDIATE)


class NotificationQuerySet(ScopedQuerySet):
    # A message belongs to its recipient. The inbox shows `mine(user)` — administrators too: their
    # scope reaches every message, but their 消息中心 is their own.
    scope = Scope(owner="recipient")

    def mine(self, user):
        return self.filter(recipient=user).restrict(user)

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One in-app message (消息中心) to one person about one event on one object.

    `key` (event + object + occasion + recipient) is unique, so the same event never reaches the same
    person twice however often the code that raises it runs.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="接收人",
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    event = models.CharField("类型", max_length=40, db_index=True)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    url = models.CharField("链接", max_length=300, blank=True)
    content_type = models.ForeignKey(
        "contenttypes.ContentType", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    object_id = models.CharField("对象ID", max_length=64, blank=True)
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name="创建项目",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    key = models.CharField("去重键", max_length=255, unique=True)
    created_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "站内消息"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread_idx")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("notifications:open", args=[self.pk])

    @property
    def event_label(self):
        return event_label(self.event)

    @property
    def is_read(self):
        return self.read_at is not None


class DeliveryQuerySet(ScopedQuerySet):
    # No scope declared: the delivery log (addresses, phone numbers) is the administrator's alone.
    scope = None


class Delivery(models.Model):
    """One message over one outside channel (an e-mail, an SMS, a robot post), sent by a background
    job with retries; failures stay visible in the log."""

    channel = models.CharField("渠道", max_length=10, choices=Channel.choices)
    status = models.CharField(
        "状态", max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING, db_index=True
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="接收人",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    hook = models.ForeignKey(
        "RobotHook",
        verbose_name="群机器人",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    target = models.CharField("发送地址", max_length=300, help_text="邮箱、手机号或机器人名称")
    event = models.CharField("类型", max_length=40, help_text="事件名；每日汇总为 digest")
    subject = models.CharField("标题", max_length=200)
    body = models.TextField("内容")
    url = models.CharField("链接", max_length=300, blank=True)
    key = models.CharField("去重键", max_length=255, unique=True)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    next_attempt_at = models.DateTimeField("计划发送时间", db_index=True)
    last_error = models.TextField("最后错误", blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "消息投递记录"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.get_channel_display()} → {self.target}：{self.subject}"

    @property
    def event_label(self):
        return "每日待办汇总" if self.event == "digest" else event_label(self.event)


class PreferenceQuerySet(ScopedQuerySet):
    scope = Scope(owner="user")


class Preference(BusinessModel):
    """A person's channel choices. Without a row: e-mail and SMS on (where configured and the person
    has an address), immediate only for returned materials and 约谈."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        on_delete=models.CASCADE,
        related_name="notification_preference",
    )
    email_enabled = models.BooleanField("接收电子邮件", default=True)
    sms_enabled = models.BooleanField("接收短信", default=True)
    immediate_events = models.JSONField(
        "立即通知的事项", default=_default_immediate, blank=True, help_text="其余事项只进入每日待办汇总"
    )

    objects = PreferenceQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "通知设置"

    def __str__(self):
        return f"{self.user}的通知设置"


class RobotHookQuerySet(ScopedQuerySet):
    # Webhook URLs are credentials: the region's office manages them (leaders read), never the units.
    scope = Scope(region="region")


class RobotHook(BusinessModel):
    """A 企业微信 or 钉钉 group robot of one unit (its reminders) or one campaign (the work group)."""

    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类型", max_length=10, choices=RobotKind.choices)
    url = models.URLField("Webhook 地址", max_length=500)
    secret = models.CharField(
        "加签密钥", max_length=200, blank=True, help_text="钉钉机器人“加签”安全设置的 SEC… 密钥"
    )
    unit = models.ForeignKey(
        "organisation.Unit",
        verbose_name="单位",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="robot_hooks",
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name="创建项目",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="robot_hooks",
    )
    region = models.ForeignKey(
        "organisation.Region",
        verbose_name="区划",
        null=True,
        editable=False,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="所属单位或项目的区划，决定谁能管理",
    )
    events = models.JSONField(
        "推送事项", default=list, blank=True, help_text="留空则推送催报、催办、调度截止、退回和约谈"
    )
    is_active = models.BooleanField("启用", default=True)

    objects = RobotHookQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "群机器人"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(unit__isnull=False, campaign__isnull=True)
                | Q(unit__isnull=True, campaign__isnull=False),
                name="robothook_unit_or_campaign",
                violation_error_message="群机器人须属于一个单位或一个创建项目（二选一）",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if bool(self.unit_id) == bool(self.campaign_id):
            raise ValidationError({"unit": "群机器人须属于一个单位或一个创建项目（二选一）"})

    def save(self, *args, **kwargs):
        owner = self.unit if self.unit_id else self.campaign
        self.region_id = owner.region_id if owner is not None else None
        super().save(*args, **kwargs)


class ReminderQuerySet(ScopedQuerySet):
    # The office's log of its 催报 / 催办; a unit reads those sent to it.
    scope = Scope(region="campaign__region", unit="unit", unit_writes=False)


class Reminder(models.Model):
    """One 催报 / 催办 the office sent to one unit about one round, task or problem."""

    audit_log = True

    kind = models.CharField("类型", max_length=10, choices=UrgeKind.choices)
    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name="创建项目", on_delete=models.CASCADE, related_name="+"
    )
    unit = models.ForeignKey(
        "organisation.Unit", verbose_name="单位", on_delete=models.CASCADE, related_name="+"
    )
    round = models.ForeignKey(
        "dispatch.DispatchRound",
        verbose_name="调度轮次",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE, related_name="+")
    object_id = models.CharField("对象ID", max_length=64)
    text = models.TextField("催办内容")
    recipients = models.PositiveSmallIntegerField("接收人数", default=0)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="催办人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sent_at = models.DateTimeField("时间", auto_now_add=True)

    objects = ReminderQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "催报催办记录"
        ordering = ["-sent_at", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.unit}"
