"""Incident writes: only the office (创建办) of the region records incidents, their timeline and closure."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from shian.core.audit import log_event
from shian.core.policy import ensure_can, manages
from shian.core.services import save_versioned
from shian.incidents.choices import EventKind, Status
from shian.incidents.models import Incident, IncidentEvent


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
