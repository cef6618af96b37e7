"""Evidence materials (佐证材料) filed against the framework's material requirements, their file
versions, review decisions, automatic check flags and extracted text."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from shian.core.history import StatusChange
from shian.core.models import BusinessModel
from shian.core.policy import Scope, ScopedQuerySet
from shian.evidence.choices import FileKind, Flag, MaterialStatus, TextStatus


def _reviewed_by(user):
    """Materials of the items held by a review group, with `user` in it, of a review of the same campaign.
    Both conditions sit in one filter() so they apply to the same review group."""
    return Q(
        pk__in=Material._base_manager.filter(
            item__review_groups__members=user,
            item__review_groups__assessment__campaign=F("campaign"),
        ).values("pk")
    )


class MaterialQuerySet(ScopedQuerySet):
    # Office: its region's campaigns; leaders read the same; units: their own unit's materials;
    # experts: the materials of the items their review group holds.
    scope = Scope(region="campaign__region", unit="unit", expert=_reviewed_by)

    def with_related(self):
        return self.select_related(
            "campaign",
            "unit",
            "requirement",
            "item__indicator__category",
            "current",
            "reviewed_by",
        )


class Material(BusinessModel):
    """One piece of evidence a unit files for a campaign, usually against a material requirement.

    Its file may be replaced: every upload is a `MaterialFile` version, `current` is the latest.
    """

    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name="创建项目", on_delete=models.CASCADE, related_name="materials"
    )
    requirement = models.ForeignKey(
        "framework.MaterialRequirement",
        verbose_name="材料要求",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="evidence",
    )
    item = models.ForeignKey(
        "framework.ScoringItem",
        verbose_name="评分项",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="evidence",
    )
    unit = models.ForeignKey(
        "organisation.Unit", verbose_name="提供单位", on_delete=models.PROTECT, related_name="materials"
    )
    title = models.CharField("标题", max_length=200)
    doc_date = models.DateField("成文日期", null=True, blank=True)
    doc_date_detected = models.BooleanField("日期为自动识别", default=False)
    issuer = models.CharField("发文机关", max_length=100, blank=True)
    doc_number = models.CharField("文号", max_length=60, blank=True)
    status = models.CharField(
        "审核状态",
        max_length=10,
        choices=MaterialStatus.choices,
        default=MaterialStatus.PENDING,
        db_index=True,
    )
    review_reason = models.TextField("退回原因", blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审核人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    submitted_at = models.DateTimeField("提交时间", db_index=True)
    current = models.ForeignKey(
        "MaterialFile",
        verbose_name="当前文件",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    text_status = models.CharField(
        "文字提取", max_length=12, choices=TextStatus.choices, default=TextStatus.PENDING
    )
    flags = models.JSONField(
        "自动检查", default=list, blank=True, help_text='[{"code": "duplicate", "message": "..."}]'
    )
    suggestions = models.JSONField("推荐要求", default=list, blank=True)

    objects = MaterialQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "佐证材料"
        ordering = ["-submitted_at", "-id"]
        indexes = [models.Index(fields=["campaign", "requirement", "status"], name="material_campaign_req")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("evidence:material_detail", args=[self.pk])

    @property
    def status_css(self):
        return {"pending": "info", "approved": "success", "returned": "warning"}[self.status]

    def flag_labels(self):
        return [Flag(f["code"]).label if f.get("code") in Flag.values else f.get("code") for f in self.flags]


class MaterialTextQuerySet(ScopedQuerySet):
    scope = Scope(via="material")


class MaterialText(models.Model):
    """Text extracted from a material's current file, and its jieba segmentation for search.

    Kept apart from `Material` (and out of the audit log): it is derived data, rewritten by the
    extraction job, and can be large. The full-text index (FTS5 on SQLite, a GIN index on
    PostgreSQL) is built over `segmented`; see migrations and `evidence/search.py`.
    """

    material = models.OneToOneField(Material, on_delete=models.CASCADE, primary_key=True, related_name="body")
    text = models.TextField("提取文字", blank=True)
    segmented = models.TextField("分词文本", blank=True)

    objects = MaterialTextQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "材料文字"

    def __str__(self):
        return f"{self.material_id}"


class MaterialFileQuerySet(ScopedQuerySet):
    scope = Scope(via="material")


class MaterialFile(BusinessModel):
    """One uploaded version of a material's file (earlier versions are kept)."""

    material = models.ForeignKey(
        Material, verbose_name="材料", on_delete=models.CASCADE, related_name="files"
    )
    number = models.PositiveSmallIntegerField("版本号", default=1)
    file = models.FileField("文件", upload_to="evidence/", max_length=300)
    original_name = models.CharField("原文件名", max_length=200)
    kind = models.CharField("类型", max_length=8, choices=FileKind.choices)
    size = models.PositiveBigIntegerField("大小（字节）", default=0)
    sha256 = models.CharField("内容哈希", max_length=64, db_index=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="上传人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = MaterialFileQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "材料文件版本"
        ordering = ["material", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["material", "number"],
                name="materialfile_unique_number",
                violation_error_message="版本号重复",
            ),
        ]

    def __str__(self):
        return f"{self.original_name}（第{self.number}版）"

    @property
    def extension(self):
        return self.kind

    @property
    def is_previewable(self):
        return self.kind in ("pdf", "jpg", "png")


class MaterialStatusChangeQuerySet(ScopedQuerySet):
    scope = Scope(via="subject")


class MaterialStatusChange(StatusChange):
    """A review status the material entered and when (待审核 on upload, 已通过, 已退回)."""

    subject = models.ForeignKey(
        Material, verbose_name="材料", on_delete=models.CASCADE, related_name="status_changes"
    )

    objects = MaterialStatusChangeQuerySet.as_manager()

    class Meta(StatusChange.Meta):
        verbose_name = verbose_name_plural = "材料审核状态记录"
        indexes = [models.Index(fields=["subject", "at"], name="materialstatus_subject_at")]
