"""Surveys: 群众满意度 / 知晓率 / 支持率 questionnaires for a campaign, and 能问能答 quizzes for insiders.

Survey → Question (single/multiple choice with scores or an answer key, rating scales, text; a condition
on an earlier answer; versioned: a question answered in the current form version is retired, not edited),
Quota (target responses per township), Link (a public token, optionally for one township or one unit).
Response is one submitted questionnaire: its township, form version, score and whether it counts as
favourable. Duplicate defences are kept apart from the answers and joined to nothing: DeviceMark (a keyed
hash per survey, random primary key) and AccessCode (one-time codes of a CodeBatch, only a `used` flag —
no time, no link to the response). Interviewer assigns a user to enter answers by telephone or door to
door; CallRecord counts the call outcomes (接通/拒访/空号/无人接听) so response rates are known.
"""

import uuid

from django.db import models
from django.urls import reverse

from shian.core.models import BusinessModel
from shian.core.policy import Scope, ScopedQuerySet
from shian.core.public import new_public_token
from shian.surveys.choices import Access, AgeGroup, CallOutcome, Channel, QuestionKind, SurveyKind


class SurveyQuerySet(ScopedQuerySet):
    # The office of the campaign's region runs its surveys; leaders read; a unit runs its own quizzes;
    # an assigned interviewer reads the survey (and enters answers through the interview service).
    scope = Scope(region="campaign__region", unit="unit", owner="interviewers__user", owner_writes=False)


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
    access = models.CharField(
        "答题方式",
        max_length=8,
        choices=Access.choices,
        default=Access.OPEN,
        help_text="凭一次性答题码时，每个码只能提交一次，答卷与答题码互不关联",
    )
    form_version = models.PositiveIntegerField(
        "问卷版本", default=1, editable=False, help_text="已有答卷的题目被修改时升版，旧答卷保留原版本"
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


class QuestionQuerySet(ViaSurvey):
    def current(self):
        return self.filter(until_version__isnull=True)

    def of_version(self, version: int):
        return self.filter(since_version__lte=version).filter(
            models.Q(until_version__isnull=True) | models.Q(until_version__gte=version)
        )


class Question(models.Model):
    """One question. Choice questions: `options` = [{"label": "满意", "score": 100, "correct": false}, …];
    rating: an integer from `scale_min` to `scale_max`; text: free text, not scored. `condition`
    {"seq": 2, "in": [0, 1]} shows the question only when the answer to earlier question 2 is one of those.
    A question belongs to form versions `since_version` … `until_version` (open = current)."""

    audit_log = True
    objects = QuestionQuerySet.as_manager()

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    seq = models.PositiveSmallIntegerField("序号")
    kind = models.CharField("题型", max_length=8, choices=QuestionKind.choices, default=QuestionKind.SINGLE)
    block = models.CharField("分组", max_length=60, blank=True, help_text="题组标题，如“政府工作评价”")
    text = models.CharField("题目", max_length=300)
    options = models.JSONField("选项", default=list, blank=True)
    scale_min = models.SmallIntegerField("评分下限", default=1)
    scale_max = models.SmallIntegerField("评分上限", default=5)
    required = models.BooleanField("必答", default=True)
    condition = models.JSONField("显示条件", default=dict, blank=True)
    explanation = models.CharField("解析", max_length=300, blank=True)
    since_version = models.PositiveIntegerField("起始版本", default=1)
    until_version = models.PositiveIntegerField("停用于版本", null=True, blank=True)
    # Optimistic concurrency for the editor: bumped by each in-place change; a versioned change makes a
    # new row (new id), so a form read before it is refused either way.
    version = models.PositiveIntegerField("修改版本", default=1, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "题目"
        ordering = ["survey", "seq", "since_version"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "seq"],
                condition=models.Q(until_version__isnull=True),
                name="survey_question_seq_current",
                violation_error_message="题目序号重复",
            )
        ]

    def __str__(self):
        return f"{self.seq}. {self.text}"

    @property
    def is_scored(self) -> bool:
        if self.kind == QuestionKind.TEXT:
            return False
        if self.kind == QuestionKind.RATING:
            return True
        return any("score" in o or o.get("correct") for o in self.options)

    @property
    def rating_values(self):
        return list(range(self.scale_min, self.scale_max + 1))


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
    submitted_on = models.DateField("提交日期", db_index=True)  # a date only: nothing to line up with a mark
    form_version = models.PositiveIntegerField("问卷版本", default=1)
    age_group = models.CharField("年龄段", max_length=8, choices=AgeGroup.choices, blank=True)
    # {"<seq>": option index | [indexes] | rating | "text"}
    answers = models.JSONField("答案", default=dict)
    score = models.DecimalField("得分", max_digits=5, decimal_places=2)
    positive = models.BooleanField("满意/知晓/支持/合格")
    respondent = models.CharField("答题人", max_length=40, blank=True, help_text="仅能问能答填写")

    class Meta:
        verbose_name = verbose_name_plural = "答卷"
        ordering = ["-id"]

    def __str__(self):
        return f"答卷 {self.pk}"


