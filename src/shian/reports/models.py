"""Official documents drafted from live data: a `Document` holds the kind, its parameters and the
words people edited; every generation is kept as a numbered `DocumentFile` (.docx, .pdf when
LibreOffice is installed) with who made it and when.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse

from shian.core.models import BusinessModel
from shian.core.policy import Scope, ScopedQuerySet
from shian.reports.choices import DocumentKind


class DocumentQuerySet(ScopedQuerySet):
    # Documents are the office's: it writes them, leaders read them; units and experts see none.
    scope = Scope(region="campaign__region")


class Document(BusinessModel):
    """One official document of a campaign: 简报 (numbered series), 通报, 工作总结, 自评报告, 评审报告."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name="创建项目", on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField("文种", max_length=20, choices=DocumentKind.choices)
    title = models.CharField("标题", max_length=200, blank=True, help_text="为空时按数据自动拟定")
    issue_no = models.PositiveIntegerField(
        "期号/序号", null=True, blank=True, help_text="简报的第N期（每个创建项目单独编号），通报的发文序号"
    )
    doc_number = models.CharField("发文字号", max_length=60, blank=True, help_text="如 安食安办〔2024〕12号")
    period = models.CharField("期间", max_length=20, blank=True, help_text="如 2024-05、2024-H1、2024")
    round = models.ForeignKey(
        "dispatch.DispatchRound",
        verbose_name="调度轮次",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="documents",
    )
    assessment_ref = models.PositiveIntegerField(
        "评审编号", null=True, blank=True, help_text="自评报告/评审报告所依据的评审（评分模块）"
    )
    issued_on = models.DateField("成文日期", null=True, blank=True)
    narrative = models.JSONField("文字部分", default=dict, blank=True, help_text="{段落标识: 修改后的文字}")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    finalised_at = models.DateTimeField(
        "定稿时间", null=True, blank=True, help_text="定稿时分配发文字号并冻结该版本，此后不能再修改或生成"
    )
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="定稿人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = DocumentQuerySet.as_manager()

    @property
    def is_final(self) -> bool:
        return self.finalised_at is not None

    class Meta:
        verbose_name = verbose_name_plural = "公文报告"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "kind", "issue_no"],
                name="document_unique_issue",
                violation_error_message="该创建项目已有同一期号的同类文件",
            ),
        ]

    def __str__(self):
        return self.title or f"{self.get_kind_display()}"

    def get_absolute_url(self):
        return reverse("reports:document_detail", args=[self.pk])

    @property
    def latest_file(self):
        return self.files.order_by("-number").first()


class DocumentFileQuerySet(ScopedQuerySet):
    scope = Scope(via="document")


class DocumentFile(models.Model):
    """One generated version of a document (第N版): the .docx, the .pdf when made, the figures used."""

    audit_log = True

    document = models.ForeignKey(
        Document, verbose_name="文件", on_delete=models.CASCADE, related_name="files"
    )
    number = models.PositiveIntegerField("版本号")
    title = models.CharField("标题", max_length=200)
    docx = models.FileField("Word 文件", upload_to="reports/%Y/%m/", max_length=300)
    pdf = models.FileField("PDF 文件", upload_to="reports/%Y/%m/", max_length=300, blank=True)
    figures = models.JSONField("所用数据", default=dict, blank=True, help_text="生成时填入的数据，便于核对")
    is_final = models.BooleanField("定稿", default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="生成人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("生成时间", auto_now_add=True)

    objects = DocumentFileQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "公文版本"
        ordering = ["document", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "number"],
                name="documentfile_unique_number",
                violation_error_message="该文件已有同一版本号",
            ),
        ]

    def __str__(self):
        return f"{self.title}（第{self.number}版）"

    def filename(self, ext="docx"):
        return f"{self.title}（第{self.number}版）.{ext}"
