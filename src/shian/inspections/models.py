"""明查暗访: checklists per 业态, inspection plans with reproducible draws, and field visits.

Checklist → ChecklistItem (versioned: a new import makes a new version; visits keep theirs).
InspectionPlan (an assessment's 明查 or 暗访: areas, quotas per category and area, exclusions, risk
stratum) → DrawnSite (the drawn points and reserves, from a stored snapshot and seed) → Visit
(one inspector at one business) → VisitAnswer (符合/基本符合/不符合/不适用) and VisitPhoto.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse

from shian.core.models import BusinessModel
from shian.core.policy import Scope, ScopedQuerySet
from shian.inspections.choices import ItemKind, Mode, PlanStatus, Result, SiteRole, Stage, VisitStatus

POINTS = {"max_digits": 6, "decimal_places": 2}


class ChecklistQuerySet(ScopedQuerySet):
    # The review's checklists are shared reference data; they change only by import (office, admin).
    scope = Scope(public=True)

    def current(self):
        return self.filter(is_current=True)


class Checklist(BusinessModel):
    """The 现场检查表 of one 业态, in one version."""

    category = models.ForeignKey(
        "registry.SiteCategory", verbose_name="业态", on_delete=models.PROTECT, related_name="checklists"
    )
    version = models.PositiveSmallIntegerField("版本号", default=1)
    name = models.CharField("名称", max_length=100)
    is_current = models.BooleanField("现行版本", default=True)
    basis = models.CharField("依据", max_length=200, blank=True)

    objects = ChecklistQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "现场检查表"
        ordering = ["category__sort_order", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "version"],
                name="checklist_category_version",
                violation_error_message="该业态已有此版本的检查表",
            )
        ]

    def __str__(self):
        return f"{self.name}（第{self.version}版）"

    def get_absolute_url(self):
        return reverse("inspections:checklist_detail", args=[self.pk])


class ViaChecklist(ScopedQuerySet):
    scope = Scope(via="checklist")


class ChecklistItem(models.Model):
    """One line of a checklist: what to check (or a 能问能答 question), points, how to deduct."""

    audit_log = True
    objects = ViaChecklist.as_manager()

    checklist = models.ForeignKey(Checklist, on_delete=models.CASCADE, related_name="items")
    seq = models.PositiveSmallIntegerField("序号")
    section = models.CharField("检查环节", max_length=40, blank=True)
    kind = models.CharField("类型", max_length=10, choices=ItemKind.choices, default=ItemKind.CHECK)
    text = models.TextField("检查内容")
    points = models.DecimalField("分值", default=1, **POINTS)
    deduction_rule = models.TextField("扣分标准（参考答案）", blank=True)
    photo_required = models.BooleanField("须拍照", default=False)
    is_key = models.BooleanField("关键项", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "检查项"
        ordering = ["checklist", "seq"]
        constraints = [
            models.UniqueConstraint(
                fields=["checklist", "seq"],
                name="checklist_item_seq",
                violation_error_message="检查表中序号重复",
            )
        ]

    def __str__(self):
        return f"{self.seq}. {self.text[:40]}"


class ViaPlan(ScopedQuerySet):
    scope = Scope(via="plan")


class ViaVisit(ScopedQuerySet):
    scope = Scope(via="visit")


class PlanQuerySet(ScopedQuerySet):
    # The office of the campaign's region plans and draws; leaders read; inspectors reach their visits.
    scope = Scope(region="campaign__region")


class InspectionPlan(BusinessModel):
    """One round of 明查 or 暗访 for an assessment: where, which categories, how many points."""

    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name="创建项目",
        on_delete=models.CASCADE,
        related_name="inspection_plans",
    )
    name = models.CharField("名称", max_length=120)
    stage = models.CharField("阶段", max_length=8, choices=Stage.choices, default=Stage.MOCK)
    mode = models.CharField("方式", max_length=8, choices=Mode.choices, default=Mode.OPEN)
    areas = models.ManyToManyField(
        "organisation.Region",
        verbose_name="抽查区域",
        related_name="+",
        blank=True,
        help_text="县（区）或乡镇（街道）；为空时为整个创建区划",
    )
    planned_on = models.DateField("计划检查日期", null=True, blank=True)
    exclude_visited_days = models.PositiveSmallIntegerField(
        "排除近N天内已检查", default=0, help_text="0 表示不排除"
    )
    risk_grades = models.JSONField("高风险层：风险等级", default=list, blank=True, help_text='如 ["C", "D"]')
    risk_failed_before = models.BooleanField("高风险层含曾检查不符合的主体", default=False)
    risk_share = models.DecimalField(
        "高风险层占比",
        max_digits=3,
        decimal_places=2,
        default=0,
        help_text="每层配额中优先从高风险主体抽取的比例，0–1",
    )
    reserves = models.PositiveSmallIntegerField("每层备选数", default=1)
    allow_shortfall = models.BooleanField(
        "允许不足额抽取", default=False, help_text="不勾选时，任何一层点位不足配额都不抽取"
    )
    status = models.CharField("状态", max_length=8, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    seed = models.BigIntegerField("随机种子", null=True, blank=True)
    drawn_at = models.DateTimeField("抽取时间", null=True, blank=True)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="抽取人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    snapshot_hash = models.CharField("快照校验值", max_length=64, blank=True, editable=False)
    draw_record = models.JSONField("抽取记录", default=dict, blank=True, editable=False)

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "检查计划"
        ordering = ["-created_at"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("inspections:plan_detail", args=[self.pk])

    @property
    def snapshot(self) -> list:
        """The eligible registry at the last draw (rows: see DrawSnapshot)."""
        stored = getattr(self, "draw_snapshot", None) if self.pk else None
        return stored.rows if stored is not None else []


class DrawSnapshot(models.Model):
    """The eligible registry a draw was made from: [id, 业态代码, 区划路径, 风险等级, 曾不符合, 名称] sorted by id.

    Kept apart from the plan and not copied into the audit log (it can hold tens of thousands of
    rows); the audited draw event names its SHA-256, which the plan also stores and re-checks."""

    plan = models.OneToOneField(InspectionPlan, on_delete=models.CASCADE, related_name="draw_snapshot")
    rows = models.JSONField("候选快照", default=list)
    taken_at = models.DateTimeField("快照时间", auto_now=True)

    objects = ViaPlan.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "候选快照"

    def __str__(self):
        return f"{self.plan}：{len(self.rows)}个候选"


class PlanQuota(models.Model):
    """How many points of one category (in one area, or all the plan's areas) to draw."""

    audit_log = True

    plan = models.ForeignKey(InspectionPlan, on_delete=models.CASCADE, related_name="quotas")
    category = models.ForeignKey(
        "registry.SiteCategory", verbose_name="业态", on_delete=models.PROTECT, related_name="+"
    )
    area = models.ForeignKey(
        "organisation.Region",
        verbose_name="区域",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="为空时在计划的全部区域内抽取",
    )
    quota = models.PositiveSmallIntegerField("点位数")

    objects = ViaPlan.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "抽取配额"
        ordering = ["plan", "category__sort_order", "area__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "category", "area"],
                name="quota_unique",
                violation_error_message="同一业态和区域只能设一个配额",
            )
        ]

    def __str__(self):
        return f"{self.category}{f'（{self.area}）' if self.area_id else ''}×{self.quota}"