class DeviceMark(models.Model):
    """A keyed hash of a device token per survey: refuses a second answer, joins to nothing (its primary
    key is random, so not even the order of insertion lines a mark up with a response)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+")
    fingerprint = models.CharField(max_length=64)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["survey", "fingerprint"], name="survey_device_once")]

    def __str__(self):
        return "设备标记"


class CodeBatch(BusinessModel):
    """A batch of one-time codes for a closed-access survey (printed as cards with a QR code)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="code_batches")
    link = models.ForeignKey(Link, verbose_name="发放链接", on_delete=models.CASCADE, related_name="+")
    name = models.CharField("名称", max_length=100)
    size = models.PositiveIntegerField("数量")

    objects = ViaSurvey.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "答题码批次"
        ordering = ["survey", "id"]

    def __str__(self):
        return self.name


class ViaBatch(ScopedQuerySet):
    scope = Scope(via="batch")


class AccessCode(models.Model):
    """One one-time code. Only `used` changes when it is spent: no time, no response, no device."""

    objects = ViaBatch.as_manager()

    batch = models.ForeignKey(CodeBatch, on_delete=models.CASCADE, related_name="codes")
    code = models.CharField("答题码", max_length=16, unique=True)
    used = models.BooleanField("已使用", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "答题码"
        ordering = ["batch", "id"]

    def __str__(self):
        return self.code


class Interviewer(BusinessModel):
    """A user assigned to interview for a survey by telephone or door to door."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="interviewers")
    user = models.ForeignKey(
        "organisation.User", verbose_name="访问员", on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(
        "方式",
        max_length=8,
        choices=[(Channel.PHONE, Channel.PHONE.label), (Channel.DOOR, Channel.DOOR.label)],
        default=Channel.PHONE,
    )
    township = models.ForeignKey(
        "organisation.Region",
        verbose_name="负责乡镇（街道）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_active = models.BooleanField("启用", default=True)

    objects = ViaSurvey.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "访问员"
        ordering = ["survey", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "user"],
                name="survey_interviewer_once",
                violation_error_message="该用户已是访问员",
            )
        ]

    def __str__(self):
        return f"{self.user}（{self.get_channel_display()}）"


class ViaAssignment(ScopedQuerySet):
    scope = Scope(via="assignment")


class CallRecord(models.Model):
    """One call or visit and its outcome; a completed interview (接通) is counted here and its answers
    stored as a Response that does not point back."""

    objects = ViaAssignment.as_manager()

    assignment = models.ForeignKey(Interviewer, on_delete=models.CASCADE, related_name="calls")
    outcome = models.CharField("结果", max_length=10, choices=CallOutcome.choices)
    called_on = models.DateField("日期")
    township = models.ForeignKey(
        "organisation.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = verbose_name_plural = "访问记录"
        ordering = ["-id"]

    def __str__(self):
        return self.get_outcome_display()
