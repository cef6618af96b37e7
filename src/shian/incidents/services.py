"""Incident writes: only the office (创建办) of the region records incidents, their timeline and closure."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from shian.core.audit import log_event
from shian.core.policy import ensure_can, manages
from shian.core.services import save_versioned
from shian.incidents.choices import (
    SITE_DONE,
    SPECIAL_CATEGORIES,
    EventKind,
    SiteStatus,
    SpecialStatus,
    Status,
)
from shian.incidents.models import Incident, IncidentEvent, SpecialCampaign, SpecialSite, SpecialTarget
from shian.organisation.choices import RegionLevel
from shian.registry.choices import BusinessStatus
from shian.registry.models import Business
from shian.scoring.services import sync_vetoes


def _check_office(actor, region):
    if actor.is_read_only:
        raise PermissionDenied("只读账号不能登记事件")
    if region is None or not manages(actor, region):
        raise PermissionDenied("只有本地区的创建办可以登记和修改食品安全事件")


@transaction.atomic
def create_incident(*, actor, **fields) -> Incident:
    incident = Incident(**fields)
    _check_office(actor, incident.region if incident.region_id else None)
    incident.full_clean()
    incident.save()
    ensure_can(actor, incident, "change")
    log_event(incident, "incident_registered", incident.title)
    sync_vetoes(incident.region)
    return incident


@transaction.atomic
def update_incident(incident: Incident, *, actor, expected_version, **fields) -> Incident:
    _check_office(actor, incident.region)
    before_veto = incident.triggers_veto
    for key, value in fields.items():
        setattr(incident, key, value)
    _check_office(actor, incident.region)
    incident.full_clean()
    save_versioned(incident, expected_version)
    ensure_can(actor, incident, "change")
    if incident.veto_override is not None or before_veto != incident.triggers_veto:
        log_event(
            incident,
            "incident_veto_changed",
            incident.override_reason,
            {"veto": incident.triggers_veto, "override": incident.veto_override},
        )
    sync_vetoes(incident.region)  # the open assessments' 否决项 follow the register
    return incident


@transaction.atomic
def add_event(incident: Incident, *, actor, kind, note, at=None) -> IncidentEvent:
    _check_office(actor, incident.region)
    if incident.status == Status.CLOSED:
        raise ValidationError({"note": "事件已结案，不能再添加处置记录"})
    event = IncidentEvent(incident=incident, kind=kind, note=note, at=at or timezone.now(), recorded_by=actor)
    event.full_clean()
    event.save()
    return event


@transaction.atomic
def close_incident(incident: Incident, *, actor, expected_version, closed_on, summary) -> Incident:
    _check_office(actor, incident.region)
    if incident.status == Status.CLOSED:
        raise ValidationError("事件已结案")
    if not (summary or "").strip():
        raise ValidationError({"summary": "请填写结案情况"})
    incident.status = Status.CLOSED
    incident.closed_on = closed_on
    incident.closure_summary = summary
    incident.full_clean()
    save_versioned(incident, expected_version)
    IncidentEvent.objects.create(
        incident=incident, kind=EventKind.CLOSURE, note=summary, at=timezone.now(), recorded_by=actor
    )
    log_event(incident, "incident_closed", summary)
    return incident


# ------------------------------------------------------------------------------ 专项整治


def _check_special_office(actor, campaign):
    if actor.is_read_only or not manages(actor, campaign.region):
        raise PermissionDenied("只有本地区的创建办可以管理专项整治")


@transaction.atomic
def create_special(*, actor, **fields) -> SpecialCampaign:
    campaign = SpecialCampaign(**fields)
    if not campaign.region_id or actor.is_read_only or not manages(actor, campaign.region):
        raise PermissionDenied("只有本地区的创建办可以部署专项整治")
    campaign.full_clean()
    campaign.save()
    ensure_can(actor, campaign, "change")
    log_event(campaign, "special_created", campaign.title)
    return campaign


@transaction.atomic
def update_special(campaign: SpecialCampaign, *, actor, expected_version, **fields) -> SpecialCampaign:
    _check_special_office(actor, campaign)
    for key, value in fields.items():
        setattr(campaign, key, value)
    _check_special_office(actor, campaign)
    if campaign.status == SpecialStatus.CLOSED and not (campaign.summary or "").strip():
        raise ValidationError({"summary": "总结专项整治时须填写整治成效"})
    campaign.full_clean()
    save_versioned(campaign, expected_version)
    ensure_can(actor, campaign, "change")
    return campaign


@transaction.atomic
def set_target(campaign: SpecialCampaign, *, township, target: int, note="", actor) -> SpecialTarget:
    """The number of businesses `township` is to bring up to standard (0 removes the target)."""
    _check_special_office(actor, campaign)
    if township.level != RegionLevel.TOWNSHIP or not township.path.startswith(campaign.region.path):
        raise ValidationError({"township": f"“{township}”不是“{campaign.region}”下的乡镇（街道）"})
    if target is None or int(target) < 0:
        raise ValidationError({"target": "目标户数不能为负数"})
    row = SpecialTarget.objects.filter(campaign=campaign, township=township).first()
    if int(target) == 0:
        if row is not None:
            row.delete()
        return None
    row = row or SpecialTarget(campaign=campaign, township=township)
    row.target, row.note = int(target), note or ""
    row.full_clean()
    save_versioned(row, row.version if row.pk else None)
    return row


@transaction.atomic
def cover_businesses(campaign: SpecialCampaign, *, actor, categories=(), township=None) -> int:
    """Bring the registry's open businesses of the given 业态 (default: the kind's) in the campaign's
    region (or one township) into the campaign; those already in stay. Returns how many were added."""
    _check_special_office(actor, campaign)
    if campaign.status == SpecialStatus.CLOSED:
        raise ValidationError("专项整治已总结，不能再增加对象")
    codes = list(categories) or list(SPECIAL_CATEGORIES.get(campaign.kind, ()))
    if not codes:
        raise ValidationError({"categories": "请选择要纳入整治的业态"})
    area = township or campaign.region
    if not area.path.startswith(campaign.region.path):
        raise ValidationError({"township": f"“{area}”不在“{campaign.region}”内"})
    qs = (
        Business.objects.filter(
            region__path__startswith=area.path, category__code__in=codes, status=BusinessStatus.OPEN
        )
        .exclude(special_sites__campaign=campaign)
        .only("pk")
    )
    rows = [SpecialSite(campaign=campaign, business=b) for b in qs]
    SpecialSite.objects.bulk_create(rows)
    if rows:
        log_event(campaign, "special_covered", f"纳入整治对象{len(rows)}户（业态：{'、'.join(codes)}）")
    return len(rows)


@transaction.atomic
def record_site(
    site: SpecialSite, *, actor, expected_version, status, checked_on=None, finding="", result=""
):
    """The office (or the township / bureau that supervises the business) records where it stands."""
    business = site.business
    if actor.is_read_only or not (
        manages(actor, site.campaign.region)
        or Business.objects.restrict(actor, "change").filter(pk=business.pk).exists()
    ):
        raise PermissionDenied("只有创建办或该主体的监管单位可以登记整治情况")
    if site.campaign.status == SpecialStatus.CLOSED:
        raise ValidationError("专项整治已总结，不能再修改")
    if status not in SiteStatus.values:
        raise ValidationError({"status": "整治情况无效"})
    if status != SiteStatus.PENDING and checked_on is None:
        checked_on = timezone.localdate()
    if status in SITE_DONE and not (result or "").strip():
        raise ValidationError({"result": "验收合格或取缔时须填写整改结果"})
    site.status, site.checked_on, site.finding, site.result = status, checked_on, finding or "", result or ""
    site.full_clean()
    save_versioned(site, expected_version)
    return site


def special_progress(campaign: SpecialCampaign) -> dict:
    """Per township: target, covered, checked, done (合格 + 取缔) and the share of the target done; and
    the totals. Three queries whatever the size."""
    from django.db.models import Count, Q

    rows = {}
    for t in campaign.targets.select_related("township"):
        rows[t.township_id] = {
            "township": t.township,
            "target": t.target,
            "covered": 0,
            "checked": 0,
            "done": 0,
        }
    counts = (
        campaign.sites.values("business__region_id", "business__region__name")
        .annotate(
            covered=Count("id"),
            checked=Count("id", filter=~Q(status=SiteStatus.PENDING)),
            done=Count("id", filter=Q(status__in=SITE_DONE)),
        )
        .order_by("business__region__name")
    )
    names = {}
    for c in counts:
        rid = c["business__region_id"]
        names[rid] = c["business__region__name"]
        row = rows.setdefault(rid, {"township": None, "target": 0, "covered": 0, "checked": 0, "done": 0})
        row.update(covered=c["covered"], checked=c["checked"], done=c["done"])
    out = []
    for rid, row in rows.items():
        row["name"] = row["township"].name if row["township"] else names.get(rid, "")
        row["percent"] = round(100 * row["done"] / row["target"]) if row["target"] else None
        out.append(row)
    out.sort(key=lambda r: r["name"])
    totals = {k: sum(r[k] for r in out) for k in ("target", "covered", "checked", "done")}
    totals["percent"] = round(100 * totals["done"] / totals["target"]) if totals["target"] else None
    return {"rows": out, "totals": totals}
