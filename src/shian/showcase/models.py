"""示范引领: a campaign's demonstration projects — direction and the framework's 示范引领 item they answer,
lead unit, texts (做法、成效、创新性、可复制性), milestones, evidence files and the office's review."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.urls import reverse

from shian.core.models import BusinessModel
from shian.core.policy import Scope, ScopedQuerySet
from shian.framework.choices import CategoryKind
from shian.showcase.choices import Direction, FileKind, Status


class ProjectQuerySet(ScopedQuerySet):
    """Office: its region's campaigns (read+change, reviews); leader reads; the lead unit's people read
    and change their own projects (texts, milestones, files) — the review stays with the office."""

    scope = Scope(region="campaign__region", unit="lead_unit")


class Project(BusinessModel):
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name="创建项目",
        on_delete=models.CASCADE,
        related_name="showcase_projects",
    )
    title = models.CharField("项目名称", max_length=120)
    direction = models.CharField("方向", max_length=12, choices=Direction.choices)
    item = models.ForeignKey(
        "framework.ScoringItem",
        verbose_name="对应示范引领评分项",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="showcase_projects",
        limit_choices_to={"indicator__category__kind": CategoryKind.BONUS},
    )
    lead_unit = models.ForeignKey(
        "organisation.Unit",
        verbose_name="牵头单位",
        on_delete=models.PROTECT,
        related_name="showcase_projects",
    )
    partners = models.CharField("协作单位", max_length=300, blank=True, help_text="用顿号分隔")
    practice = models.TextField("主要做法", blank=True)
    results = models.TextField("取得成效", blank=True)
    innovation = models.TextField("创新性", blank=True)
    replicability = models.TextField("可复制可推广性", blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT)
    score_targeted = models.PositiveSmallIntegerField(
        "针对性", null=True, blank=True, validators=[MaxValueValidator(10)]
    )
    score_innovative = models.PositiveSmallIntegerField(
        "创新性评分", null=True, blank=True, validators=[MaxValueValidator(10)]
    )
    score_exemplary = models.PositiveSmallIntegerField(
        "示范性", null=True, blank=True, validators=[MaxValueValidator(10)]
    )
    score_replicable = models.PositiveSmallIntegerField(
        "可推广性", null=True, blank=True, validators=[MaxValueValidator(10)]
    )
    review_comment = models.TextField("审核意见", blank=True)
    reviewed_by = models.ForeignKey(
        "organisation.User",
        verbose_name="审核人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "示范引领项目"
        ordering = ["campaign", "id"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("showcase:project_detail", args=[self.pk])

    def clean(self):
        errors = {}
        if self.item_id and self.campaign_id:
            cat = self.item.indicator.category
            if cat.framework_id != self.campaign.framework_id:
                errors["item"] = f"评分项“{self.item.code or self.item.pk}”不属于本创建项目的评价细则"
            elif cat.kind != CategoryKind.BONUS:
                errors["item"] = "只能对应示范引领（加分项）类别的评分项"
        if self.lead_unit_id and self.campaign_id:
            if not self.lead_unit.region.path.startswith(self.campaign.region.path):
                errors["lead_unit"] = f"牵头单位“{self.lead_unit}”不在本创建项目的区划内"
        if errors:
            raise ValidationError(errors)

    @property
    def rubric_total(self):
        scores = [self.score_targeted, self.score_innovative, self.score_exemplary, self.score_replicable]
        return None if any(s is None for s in scores) else sum(scores)


class MilestoneQuerySet(ScopedQuerySet):
    scope = Scope(via="project")


class Milestone(BusinessModel):
    project = models.ForeignKey(
        Project, verbose_name="项目", on_delete=models.CASCADE, related_name="milestones"
    )
    title = models.CharField("阶段目标", max_length=120)
    due_on = models.DateField("计划完成")
    done_on = models.DateField("实际完成", null=True, blank=True)
    note = models.CharField("完成情况", max_length=300, blank=True)

    objects = MilestoneQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "项目节点"
        ordering = ["project", "due_on", "id"]

    def __str__(self):
        return self.title


class ProjectFileQuerySet(ScopedQuerySet):
    scope = Scope(via="project")


class ProjectFile(BusinessModel):
    project = models.ForeignKey(Project, verbose_name="项目", on_delete=models.CASCADE, related_name="files")
    kind = models.CharField("类型", max_length=10, choices=FileKind.choices, default=FileKind.EVIDENCE)
    file = models.FileField("文件", upload_to="showcase/", max_length=300)
    original_name = models.CharField("文件名", max_length=200)
    uploaded_by = models.ForeignKey(
        "organisation.User", verbose_name="上传人", null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ProjectFileQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "项目佐证"
        ordering = ["project", "kind", "id"]

    def __str__(self):
        return self.original_name
