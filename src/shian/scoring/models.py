"""Assessments (自评 / 模拟评审 / 初评 / 验收 / 复审): one scoring of the whole framework for a campaign.

Assessment → ItemScore (points of one scoring item, with its Deductions) and VetoAnswer (否决项 yes/no);
ReviewGroup (评审组: experts, a leader, the items they hold) → ExpertScore (one expert's score of an
item; the leader confirms the group's score into the ItemScore); Interview (领导访谈) with questions.
The arithmetic lives in `engine.py`, the rules in `services.py`.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse

from shian.core.models import BusinessModel
from shian.core.policy import Scope, ScopedQuerySet
from shian.organisation.choices import Role
from shian.scoring.choices import AssessmentKind, AssessmentStatus

POINTS = {"max_digits": 7, "decimal_places": 2}
SHARE = {
    "max_digits": 5,
    "decimal_places": 4,
    "null": True,
    "blank": True,
    "validators": [MinValueValidator(0), MaxValueValidator(1)],
}


class AssessmentQuerySet(ScopedQuerySet):
    # Office: its region's campaigns; leaders and units read; experts read the assessments whose
    # review groups they sit in.
    scope = Scope(region="campaign__region", units_read_above=True, expert="review_groups__members")


class Assessment(BusinessModel):
    """One scoring of the whole framework: 自评, 模拟评审, 市级/省级初评, 国家验收, 复审."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name="创建项目", on_delete=models.CASCADE, related_name="assessments"
    )
    kind = models.CharField(
        "评审类型", max_length=12, choices=AssessmentKind.choices, default=AssessmentKind.SELF
    )
    title = models.CharField("名称", max_length=200)
    held_on = models.DateField("评审日期", null=True, blank=True)
    reviewer = models.CharField("评审机构/组织者", max_length=100, blank=True)
    status = models.CharField(
        "状态", max_length=8, choices=AssessmentStatus.choices, default=AssessmentStatus.OPEN
    )
    satisfaction = models.DecimalField("群众满意度", **SHARE, help_text="比例，如 0.82 表示82%")
    awareness = models.DecimalField("知晓率", **SHARE)
    support = models.DecimalField("支持率", **SHARE)
    note = models.TextField("说明", blank=True)
    locked_at = models.DateTimeField("签署时间", null=True, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="签署人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "评审评分"
        ordering = ["-held_on", "-id"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("scoring:assessment_detail", args=[self.pk])

    @property
    def is_locked(self):
        return self.status == AssessmentStatus.LOCKED

    def survey_results(self) -> dict:
        return {"satisfaction": self.satisfaction, "awareness": self.awareness, "support": self.support}


def _items_held_by(user):
    """Scores of the items a review group of the same assessment, with `user` in it, holds."""
    return Q(
        Exists(
            ReviewGroup.objects.filter(
                assessment=OuterRef("assessment"), members=user, items=OuterRef("item")
            )
        )
    )


class ItemScoreQuerySet(ScopedQuerySet):
    # Like assessments; an expert sees only the items their review group holds.
    scope = Scope(region="assessment__campaign__region", units_read_above=True, expert=_items_held_by)


class ItemScore(BusinessModel):
    """The points an assessment awards one scoring item, how they were found, and why points were lost."""

    assessment = models.ForeignKey(
        Assessment, verbose_name="评审", on_delete=models.CASCADE, related_name="scores"
    )
    item = models.ForeignKey(
        "framework.ScoringItem", verbose_name="评分项", on_delete=models.PROTECT, related_name="scores"
    )
    points = models.DecimalField(
        "得分",
        **POINTS,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="为空表示尚未评分",
    )
    rubric_level = models.CharField("评价等级", max_length=20, blank=True)
    methods = models.JSONField("评价方式", default=list, blank=True)
    note = models.TextField("评分说明", blank=True)
    evidence_ids = models.JSONField("查阅的佐证材料", default=list, blank=True, help_text="佐证材料编号")
    source_refs = models.JSONField(
        "来源记录", default=list, blank=True, editable=False, help_text="由示范引领项目等登记折算时的来源"
    )
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="评分人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    scored_at = models.DateTimeField("评分时间", null=True, blank=True)

    objects = ItemScoreQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "评分项得分"
        ordering = [
            "assessment",
            "item__indicator__category__seq",
            "item__indicator__seq",
            "item__seq",
            "item_id",
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "item"],
                name="itemscore_unique",
                violation_error_message="该评分项在本次评审中已有得分记录",
            ),
            models.CheckConstraint(
                condition=Q(points__gte=0) | Q(points__isnull=True),
                name="itemscore_points_ge_0",
                violation_error_message="得分不能为负数",
            ),
        ]

    def __str__(self):
        return f"{self.assessment} · {self.item.code or self.item_id}"

    def get_absolute_url(self):
        return reverse("scoring:score_edit", args=[self.assessment_id, self.item_id])

    def method_labels(self):
        from shian.framework.choices import Method

        return [Method(m).label for m in self.methods if m in Method.values]