class DrawnSite(models.Model):
    """One drawn point (or reserve) in its stratum, in draw order."""

    audit_log = True

    plan = models.ForeignKey(InspectionPlan, on_delete=models.CASCADE, related_name="sites")
    business = models.ForeignKey(
        "registry.Business", verbose_name="主体", on_delete=models.PROTECT, related_name="drawn_sites"
    )
    stratum = models.CharField("抽取层", max_length=120)
    order = models.PositiveIntegerField("抽取顺序")
    role = models.CharField("类别", max_length=12, choices=SiteRole.choices, default=SiteRole.SELECTED)
    high_risk = models.BooleanField("高风险层", default=False)
    note = models.CharField("说明", max_length=200, blank=True)

    objects = ViaPlan.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "抽取点位"
        ordering = ["plan", "order"]

    def __str__(self):
        return f"{self.stratum} #{self.order} {self.business}"


class VisitQuerySet(ScopedQuerySet):
    """Office: visits of its region's plans; leaders read them; and the inspector (experts included,
    who are otherwise read-only) reads and fills the visits assigned to them — and only those."""

    scope = Scope(region="plan__campaign__region", owner="inspector")


class Visit(BusinessModel):
    """One inspector's on-site check of one business with one checklist version."""

    plan = models.ForeignKey(
        InspectionPlan, verbose_name="检查计划", on_delete=models.CASCADE, related_name="visits"
    )
    site = models.ForeignKey(
        DrawnSite,
        verbose_name="抽取点位",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="visits",
    )
    business = models.ForeignKey(
        "registry.Business", verbose_name="主体", on_delete=models.PROTECT, related_name="visits"
    )
    checklist = models.ForeignKey(
        Checklist, verbose_name="检查表", on_delete=models.PROTECT, related_name="visits"
    )
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="检查人",
        on_delete=models.PROTECT,
        related_name="inspection_visits",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="原检查（回头看）",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reinspections",
    )
    status = models.CharField(
        "状态", max_length=12, choices=VisitStatus.choices, default=VisitStatus.ASSIGNED
    )
    scheduled_on = models.DateField("检查日期", null=True, blank=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    score = models.DecimalField("得分（百分制）", max_digits=5, decimal_places=1, null=True, blank=True)
    notes = models.TextField("检查情况", blank=True)
    person_in_charge = models.CharField("现场负责人", max_length=40, blank=True)
    signature = models.FileField(
        "负责人签字", upload_to="inspections/signatures/%Y/%m/", blank=True, max_length=300
    )

    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "现场检查"
        ordering = ["scheduled_on", "id"]
        indexes = [models.Index(fields=["inspector", "status"], name="visit_inspector_status")]

    def __str__(self):
        return f"{self.business}（{self.plan.get_mode_display()}）"

    def get_absolute_url(self):
        return reverse("inspections:visit_detail", args=[self.pk])

    @property
    def is_submitted(self):
        return self.status == VisitStatus.SUBMITTED


class VisitAnswer(models.Model):
    audit_log = True

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(
        ChecklistItem, verbose_name="检查项", on_delete=models.PROTECT, related_name="answers"
    )
    result = models.CharField("结果", max_length=8, choices=Result.choices)
    note = models.CharField("情况说明", max_length=500, blank=True)
    objects = ViaVisit.as_manager()
    problem = models.ForeignKey(
        "rectification.Problem",
        verbose_name="整改问题",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="visit_answers",
    )

    class Meta:
        verbose_name = verbose_name_plural = "检查结果"
        ordering = ["visit", "item__seq"]
        constraints = [models.UniqueConstraint(fields=["visit", "item"], name="visit_answer_unique")]

    def __str__(self):
        return f"{self.item.seq} {self.get_result_display()}"


class VisitPhoto(models.Model):
    """A photo from the phone's camera, watermarked in the browser; time and place kept as data too."""

    audit_log = True

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="photos")
    item = models.ForeignKey(
        ChecklistItem,
        verbose_name="检查项",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    client_id = models.CharField("客户端编号", max_length=64)
    file = models.FileField("照片", upload_to="inspections/photos/%Y/%m/", max_length=300)
    taken_at = models.DateTimeField("拍摄时间", null=True, blank=True)
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True)

    objects = ViaVisit.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "检查照片"
        ordering = ["visit", "id"]
        constraints = [models.UniqueConstraint(fields=["visit", "client_id"], name="visit_photo_client_id")]

    def __str__(self):
        return f"照片{self.pk}"


class ViaItem(ScopedQuerySet):
    scope = Scope(via="item")


class ItemCategory(models.Model):
    """Which 业态's visits score a framework item judged on site (现场检查); part of the framework's data."""

    audit_log = True

    item = models.ForeignKey(
        "framework.ScoringItem",
        verbose_name="评分项",
        on_delete=models.CASCADE,
        related_name="site_categories",
    )
    category = models.ForeignKey(
        "registry.SiteCategory", verbose_name="业态", on_delete=models.PROTECT, related_name="+"
    )

    objects = ViaItem.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "评分项对应业态"
        ordering = ["item", "category__sort_order"]
        constraints = [models.UniqueConstraint(fields=["item", "category"], name="item_category_unique")]

    def __str__(self):
        return f"{self.item.code} ↔ {self.category}"
