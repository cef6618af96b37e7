"""包保: cadres (包保干部), the 层级对应 rules as data, and cadre ↔ business bindings."""

from django.db import models
from django.db.models import Q

from shian.core.models import BusinessModel
from shian.core.policy import Scope, ScopedQuerySet
from shian.registry.choices import BaobaoLevel
from shian.stewardship.choices import (
    CadreLevel,
    DutyKind,
    FindingStatus,
    PointEvent,
    PointSubject,
    VisitStep,
)


class LevelRuleQuerySet(ScopedQuerySet):
    # Reference data: every signed-in user reads it, administrators change it.
    scope = Scope(public=True)


class LevelRule(BusinessModel):
    """层级对应: which business class (registry 包保层级) a cadre level takes, how often they visit."""

    cadre_level = models.CharField("干部层级", max_length=10, choices=CadreLevel.choices, unique=True)
    business_level = models.CharField("对应主体包保层级", max_length=10, choices=BaobaoLevel.choices)
    visits_per_year = models.PositiveSmallIntegerField("每年督导次数")
    max_load = models.PositiveSmallIntegerField("最多包保主体数")
    note = models.CharField("依据", max_length=200, blank=True)

    objects = LevelRuleQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "层级对应规则"
        ordering = ["cadre_level"]

    def __str__(self):
        return f"{self.get_cadre_level_display()}→{self.get_business_level_display()}，{self.visits_per_year}次/年"


class CadreQuerySet(ScopedQuerySet):
    """Office: its region subtree; townships read+change their township's cadres; the cadre with a login
    sees themselves through the region rule of their unit."""

    scope = Scope(region="region", unit="unit", units_read_below=True)


class Cadre(BusinessModel):
    """One 包保干部."""

    name = models.CharField("姓名", max_length=40)
    post = models.CharField("职务", max_length=80, blank=True)
    level = models.CharField("层级", max_length=10, choices=CadreLevel.choices)
    region = models.ForeignKey(
        "organisation.Region", verbose_name="所属区划", on_delete=models.PROTECT, related_name="cadres"
    )
    unit = models.ForeignKey(
        "organisation.Unit",
        verbose_name="所在单位",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cadres",
    )
    phone = models.CharField("手机号", max_length=20)
    user = models.ForeignKey(
        "organisation.User",
        verbose_name="登录账号",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cadre_roles",
    )
    is_active = models.BooleanField("在岗", default=True)

    objects = CadreQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "包保干部"
        ordering = ["region__path", "level", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["phone"], name="cadre_phone", violation_error_message="已有相同手机号的包保干部"
            )
        ]

    def __str__(self):
        return f"{self.name}（{self.get_level_display()}）"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("stewardship:cadre_detail", args=[self.pk])


class BindingQuerySet(ScopedQuerySet):
    # A business account reads who stewards its business (its 三张清单 names them), changes nothing.
    scope = Scope(
        region="business__region",
        unit="cadre__unit",
        units_read_below=True,
        business="business",
        business_writes=False,
    )


class Binding(BusinessModel):
    """Cadre ↔ business (one active cadre per business and level)."""

    cadre = models.ForeignKey(
        Cadre, verbose_name="包保干部", on_delete=models.CASCADE, related_name="bindings"
    )
    business = models.ForeignKey(
        "registry.Business", verbose_name="市场主体", on_delete=models.CASCADE, related_name="bindings"
    )
    suggested = models.BooleanField("系统建议", default=False)
    is_active = models.BooleanField("有效", default=True)

    objects = BindingQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "包保关系"
        ordering = ["business__region__path", "business__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["cadre", "business"],
                condition=Q(is_active=True),
                name="binding_cadre_business",
                violation_error_message="该干部已包保该主体",
            )
        ]

    def __str__(self):
        return f"{self.cadre.name} ↔ {self.business.name}"


class VisitQuerySet(ScopedQuerySet):
    scope = Scope(region="business__region", unit="cadre__unit", units_read_below=True)