class DeductionQuerySet(ScopedQuerySet):
    scope = Scope(via="score")


class Deduction(BusinessModel):
    """One reason points were lost on an item: a standard deduction rule or free text."""

    score = models.ForeignKey(
        ItemScore, verbose_name="得分", on_delete=models.CASCADE, related_name="deductions"
    )
    rule = models.ForeignKey(
        "framework.DeductionRule",
        verbose_name="扣分规则",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    description = models.CharField("扣分原因", max_length=300)
    points = models.DecimalField("扣分", **POINTS, validators=[MinValueValidator(0)])

    objects = DeductionQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "扣分记录"
        ordering = ["score", "id"]

    def __str__(self):
        return f"{self.description}（扣{self.points:g}分）"


class VetoAnswerQuerySet(ScopedQuerySet):
    scope = Scope(via="assessment")


class VetoAnswer(BusinessModel):
    """The answer of one 否决项 in an assessment: did it happen (yes fails the campaign)?"""

    assessment = models.ForeignKey(
        Assessment, verbose_name="评审", on_delete=models.CASCADE, related_name="vetoes"
    )
    gate = models.ForeignKey(
        "framework.Gate", verbose_name="否决项", on_delete=models.PROTECT, related_name="+"
    )
    occurred = models.BooleanField("是否存在", null=True, help_text="是＝存在否决情形，无论得分多少均不达标")
    evidence = models.TextField("依据", blank=True)
    # Derived from a register above scoring (scoring/hooks.py: the incident register) over the
    # assessment's period; `derived` None = no register speaks to this gate, the office answers it.
    derived = models.BooleanField("登记认定", null=True, blank=True, editable=False)
    derived_basis = models.TextField("认定依据", blank=True, editable=False)
    records = models.JSONField("依据记录", default=list, blank=True, editable=False)
    derived_at = models.DateTimeField("认定时间", null=True, blank=True, editable=False)
    override_reason = models.TextField(
        "人工改判理由", blank=True, help_text="判定与登记认定不一致时必须写明理由"
    )

    objects = VetoAnswerQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "否决项判定"
        ordering = ["assessment", "gate__seq"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "gate"],
                name="vetoanswer_unique",
                violation_error_message="该否决项已判定",
            ),
            models.CheckConstraint(
                condition=Q(derived__isnull=True) | Q(occurred=F("derived")) | ~Q(override_reason=""),
                name="vetoanswer_override_reason",
                violation_error_message="否决项判定与事件登记认定不一致时必须写明改判理由",
            ),
        ]

    def __str__(self):
        return f"{self.gate}：{'是' if self.occurred else '否' if self.occurred is False else '未判定'}"

    @property
    def is_derived(self) -> bool:
        return self.derived is not None

    @property
    def is_overridden(self) -> bool:
        return self.derived is not None and self.occurred != self.derived

    def basis_text(self) -> str:
        """What the answer rests on, as the assessment page and the documents print it."""
        if self.derived is None:
            return self.evidence
        text = self.derived_basis
        if self.records:
            text += "（" + "；".join(r.get("label", "") for r in self.records) + "）"
        if self.is_overridden:
            verdict = "存在" if self.occurred else "不存在"
            text += f"。创建办改判为“{verdict}否决情形”，理由：{self.override_reason}"
        return text


class ReviewGroupQuerySet(ScopedQuerySet):
    scope = Scope(region="assessment__campaign__region", units_read_above=True, expert="members")


