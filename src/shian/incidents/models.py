"""Incident register (食品安全事故/事件): what happened, its level and kind, the response timeline, closure,
and whether it triggers a 否决项 (a 较大及以上 accident, a listed kind once confirmed, or 瞒报谎报迟报)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse

from shian.core.models import BusinessModel
from shian.core.policy import Scope, ScopedQuerySet
from shian.incidents.choices import (
    SITE_DONE,
    VETO_KINDS,
    VETO_LEVELS,
    EventKind,
    Kind,
    Level,
    SiteStatus,
    SpecialKind,
    SpecialStatus,
    Status,
)


def veto_q() -> Q:
    """The rows that trigger a 否决项, unless the office overrode it with a written reason."""
    derived = (
        Q(level__in=VETO_LEVELS)
        | Q(kind__in=VETO_KINDS, confirmed=True)
        | Q(concealed=True)
        | Q(reported_on_time=False)
    )
    return (derived & ~Q(veto_override=False)) | Q(veto_override=True)


class IncidentQuerySet(ScopedQuerySet):
    """Office: its region subtree (read+change); leader reads it; unit heads and liaisons read the
    incidents of their unit's region (a township its own; a county bureau the county's) and those they
    lead the response of; only the office records and changes them."""

    scope = Scope(region="region", unit="lead_unit", unit_writes=False, units_read_below=True)

    def vetoing(self):
        return self.filter(veto_q())


class Incident(BusinessModel):
    """One food safety incident or event as the office registered it."""

    region = models.ForeignKey(
        "organisation.Region", verbose_name="发生地区划", on_delete=models.PROTECT, related_name="incidents"
    )
    title = models.CharField("事件名称", max_length=120)
    occurred_on = models.DateField("发生日期")
    place = models.CharField("发生地点", max_length=200, blank=True)
    level = models.CharField("等级", max_length=5, choices=Level.choices, default=Level.NONE)
    kind = models.CharField("类别", max_length=12, choices=Kind.choices)
    affected = models.PositiveIntegerField("涉及人数", default=0)
    description = models.TextField("事件经过", blank=True)
    lead_unit = models.ForeignKey(
        "organisation.Unit",
        verbose_name="牵头处置单位",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_incidents",
    )
    confirmed = models.BooleanField(
        "已核实", default=False, help_text="经调查核实属实（校园、非法添加等类别据此计入否决）"
    )
    reported_at = models.DateTimeField("向上级报告时间", null=True, blank=True)
    reported_on_time = models.BooleanField("按时报告", null=True, blank=True, help_text="否＝迟报，计入否决")
    concealed = models.BooleanField("瞒报、谎报", default=False, help_text="是＝计入否决")
    veto_override = models.BooleanField(
        "否决认定（人工）", null=True, blank=True, help_text="为空时按等级、类别和报告情况自动认定"
    )
    override_reason = models.TextField("人工认定理由", blank=True)
    status = models.CharField("状态", max_length=8, choices=Status.choices, default=Status.OPEN)
    closed_on = models.DateField("结案日期", null=True, blank=True)
    closure_summary = models.TextField("结案情况", blank=True)

    objects = IncidentQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "食品安全事件"
        ordering = ["-occurred_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(veto_override__isnull=True) | ~Q(override_reason=""),
                name="incident_override_reason",
                violation_error_message="人工认定否决情形时必须写明理由",
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | Q(closed_on__isnull=False),
                name="incident_closed_on",
                violation_error_message="已结案的事件必须填写结案日期",
            ),
        ]

    def __str__(self):
        return f"{self.occurred_on:%Y-%m-%d} {self.title}"

    def get_absolute_url(self):
        return reverse("incidents:incident_detail", args=[self.pk])

    def clean(self):
        errors = {}
        if self.closed_on and self.occurred_on and self.closed_on < self.occurred_on:
            errors["closed_on"] = "结案日期不能早于发生日期"
        if self.veto_override is not None and not self.override_reason.strip():
            errors["override_reason"] = "人工认定否决情形时必须写明理由"
        if errors:
            raise ValidationError(errors)

    @property
    def derived_veto(self) -> bool:
        return bool(
            self.level in VETO_LEVELS
            or (self.kind in VETO_KINDS and self.confirmed)
            or self.concealed
            or self.reported_on_time is False
        )

    @property
    def triggers_veto(self) -> bool:
        return self.derived_veto if self.veto_override is None else self.veto_override

    def veto_reasons(self) -> list[str]:
        if self.veto_override is not None:
            return [f"人工认定：{self.override_reason}"]
        reasons = []
        if self.level in VETO_LEVELS:
            reasons.append(f"{self.get_level_display()}食品安全事故")
        if self.kind in VETO_KINDS and self.confirmed:
            reasons.append(f"经核实的{self.get_kind_display()}")
        if self.concealed:
            reasons.append("瞒报、谎报")
        if self.reported_on_time is False:
            reasons.append("迟报")
        return reasons


class IncidentEventQuerySet(ScopedQuerySet):
    scope = Scope(via="incident")


class IncidentEvent(BusinessModel):
    """One step of the response timeline (上报、处置、调查、信息发布、结案)."""

    incident = models.ForeignKey(
        Incident, verbose_name="事件", on_delete=models.CASCADE, related_name="events"
    )
    at = models.DateTimeField("时间")
    kind = models.CharField("环节", max_length=14, choices=EventKind.choices, default=EventKind.RESPONSE)
    note = models.TextField("情况")
    recorded_by = models.ForeignKey(
        "organisation.User", verbose_name="记录人", null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = IncidentEventQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "事件处置记录"
        ordering = ["incident", "at", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"


# ------------------------------------------------------------------------------ 专项整治


class SpecialCampaignQuerySet(ScopedQuerySet):
    """Like the register: the office runs its region's campaigns; leaders read; units read those of
    their region (a township its own county's) and those they lead."""

    scope = Scope(region="region", unit="lead_unit", unit_writes=False, units_read_below=True)


class SpecialCampaign(BusinessModel):
    """专项整治: a time-boxed drive on one kind of risk, with targets per township and the registry's
    businesses it covers."""

    region = models.ForeignKey(
        "organisation.Region", verbose_name="区划", on_delete=models.PROTECT, related_name="special_campaigns"
    )
    title = models.CharField("名称", max_length=120)
    kind = models.CharField("类型", max_length=14, choices=SpecialKind.choices)
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期")
    lead_unit = models.ForeignKey(
        "organisation.Unit",
        verbose_name="牵头单位",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_special_campaigns",
    )
    goal = models.TextField("整治目标", blank=True)
    status = models.CharField(
        "状态", max_length=8, choices=SpecialStatus.choices, default=SpecialStatus.PLANNED
    )
    summary = models.TextField("整治成效", blank=True)

    objects = SpecialCampaignQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "专项整治"
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="special_campaign_dates",
                violation_error_message="结束日期不能早于开始日期",
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("incidents:special_detail", args=[self.pk])

    def clean(self):
        if (
            self.lead_unit_id
            and self.region_id
            and not self.lead_unit.region.path.startswith(self.region.path)
        ):
            raise ValidationError({"lead_unit": f"牵头单位“{self.lead_unit}”不在“{self.region}”内"})


class ViaSpecialQuerySet(ScopedQuerySet):
    scope = Scope(via="campaign")


class SpecialTarget(BusinessModel):
    """The number of businesses a township is to bring up to standard in the campaign."""

    campaign = models.ForeignKey(
        SpecialCampaign, verbose_name="专项整治", on_delete=models.CASCADE, related_name="targets"
    )
    township = models.ForeignKey(
        "organisation.Region", verbose_name="乡镇（街道）", on_delete=models.PROTECT, related_name="+"
    )
    target = models.PositiveIntegerField("目标户数")
    note = models.CharField("说明", max_length=200, blank=True)

    objects = ViaSpecialQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "专项整治目标"
        ordering = ["campaign", "township__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "township"],
                name="special_target_unique",
                violation_error_message="该乡镇已设整治目标",
            )
        ]

    def __str__(self):
        return f"{self.township}：{self.target}户"


class SpecialSite(BusinessModel):
    """One business of the registry the campaign covers, and where its 整治 stands."""

    campaign = models.ForeignKey(
        SpecialCampaign, verbose_name="专项整治", on_delete=models.CASCADE, related_name="sites"
    )
    business = models.ForeignKey(
        "registry.Business", verbose_name="经营主体", on_delete=models.PROTECT, related_name="special_sites"
    )
    status = models.CharField(
        "整治情况", max_length=10, choices=SiteStatus.choices, default=SiteStatus.PENDING
    )
    checked_on = models.DateField("排查日期", null=True, blank=True)
    finding = models.CharField("发现问题", max_length=300, blank=True)
    result = models.CharField("整改结果", max_length=300, blank=True)

    objects = ViaSpecialQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "专项整治对象"
        ordering = ["campaign", "business__region__code", "business__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "business"],
                name="special_site_unique",
                violation_error_message="该主体已在本次专项整治范围内",
            )
        ]

    def __str__(self):
        return f"{self.business}（{self.get_status_display()}）"

    def get_absolute_url(self):
        return self.campaign.get_absolute_url() + f"#site-{self.pk}"

    @property
    def is_done(self) -> bool:
        return self.status in SITE_DONE