class StewardVisit(BusinessModel):
    """One 督导 visit of a cadre to a bound business, recorded by the 五步法."""

    cadre = models.ForeignKey(Cadre, verbose_name="包保干部", on_delete=models.PROTECT, related_name="visits")
    business = models.ForeignKey(
        "registry.Business", verbose_name="市场主体", on_delete=models.PROTECT, related_name="steward_visits"
    )
    visited_on = models.DateField("督导日期")
    licences_shown = models.BooleanField("一看：证照公示", default=True)
    records_kept = models.BooleanField("二查：制度台账", default=True)
    staff_answered = models.BooleanField("三问：能问能答", default=True)
    problems = models.TextField("四记：记录问题", blank=True)
    feedback = models.TextField("五反馈：反馈整改", blank=True)
    longitude = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True)
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    licences_note = models.CharField("一看：情况", max_length=300, blank=True)
    records_note = models.CharField("二查：情况", max_length=300, blank=True)
    staff_note = models.CharField("三问：情况", max_length=300, blank=True)
    feedback_to = models.CharField("五反馈：反馈对象", max_length=40, blank=True)
    recorded_by = models.ForeignKey(
        "organisation.User",
        verbose_name="记录人账号",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    via_link = models.BooleanField("经短信链接填报", default=False)

    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "包保督导"
        ordering = ["-visited_on"]

    def __str__(self):
        return f"{self.cadre.name} {self.visited_on:%Y-%m-%d} {self.business.name}"


class ViaStewardVisit(ScopedQuerySet):
    scope = Scope(via="visit")


class StewardVisitPhoto(BusinessModel):
    """A photo taken on the visit (any of the five steps)."""

    visit = models.ForeignKey(
        StewardVisit, verbose_name="督导", on_delete=models.CASCADE, related_name="photos"
    )
    step = models.PositiveSmallIntegerField("步骤", choices=VisitStep.choices, default=VisitStep.LOOK)
    file = models.FileField("照片", upload_to="stewardship/photos/%Y/%m/", max_length=300)

    objects = ViaStewardVisit.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "督导照片"
        ordering = ["visit", "step", "id"]

    def __str__(self):
        return f"督导照片{self.pk}"


class VisitFinding(BusinessModel):
    """四记: one problem found on a visit; it becomes a rectification problem of the business and is
    followed up (复查) on the next visit to the business."""

    visit = models.ForeignKey(
        StewardVisit, verbose_name="督导", on_delete=models.CASCADE, related_name="findings"
    )
    step = models.PositiveSmallIntegerField("发现环节", choices=VisitStep.choices, default=VisitStep.RECORD)
    text = models.CharField("问题", max_length=300)
    status = models.CharField(
        "复查结果", max_length=10, choices=FindingStatus.choices, default=FindingStatus.OPEN
    )
    checked_in = models.ForeignKey(
        StewardVisit,
        verbose_name="复查督导",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="followed_up",
    )
    problem = models.ForeignKey(
        "rectification.Problem",
        verbose_name="整改问题",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="steward_findings",
    )

    objects = ViaStewardVisit.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "督导发现问题"
        ordering = ["visit", "id"]

    def __str__(self):
        return self.text[:40]


class CommitmentQuerySet(ScopedQuerySet):
    scope = Scope(region="cadre__region", unit="cadre__unit", units_read_below=True)


class Commitment(BusinessModel):
    """三张清单一承诺书 of a cadre for a year: generated, printed, signed, and the signed scan kept."""

    cadre = models.ForeignKey(
        Cadre, verbose_name="包保干部", on_delete=models.CASCADE, related_name="commitments"
    )
    year = models.PositiveSmallIntegerField("年度")
    businesses = models.PositiveSmallIntegerField("清单主体数", default=0)
    signed_scan = models.FileField(
        "签字扫描件", upload_to="stewardship/commitments/%Y/", max_length=300, blank=True
    )
    signed_on = models.DateField("签字日期", null=True, blank=True)
    uploaded_by = models.ForeignKey(
        "organisation.User",
        verbose_name="上传人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = CommitmentQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "三张清单一承诺书"
        ordering = ["-year", "cadre__region__path", "cadre__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["cadre", "year"],
                name="commitment_cadre_year",
                violation_error_message="该干部本年度已有承诺书",
            )
        ]

    def __str__(self):
        return f"{self.cadre.name} {self.year}年三张清单一承诺书"

    @property
    def is_signed(self):
        return bool(self.signed_scan)


class PointRule(BusinessModel):
    """积分 as data: the points a cadre or a business gets for one event."""

    subject = models.CharField("对象", max_length=10, choices=PointSubject.choices)
    event = models.CharField("事项", max_length=20, choices=PointEvent.choices)
    points = models.SmallIntegerField("分值")
    note = models.CharField("说明", max_length=200, blank=True)

    objects = LevelRuleQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "积分规则"
        ordering = ["subject", "event"]
        constraints = [models.UniqueConstraint(fields=["subject", "event"], name="point_rule_subject_event")]

    def __str__(self):
        return f"{self.get_subject_display()}·{self.get_event_display()}：{self.points:+d}分"


class StarRule(BusinessModel):
    """星级 as data: the least points for each star rating of a cadre or a business."""

    subject = models.CharField("对象", max_length=10, choices=PointSubject.choices)
    stars = models.PositiveSmallIntegerField("星级")
    min_points = models.IntegerField("最低积分")

    objects = LevelRuleQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "星级规则"
        ordering = ["subject", "stars"]
        constraints = [models.UniqueConstraint(fields=["subject", "stars"], name="star_rule_subject_stars")]

    def __str__(self):
        return f"{self.get_subject_display()}{self.stars}星：{self.min_points}分以上"


class DutyQuerySet(ScopedQuerySet):
    """Office: its subtree; units: the businesses they supervise, read below their region; a business
    account reads and changes its own business's rows."""

    scope = Scope(
        region="business__region",
        unit="business__supervising_unit",
        units_read_below=True,
        business="business",
    )


class DutyRecord(BusinessModel):
    """One 日管控 / 周排查 / 月调度 record of a business that must run them (the registry names its
    食品安全总监), entered by the office, the township, or the bound cadre on a visit."""

    business = models.ForeignKey(
        "registry.Business", verbose_name="市场主体", on_delete=models.CASCADE, related_name="duty_records"
    )
    kind = models.CharField("类别", max_length=10, choices=DutyKind.choices)
    period = models.DateField("周期", help_text="当日；周排查为该周周一；月调度为该月1日")
    done_by = models.CharField("填报人（总监/安全员）", max_length=40)
    checked = models.TextField("管控/排查/调度内容", blank=True)
    problems = models.TextField("发现的风险隐患", blank=True)
    measures = models.TextField("防范措施", blank=True)
    visit = models.ForeignKey(
        StewardVisit,
        verbose_name="督导时录入",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="duty_records",
    )
    recorded_by = models.ForeignKey(
        "organisation.User",
        verbose_name="录入账号",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = DutyQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "日管控周排查月调度记录"
        ordering = ["-period", "business__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["business", "kind", "period"],
                name="duty_business_kind_period",
                violation_error_message="该主体本周期已有记录",
            )
        ]

    def __str__(self):
        return f"{self.business.name} {self.get_kind_display()} {self.period:%Y-%m-%d}"


class RiskControl(BusinessModel):
    """One line of a business's 风险管控清单 (总局令第60号: the risks the 总监/安全员 control, how, and how
    often), kept by the business's account or by the office / township."""

    business = models.ForeignKey(
        "registry.Business", verbose_name="市场主体", on_delete=models.CASCADE, related_name="risk_controls"
    )
    risk = models.CharField("风险点", max_length=200)
    measures = models.CharField("管控措施", max_length=300)
    frequency = models.CharField("管控频次", max_length=40, blank=True, help_text="如：每日、每周、每批次")
    person = models.CharField("责任人", max_length=40, blank=True)

    objects = DutyQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "风险管控清单"
        ordering = ["business", "id"]

    def __str__(self):
        return f"{self.business.name}：{self.risk[:30]}"


class BusinessAccountQuerySet(ScopedQuerySet):
    # Who opened it (office, township) reads it with the business; the account reads its own link.
    scope = Scope(
        region="business__region",
        unit="business__supervising_unit",
        units_read_below=True,
        business="business",
        business_writes=False,
    )


class BusinessAccount(BusinessModel):
    """企业账号: the login (role "business") a food business enters its own 主体责任 data with."""

    user = models.OneToOneField(
        "organisation.User",
        verbose_name="登录账号",
        on_delete=models.CASCADE,
        related_name="business_account",
    )
    business = models.ForeignKey(
        "registry.Business", verbose_name="市场主体", on_delete=models.CASCADE, related_name="accounts"
    )
    is_active = models.BooleanField("启用", default=True)

    objects = BusinessAccountQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "企业账号"
        ordering = ["business", "user__username"]

    def __str__(self):
        return f"{self.business.name}（{self.user.username}）"
