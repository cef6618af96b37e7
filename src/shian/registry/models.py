"""主体库: the businesses (点位) a campaign inspects, their 业态 and the risk-based inspection frequency."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse

from shian.core.models import BusinessModel
from shian.core.policy import Scope, ScopedQuerySet
from shian.organisation.choices import UnitKind
from shian.registry import creditcode
from shian.registry.choices import BaobaoLevel, BusinessStatus, LicenceKind, RiskGrade


class SiteCategoryQuerySet(ScopedQuerySet):
    # Reference data: every signed-in user reads it, administrators change it.
    scope = Scope(public=True)


class SiteCategory(BusinessModel):
    """A 业态 / site category (学校食堂, 小餐饮 …): a configurable list, not a code enum."""

    code = models.SlugField("代码", max_length=30, unique=True)
    name = models.CharField("名称", max_length=40, unique=True)
    group = models.CharField(
        "大类", max_length=20, blank=True, help_text="单位食堂、餐饮服务、食品销售、食品生产"
    )
    aliases = models.CharField("别名", max_length=200, blank=True, help_text="导入时也认这些写法，用顿号分隔")
    sort_order = models.PositiveSmallIntegerField("排序", default=100)
    is_active = models.BooleanField("启用", default=True)

    objects = SiteCategoryQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "业态"
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.name


class FrequencyRule(BusinessModel):
    """Risk grade → required inspections per year (rules as data: A ≥1/年 … D 3–4/年)."""

    risk_grade = models.CharField("风险等级", max_length=1, choices=RiskGrade.choices, unique=True)
    min_per_year = models.PositiveSmallIntegerField("每年至少检查次数")
    max_per_year = models.PositiveSmallIntegerField("每年最多检查次数", null=True, blank=True)
    note = models.CharField("依据", max_length=200, blank=True)

    objects = SiteCategoryQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "检查频次规则"
        ordering = ["risk_grade"]

    def __str__(self):
        upper = (
            f"–{self.max_per_year}" if self.max_per_year and self.max_per_year != self.min_per_year else ""
        )
        return f"{self.risk_grade}级：{self.min_per_year}{upper}次/年"


def _business_unit_writes(user):
    """Township people change the businesses of their township; a member unit those it supervises."""
    inside = Q(region__path__startswith=user.unit.region.path)
    return inside if user.unit.kind == UnitKind.TOWNSHIP else inside & Q(supervising_unit_id=user.unit_id)


class BusinessQuerySet(ScopedQuerySet):
    """Office: its region subtree (read+change); leader: read it. Townships and member units read the
    businesses of their unit's region (the 市场监管局 and 教育局 need the whole county's list); townships
    change their township's, member units those they supervise. Experts: nothing here (they reach a
    business through their assigned visits). A business's own account (企业账号) reads its row; its
    总监/安全员 it changes through stewardship's service, never the registry's edit."""

    scope = Scope(
        region="region",
        unit="supervising_unit",
        units_read_below=True,
        unit_writes=_business_unit_writes,
        business="pk",
        business_writes=False,
    )

    def operating(self):
        return self.filter(status=BusinessStatus.OPEN)


class Business(BusinessModel):
    """One business (市场主体 / 点位): identified by its credit code, else its licence number."""

    name = models.CharField("主体名称", max_length=120)
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    licence_no = models.CharField(
        "许可证（登记证）编号",
        max_length=40,
        blank=True,
        help_text="食品经营许可证 JY…、生产许可证 SC…、小作坊/小摊贩登记证",
    )
    category = models.ForeignKey(
        SiteCategory, verbose_name="业态", on_delete=models.PROTECT, related_name="businesses"
    )
    region = models.ForeignKey(
        "organisation.Region",
        verbose_name="所属区划",
        on_delete=models.PROTECT,
        related_name="businesses",
        help_text="乡镇（街道）；导出中没有时为县（区）",
    )
    address = models.CharField("经营地址", max_length=200, blank=True)
    longitude = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True)
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    status = models.CharField(
        "经营状态", max_length=10, choices=BusinessStatus.choices, default=BusinessStatus.OPEN
    )
    risk_grade = models.CharField("风险等级", max_length=1, choices=RiskGrade.choices, blank=True)
    baobao_level = models.CharField("包保层级", max_length=10, choices=BaobaoLevel.choices, blank=True)
    legal_person = models.CharField("法定代表人（负责人）", max_length=40, blank=True)
    phone = models.CharField("联系电话", max_length=40, blank=True)
    safety_director = models.CharField("食品安全总监", max_length=40, blank=True)
    safety_officer = models.CharField("食品安全员", max_length=40, blank=True)
    licence_valid_until = models.DateField("许可证有效期至", null=True, blank=True)
    bright_kitchen = models.BooleanField("明厨亮灶", default=False)
    sunshine_food = models.BooleanField("阳光食品", default=False)
    liability_insurance = models.BooleanField("食品安全责任保险", default=False)
    supervising_unit = models.ForeignKey(
        "organisation.Unit",
        verbose_name="监管（责任）单位",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supervised_businesses",
        help_text="发现问题时的整改责任单位；为空时为所在乡镇",
    )

    objects = BusinessQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "市场主体"
        ordering = ["region__path", "category__sort_order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"],
                condition=~Q(credit_code=""),
                name="business_credit_code",
                violation_error_message="已有相同统一社会信用代码的主体",
            ),
            models.UniqueConstraint(
                fields=["licence_no"],
                condition=~Q(licence_no=""),
                name="business_licence_no",
                violation_error_message="已有相同许可证编号的主体",
            ),
        ]
        indexes = [models.Index(fields=["category", "status"], name="business_category_status")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("registry:business_detail", args=[self.pk])

    def clean(self):
        if self.credit_code:
            try:
                self.credit_code = creditcode.validate(self.credit_code)
            except creditcode.CreditCodeError as exc:
                raise ValidationError({"credit_code": str(exc)})
        self.licence_no = (self.licence_no or "").strip().upper()
        if not self.credit_code and not self.licence_no:
            raise ValidationError({"credit_code": "统一社会信用代码和许可证（登记证）编号至少填写一项"})

    @property
    def licence_kind(self):
        prefix = self.licence_no[:2].upper()
        if prefix in (LicenceKind.OPERATION, LicenceKind.PRODUCTION):
            return LicenceKind(prefix)
        return LicenceKind.REGISTRATION if self.licence_no else LicenceKind.OTHER

    @property
    def identifier(self):
        return self.credit_code or self.licence_no


class BusinessImportQuerySet(ScopedQuerySet):
    scope = Scope(owner="imported_by", owner_writes=False)


class BusinessImport(BusinessModel):
    """One import of a registry file: the audit trail of rows written in bulk (one event per file)."""

    filename = models.CharField("文件名", max_length=200)
    rows_read = models.PositiveIntegerField("读取行数", default=0)
    created = models.PositiveIntegerField("新增", default=0)
    updated = models.PositiveIntegerField("更新", default=0)
    imported_by = models.ForeignKey(
        "organisation.User",
        verbose_name="导入人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = BusinessImportQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "主体导入记录"
        ordering = ["-created_at"]

    def __str__(self):
        return f"导入{self.filename}（新增{self.created}，更新{self.updated}）"
