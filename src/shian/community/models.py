"""社会共治: 你点我检 polls, 有奖举报 records and the activities ledger.

Scope as the supervision ledgers: the office reads and changes rows in its region subtree, leaders read
them, a unit's users read the rows under their unit's region. Votes are reached only through their poll
and carry no link to a device beyond a keyed hash per poll.
"""

from django.db import models
from django.urls import reverse

from shian.community.choices import ActivityKind, OptionKind, PollStatus, ReportStatus, TaskStatus
from shian.core.models import BusinessModel
from shian.core.policy import Scope, ScopedQuerySet
from shian.core.public import new_public_token
from shian.supervision.choices import TaskType


class RegionQuerySet(ScopedQuerySet):
    scope = Scope(region="region", units_read_below=True)


class ViaPollQuerySet(ScopedQuerySet):
    scope = Scope(via="poll")


class ViaOptionQuerySet(ScopedQuerySet):
    scope = Scope(via="option")


class Poll(BusinessModel):
    """一轮你点我检: the public nominates and votes for what is sampled."""

    region = models.ForeignKey("organisation.Region", verbose_name="区划", on_delete=models.PROTECT)
    title = models.CharField("标题", max_length=200)
    intro = models.TextField("说明", blank=True)
    token = models.CharField("公开链接令牌", max_length=32, unique=True, editable=False)
    status = models.CharField("状态", max_length=12, choices=PollStatus.choices, default=PollStatus.DRAFT)
    opens_on = models.DateField("开始日期", null=True, blank=True)
    closes_on = models.DateField("截止日期", null=True, blank=True)
    results_note = models.TextField("结果说明", blank=True)

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "你点我检"
        ordering = ["-created_at"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.token:
            self.token = new_public_token()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("community:poll_detail", args=[self.pk])

    def public_url(self):
        return reverse("community_public:pick", args=[self.token])


class PollOption(BusinessModel):
    """A food or place the public may vote for; once chosen, the sampling task and its result."""

    poll = models.ForeignKey(Poll, verbose_name="你点我检", on_delete=models.CASCADE, related_name="options")
    kind = models.CharField("类别", max_length=8, choices=OptionKind.choices, default=OptionKind.FOOD)
    name = models.CharField("名称", max_length=200)
    votes = models.PositiveIntegerField("票数", default=0, editable=False)
    chosen = models.BooleanField("列入抽检", default=False)
    task_note = models.CharField("抽检任务", max_length=300, blank=True)
    sampling = models.ForeignKey(
        "supervision.SamplingRecord",
        verbose_name="抽检记录",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    result = models.CharField("抽检结果", max_length=300, blank=True)

    objects = ViaPollQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "你点我检选项"
        ordering = ["poll", "-votes", "name"]
        constraints = [models.UniqueConstraint(fields=["poll", "name"], name="community_option_unique")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return self.poll.get_absolute_url()


class PollVote(models.Model):
    """One device's vote in one poll (the device kept only as a keyed hash per poll).

    Not business data: written by anonymous visitors, never edited, counted on the option; reached only
    through the poll (a scoped queryset all the same)."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="+")
    option = models.ForeignKey(PollOption, verbose_name="选项", on_delete=models.CASCADE, related_name="+")
    device = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ViaPollQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "你点我检投票"
        constraints = [models.UniqueConstraint(fields=["poll", "device"], name="community_one_vote")]

    def __str__(self):
        return f"{self.option_id}"


class SamplingTask(BusinessModel):
    """你点我检 → 抽检任务: the sampling the office planned for a chosen option.

    The supervision app keeps only sampling *results* (SamplingRecord, from the ledgers) and has no
    plan of its own, so the plan lives here and is linked to the ledger's record once the result is in;
    the option's public result is taken from that record."""

    option = models.OneToOneField(
        PollOption, verbose_name="你点我检选项", on_delete=models.CASCADE, related_name="task"
    )
    region = models.ForeignKey("organisation.Region", verbose_name="区划", on_delete=models.PROTECT)
    product = models.CharField("样品名称", max_length=200)
    place = models.CharField("抽样场所", max_length=200, blank=True)
    task_type = models.CharField(
        "任务类别", max_length=12, choices=TaskType.choices, default=TaskType.SUPERVISION
    )
    planned_on = models.DateField("计划抽样日期", null=True, blank=True)
    unit = models.ForeignKey(
        "organisation.Unit",
        verbose_name="承担单位",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField("状态", max_length=8, choices=TaskStatus.choices, default=TaskStatus.PLANNED)
    sampling = models.ForeignKey(
        "supervision.SamplingRecord",
        verbose_name="抽检记录",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "你点我检抽检任务"
        ordering = ["status", "planned_on", "id"]

    def __str__(self):
        return f"抽检任务：{self.product}"

    def get_absolute_url(self):
        return self.option.poll.get_absolute_url() + f"#task-{self.pk}"


class RewardReport(BusinessModel):
    """有奖举报: a report received, verified, and the reward decided and paid."""

    region = models.ForeignKey("organisation.Region", verbose_name="区划", on_delete=models.PROTECT)
    number = models.CharField("编号", max_length=64, unique=True)
    received_on = models.DateField("受理日期")
    channel = models.CharField("举报渠道", max_length=40, blank=True)
    subject = models.CharField("被举报对象", max_length=200)
    summary = models.TextField("举报内容", blank=True)
    complaint = models.ForeignKey(
        "supervision.ComplaintRecord",
        verbose_name="投诉举报工单",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        "状态", max_length=10, choices=ReportStatus.choices, default=ReportStatus.RECEIVED
    )
    verified_on = models.DateField("查证日期", null=True, blank=True)
    reward_amount = models.DecimalField("奖励金额（元）", max_digits=10, decimal_places=2, default=0)
    paid_on = models.DateField("发放日期", null=True, blank=True)

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "有奖举报"
        ordering = ["-received_on", "number"]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("community:report_edit", args=[self.pk])


class Activity(BusinessModel):
    """社会共治 activity: 科普宣传, 开放日, 志愿者 …"""

    region = models.ForeignKey("organisation.Region", verbose_name="区划（乡镇）", on_delete=models.PROTECT)
    kind = models.CharField("类型", max_length=12, choices=ActivityKind.choices)
    title = models.CharField("活动名称", max_length=200)
    held_on = models.DateField("日期")
    place = models.CharField("地点", max_length=200, blank=True)
    organiser = models.CharField("组织单位", max_length=200, blank=True)
    participants = models.PositiveIntegerField("参与人数", default=0)
    volunteers = models.PositiveIntegerField("志愿者人数", default=0)
    materials = models.PositiveIntegerField("发放资料（份）", default=0)
    media_reports = models.PositiveIntegerField("媒体报道（篇）", default=0)
    note = models.TextField("备注", blank=True)

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "社会共治活动"
        ordering = ["-held_on", "title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("community:activity_edit", args=[self.pk])
