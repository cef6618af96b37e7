"""Incident register (食品安全事故/事件): what happened, its level and kind, the response timeline, closure,
and whether it triggers a 否决项 (a 较大及以上 accident, a listed kind once confirmed, or 瞒报谎报迟报)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse

from shian.core.models import BusinessModel
from shian.core.policy import Scope, ScopedQuerySet
from shian.incidents.choices import VETO_KINDS, VETO_LEVELS, EventKind, Kind, Level, Status


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