class ReviewGroup(BusinessModel):
    """评审组: experts (one of them the leader) holding a set of scoring items of an assessment."""

    assessment = models.ForeignKey(
        Assessment, verbose_name="评审", on_delete=models.CASCADE, related_name="review_groups"
    )
    name = models.CharField("组名", max_length=100)
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="组长",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_review_groups",
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name="组员",
        related_name="review_groups",
        blank=True,
        limit_choices_to={"role": Role.EXPERT},
    )
    items = models.ManyToManyField(
        "framework.ScoringItem", verbose_name="负责评分项", related_name="review_groups", blank=True
    )
    note = models.CharField("分工说明", max_length=300, blank=True)

    objects = ReviewGroupQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "评审组"
        ordering = ["assessment", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("scoring:group_detail", args=[self.pk])


class ExpertScoreQuerySet(ScopedQuerySet):
    # Experts read their group's scores and change only their own.
    scope = Scope(
        region="group__assessment__campaign__region",
        units_read_above=True,
        expert="group__members",
        expert_writes="expert",
    )


class ExpertScore(BusinessModel):
    """One expert's score of one item; the group leader confirms the group's score from these."""

    group = models.ForeignKey(
        ReviewGroup, verbose_name="评审组", on_delete=models.CASCADE, related_name="expert_scores"
    )
    item = models.ForeignKey(
        "framework.ScoringItem", verbose_name="评分项", on_delete=models.PROTECT, related_name="+"
    )
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="专家", on_delete=models.PROTECT, related_name="+"
    )
    points = models.DecimalField("得分", **POINTS, validators=[MinValueValidator(0)])
    deduction_note = models.TextField("扣分理由", blank=True)
    methods = models.JSONField("评价方式", default=list, blank=True)

    objects = ExpertScoreQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "专家评分"
        ordering = ["group", "item", "expert"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "item", "expert"],
                name="expertscore_unique",
                violation_error_message="该专家已对此评分项评分",
            )
        ]

    def __str__(self):
        return f"{self.expert} · {self.item.code}：{self.points:g}"


class InterviewQuerySet(ScopedQuerySet):
    scope = Scope(
        region="assessment__campaign__region",
        units_read_above=True,
        expert="group__members",
        expert_writes="group__members",
    )


class Interview(BusinessModel):
    """领导访谈: one interviewee, the questions asked, the answers and the score given."""

    assessment = models.ForeignKey(
        Assessment, verbose_name="评审", on_delete=models.CASCADE, related_name="interviews"
    )
    group = models.ForeignKey(
        ReviewGroup,
        verbose_name="评审组",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="interviews",
    )
    item = models.ForeignKey(
        "framework.ScoringItem",
        verbose_name="对应评分项",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    interviewee = models.CharField("访谈对象", max_length=40)
    position = models.CharField("职务", max_length=100, blank=True)
    unit = models.ForeignKey(
        "organisation.Unit",
        verbose_name="所在单位",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    held_on = models.DateField("访谈日期", null=True, blank=True)
    interviewer = models.CharField("访谈人", max_length=100, blank=True)
    score = models.DecimalField(
        "访谈得分", **POINTS, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    max_score = models.DecimalField("满分", **POINTS, null=True, blank=True)
    summary = models.TextField("总体评价", blank=True)

    objects = InterviewQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "领导访谈"
        ordering = ["assessment", "held_on", "id"]

    def __str__(self):
        return f"访谈：{self.interviewee}{'（' + self.position + '）' if self.position else ''}"

    def get_absolute_url(self):
        return reverse("scoring:interview_edit", args=[self.pk])


class InterviewQuestionQuerySet(ScopedQuerySet):
    scope = Scope(via="interview")


class InterviewQuestion(models.Model):
    """One question of an interview with the interviewee's answer."""

    audit_log = True

    interview = models.ForeignKey(Interview, on_delete=models.CASCADE, related_name="questions")
    seq = models.PositiveSmallIntegerField("序号", default=1)
    question = models.TextField("问题")
    answer = models.TextField("回答", blank=True)
    points = models.DecimalField("得分", **POINTS, null=True, blank=True)

    objects = InterviewQuestionQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "访谈问题"
        ordering = ["interview", "seq", "id"]

    def __str__(self):
        return self.question[:40]
