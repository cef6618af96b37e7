"""Surveys: 群众满意度 / 知晓率 / 支持率 questionnaires for a campaign, and 能问能答 quizzes for insiders.

Survey → Question (single choice; each option has a score, quiz options mark the right answer),
Quota (target responses per township), Link (a public token, optionally for one township or one unit).
Response is one submitted questionnaire: its township, score and whether it counts as favourable. The
device defence lives in DeviceMark: a keyed hash per survey with no link to any response.
"""

from django.db import models
from django.urls import reverse

from shian.core.models import BusinessModel
from shian.core.policy import Scope, ScopedQuerySet
from shian.core.public import new_public_token
from shian.surveys.choices import Channel, SurveyKind


class SurveyQuerySet(ScopedQuerySet):
    # The office of the campaign's region runs its surveys; leaders read; a unit runs its own quizzes.
    scope = Scope(region="campaign__region", unit="unit")


class Survey(BusinessModel):
    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name="创建项目", on_delete=models.CASCADE, related_name="surveys"
    )
    kind = models.CharField("类型", max_length=16, choices=SurveyKind.choices)
    title = models.CharField("名称", max_length=120)
    intro = models.TextField("说明", blank=True)
    unit = models.ForeignKey(
        "organisation.Unit",
        verbose_name="组织单位",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="能问能答由单位组织时填写",
    )
    is_open = models.BooleanField("接受答卷", default=True)
    threshold = models.DecimalField(
        "合格线",
        max_digits=5,
        decimal_places=2,
        default=60,
        help_text="答卷得分（百分制）达到此值计为满意/知晓/支持/合格",
    )

    objects = SurveyQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "问卷调查"
        ordering = ["-id"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("surveys:survey_detail", args=[self.pk])

    @property
    def is_quiz(self):
        return self.kind == SurveyKind.QUIZ


class ViaSurvey(ScopedQuerySet):
    scope = Scope(via="survey")


class Question(models.Model):
    """One single-choice question. `options` = [{"label": "满意", "score": 100, "correct": false}, …]."""

    audit_log = True
    objects = ViaSurvey.as_manager()

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    seq = models.PositiveSmallIntegerField("序号")
    text = models.CharField("题目", max_length=300)
    options = models.JSONField("选项", default=list)
    explanation = models.CharField("解析", max_length=300, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "题目"
        ordering = ["survey", "seq"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "seq"], name="survey_question_seq", violation_error_message="题目序号重复"
            )
        ]

    def __str__(self):
        return f"{self.seq}. {self.text}"


class Quota(BusinessModel):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="quotas")
    township = models.ForeignKey(
        "organisation.Region", verbose_name="乡镇（街道）", on_delete=models.PROTECT, related_name="+"
    )
    target = models.PositiveIntegerField("目标样本量")
    close_when_full = models.BooleanField("满额后停止接收", default=True)

    objects = ViaSurvey.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "样本配额"
        ordering = ["survey", "township__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "township"],
                name="survey_quota_township",
                violation_error_message="该乡镇已有配额",
            )
        ]

    def __str__(self):
        return f"{self.township}：{self.target}"


class Link(BusinessModel):
    """A distribution link `/s/<token>/`, for the whole survey, one township, or (quizzes) one unit."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="links")
    name = models.CharField("名称", max_length=100)
    token = models.CharField("令牌", max_length=32, unique=True, default=new_public_token, editable=False)
    township = models.ForeignKey(
        "organisation.Region",
        verbose_name="乡镇（街道）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    unit = models.ForeignKey(
        "organisation.Unit",
        verbose_name="答题单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    channel = models.CharField("渠道", max_length=8, choices=Channel.choices, default=Channel.LINK)
    is_active = models.BooleanField("启用", default=True)

    objects = ViaSurvey.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "发放链接"
        ordering = ["survey", "id"]

    def __str__(self):
        return self.name

    def get_public_url(self):
        return reverse("surveys_public:answer", args=[self.token])


class Response(models.Model):
    """One submitted questionnaire. No device, address or code is stored with it."""

    objects = ViaSurvey.as_manager()

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    township = models.ForeignKey(
        "organisation.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "organisation.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField("渠道", max_length=8, choices=Channel.choices, default=Channel.LINK)
    submitted_on = models.DateField("提交日期", db_index=True)
    answers = models.JSONField("答案", default=dict)  # {"<seq>": option index}
    score = models.DecimalField("得分", max_digits=5, decimal_places=2)
    positive = models.BooleanField("满意/知晓/支持/合格")
    respondent = models.CharField("答题人", max_length=40, blank=True, help_text="仅能问能答填写")

    class Meta:
        verbose_name = verbose_name_plural = "答卷"
        ordering = ["-id"]

    def __str__(self):
        return f"答卷 {self.pk}"


class DeviceMark(models.Model):
    """A keyed hash of a device token per survey: refuses a second answer, joins to nothing."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+")
    fingerprint = models.CharField(max_length=64)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["survey", "fingerprint"], name="survey_device_once")]

    def __str__(self):
        return "设备标记"
