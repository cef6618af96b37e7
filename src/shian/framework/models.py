"""The indicator framework (评价细则) as versioned data.

Framework → Category (基础工作 / 能力建设 / 生产经营状况 / 示范引领) → Indicator → ScoringItem, with the
item's deduction rules, rubric levels, required materials and responsible units, plus the gates
(否决项, survey thresholds, key-item share, pass line) that decide the outcome whatever the points.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse

from shian.core.models import BusinessModel
from shian.core.policy import Scope, ScopedQuerySet
from shian.framework.choices import CategoryKind, GateKind, MaterialPeriod, Method, SurveyMetric, UnitRole

POINTS = {"max_digits": 7, "decimal_places": 2}


def framework_scope(path: str = "") -> Scope:
    """Read: global frameworks, those of the user's own region or its ancestors (a province's rules
    apply to its counties), those of the subtree an office or leader oversees, and those of the
    campaigns an expert reviews. Change: the office of the owner region. `path` leads from the model
    to its Framework, so every part of a framework is scoped by the framework it belongs to."""
    return Scope(
        region=f"{path}owner_region",
        unowned_readable=True,
        everyone_reads_above=True,
        expert=f"{path}campaigns__assessments__review_groups__members",
    )


class FrameworkQuerySet(ScopedQuerySet):
    scope = framework_scope()


class CategoryQuerySet(ScopedQuerySet):
    scope = framework_scope("framework__")


class IndicatorQuerySet(ScopedQuerySet):
    scope = framework_scope("category__framework__")


class ScoringItemQuerySet(ScopedQuerySet):
    scope = framework_scope("indicator__category__framework__")


class ItemPartQuerySet(ScopedQuerySet):
    scope = framework_scope("item__indicator__category__framework__")


class Framework(BusinessModel):
    """One version of an evaluation framework (e.g. 国家食品安全示范城市评价细则（2023版）)."""

    name = models.CharField("名称", max_length=200)
    version_label = models.CharField("版本", max_length=40, blank=True, help_text="如 2023版")
    issuer = models.CharField("发布机关", max_length=100, blank=True)
    description = models.TextField("说明", blank=True)
    is_sample = models.BooleanField(
        "示例", default=False, help_text="系统自带的示例细则，实际使用请导入本地细则"
    )
    owner_region = models.ForeignKey(
        "organisation.Region",
        verbose_name="所属区划",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="frameworks",
        help_text="为空表示全局通用",
    )
    pass_line = models.DecimalField("及格线（总分）", **POINTS, null=True, blank=True)
    key_item_min_share = models.DecimalField(
        "关键项最低得分率",
        max_digits=4,
        decimal_places=3,
        null=True,
        blank=True,
        help_text="如 0.6 表示每个关键项须达到其分值的60%",
    )
    default_step = models.DecimalField("默认计分步长", **POINTS, default=Decimal("0.5"))

    objects = FrameworkQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "评价细则"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name}{'（' + self.version_label + '）' if self.version_label else ''}"

    def get_absolute_url(self):
        return reverse("framework:framework_detail", args=[self.pk])

    def items(self):
        return ScoringItem.objects.filter(indicator__category__framework=self)

    def totals(self) -> dict:
        """Points of the base categories and the bonus cap, computed from the items."""
        base = Decimal(0)
        bonus = Decimal(0)
        for cat in self.categories.all():
            if cat.kind == CategoryKind.BONUS:
                bonus += cat.effective_points
            else:
                base += cat.effective_points
        return {"base": base, "bonus": bonus}


class Category(BusinessModel):
    """一级指标 / 评价项目: 基础工作, 能力建设, 生产经营状况, or a bonus block such as 示范引领."""

    framework = models.ForeignKey(
        Framework, verbose_name="细则", on_delete=models.CASCADE, related_name="categories"
    )
    seq = models.PositiveIntegerField("序号", default=1)
    code = models.CharField("编号", max_length=20, blank=True)
    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类型", max_length=10, choices=CategoryKind.choices, default=CategoryKind.BASE)
    points = models.DecimalField("分值", **POINTS, null=True, blank=True, help_text="为空时按所含评分项合计")
    cap = models.DecimalField("封顶分", **POINTS, null=True, blank=True, help_text="加分项的最高得分")

    objects = CategoryQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "指标类别"
        ordering = ["framework", "seq", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "name"],
                name="category_unique_name",
                violation_error_message="同一细则中类别名称不能重复",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("framework:framework_detail", args=[self.framework_id]) + f"#category-{self.pk}"

    @property
    def effective_points(self) -> Decimal:
        if self.kind == CategoryKind.BONUS and self.cap is not None:
            return self.cap
        if self.points is not None:
            return self.points
        return sum((i.points for ind in self.indicators.all() for i in ind.items.all()), Decimal(0))


class Indicator(BusinessModel):
    """二级指标 / 评价内容 (e.g. 党政同责, 食品抽检量)."""

    category = models.ForeignKey(
        Category, verbose_name="类别", on_delete=models.CASCADE, related_name="indicators"
    )
    seq = models.PositiveIntegerField("序号", default=1)
    code = models.CharField("编号", max_length=20, blank=True)
    name = models.CharField("名称", max_length=200)
    description = models.TextField("说明", blank=True)

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "指标"
        ordering = ["category", "seq", "id"]

    def __str__(self):
        return f"{self.code} {self.name}".strip()

    def get_absolute_url(self):
        return (
            reverse("framework:framework_detail", args=[self.category.framework_id]) + f"#indicator-{self.pk}"
        )


class ScoringItem(BusinessModel):
    """评分项: what is judged, for how many points, how, and by whom it must be delivered."""

    indicator = models.ForeignKey(
        Indicator, verbose_name="指标", on_delete=models.CASCADE, related_name="items"
    )
    seq = models.PositiveIntegerField("序号", default=1)
    code = models.CharField("编号", max_length=20, blank=True)
    content = models.TextField("评分要点", help_text="评价内容 / 评价要求")
    points = models.DecimalField("分值", **POINTS, validators=[MinValueValidator(0)])
    step = models.DecimalField(
        "计分步长", **POINTS, null=True, blank=True, help_text="为空时使用细则默认步长"
    )
    methods = models.JSONField("评价方式", default=list, blank=True, help_text="资料审查、现场检查等")
    scoring_rule = models.TextField("评分标准", blank=True, help_text="扣分标准 / 评分方法")
    rubric = models.JSONField(
        "等级评分",
        default=list,
        blank=True,
        help_text='如 [{"level": "好", "min": 4, "max": 5}, {"level": "合格", "min": 2, "max": 3.5}]',
    )
    is_key = models.BooleanField("关键项", default=False)
    key_min_share = models.DecimalField(
        "关键项最低得分率",
        max_digits=4,
        decimal_places=3,
        null=True,
        blank=True,
        help_text="为空时使用细则设置",
    )
    deadline = models.DateField("完成时限", null=True, blank=True)
    deadline_text = models.CharField("时间节点", max_length=100, blank=True, help_text="如“每季度”“长期坚持”")
    unmatched_units = models.CharField(
        "未匹配单位",
        max_length=300,
        blank=True,
        help_text="导入时未能对应到系统单位的名称（牵头单位，以“、”分隔）",
    )
    unmatched_coop_units = models.CharField(
        "未匹配配合单位",
        max_length=300,
        blank=True,
        help_text="导入时未能对应到系统单位的配合单位名称，以“、”分隔",
    )
    units = models.ManyToManyField(
        "organisation.Unit", through="ItemUnit", related_name="scoring_items", blank=True
    )

    objects = ScoringItemQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "评分项"
        ordering = ["indicator", "seq", "id"]

    def __str__(self):
        text = self.content.splitlines()[0] if self.content else ""
        return f"{self.code} {text[:40]}".strip()

    def get_absolute_url(self):
        return reverse("framework:item_detail", args=[self.pk])

    def clean(self):
        step = self.step
        if step is not None and step <= 0:
            raise ValidationError({"step": "计分步长必须大于0"})
        for level in self.rubric or []:
            if not isinstance(level, dict) or not {"level", "min", "max"} <= set(level):
                raise ValidationError({"rubric": "等级评分每一级须包含 level、min、max"})
            if Decimal(str(level["min"])) > Decimal(str(level["max"])):
                raise ValidationError({"rubric": f"等级“{level['level']}”的最低分大于最高分"})
            if self.points is not None and Decimal(str(level["max"])) > self.points:
                raise ValidationError({"rubric": f"等级“{level['level']}”的最高分超过分值"})
        unknown = set(self.methods or []) - set(Method.values)
        if unknown:
            raise ValidationError({"methods": f"未知的评价方式：{'、'.join(sorted(unknown))}"})

    @property
    def effective_step(self) -> Decimal:
        return self.step or self.indicator.category.framework.default_step

    def method_labels(self):
        return [Method(m).label for m in self.methods if m in Method.values]

    def unmatched_lead_names(self) -> list[str]:
        return [n for n in self.unmatched_units.split("、") if n]

    def unmatched_coop_names(self) -> list[str]:
        return [n for n in self.unmatched_coop_units.split("、") if n]

    def lead_units(self):
        return [a.unit for a in self.assignments.all() if a.role == UnitRole.LEAD]

    def coop_units(self):
        return [a.unit for a in self.assignments.all() if a.role == UnitRole.COOPERATE]


class ItemUnit(BusinessModel):
    """A unit responsible for a scoring item, as lead (牵头) or cooperating (配合) unit."""

    item = models.ForeignKey(ScoringItem, on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey(
        "organisation.Unit", verbose_name="单位", on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField("职责", max_length=4, choices=UnitRole.choices, default=UnitRole.LEAD)
    seq = models.PositiveSmallIntegerField(default=1)

    objects = ItemPartQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "评分项责任单位"
        ordering = ["item", "role", "seq"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "unit"],
                name="itemunit_unique",
                violation_error_message="该单位已是此评分项的责任单位",
            ),
        ]

    def __str__(self):
        return f"{self.unit}（{self.get_role_display()}）"


class DeductionRule(BusinessModel):
    """A standard deduction of an item (e.g. 未制定责任清单扣1分)."""

    item = models.ForeignKey(ScoringItem, on_delete=models.CASCADE, related_name="deductions")
    seq = models.PositiveSmallIntegerField("序号", default=1)
    description = models.CharField("扣分情形", max_length=300)
    points = models.DecimalField("扣分", **POINTS, validators=[MinValueValidator(0)])
    per_occurrence = models.BooleanField("按次扣分", default=False)

    objects = ItemPartQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "扣分规则"
        ordering = ["item", "seq", "id"]

    def __str__(self):
        return f"{self.description}（扣{self.points:g}分）"


class MaterialRequirement(BusinessModel):
    """A piece of evidence the reviewers expect for an item (材料清单 / 佐证材料)."""

    item = models.ForeignKey(ScoringItem, on_delete=models.CASCADE, related_name="materials")
    seq = models.PositiveSmallIntegerField("序号", default=1)
    name = models.CharField("材料名称", max_length=300)
    description = models.TextField("要求", blank=True)
    provider = models.ForeignKey(
        "organisation.Unit",
        verbose_name="提供单位",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    period = models.CharField(
        "时间范围", max_length=16, choices=MaterialPeriod.choices, default=MaterialPeriod.ANY
    )
    period_years = models.PositiveSmallIntegerField("年数", null=True, blank=True, help_text="近N年时的N")
    provider_name = models.CharField(
        "提供单位（未匹配）", max_length=100, blank=True, help_text="导入时未能对应到系统单位的提供单位名称"
    )

    objects = ItemPartQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "材料要求"
        ordering = ["item", "seq", "id"]

    def __str__(self):
        return self.name

    def period_label(self):
        if self.period == MaterialPeriod.LAST_YEARS and self.period_years:
            return f"近{self.period_years}年"
        return self.get_period_display()


class Gate(BusinessModel):
    """A rule that decides the outcome beyond the sum of points."""

    framework = models.ForeignKey(
        Framework, verbose_name="细则", on_delete=models.CASCADE, related_name="gates"
    )
    seq = models.PositiveSmallIntegerField("序号", default=1)
    kind = models.CharField("类型", max_length=10, choices=GateKind.choices)
    name = models.CharField("名称", max_length=200)
    description = models.TextField("说明", blank=True)
    metric = models.CharField("测评指标", max_length=16, choices=SurveyMetric.choices, blank=True)
    threshold = models.DecimalField(
        "门槛值",
        max_digits=7,
        decimal_places=3,
        null=True,
        blank=True,
        help_text="测评门槛为比例（0.8 即80%），总分门槛为分数",
    )

    objects = CategoryQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "否决项与门槛"
        ordering = ["framework", "seq", "id"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("framework:framework_detail", args=[self.framework_id]) + "#gates"

    def clean(self):
        if self.kind == GateKind.SURVEY and (not self.metric or self.threshold is None):
            raise ValidationError("测评门槛须指定测评指标和门槛值")
        if self.kind == GateKind.SURVEY and self.threshold is not None and not (0 < self.threshold <= 1):
            raise ValidationError({"threshold": "测评门槛值须在0到1之间（如0.8）"})
