"""Automatic audit logging of business data.

Every concrete subclass of BusinessModel (and the user model) is logged on create, update and
delete through model signals, so no code path can forget it. The actor comes from a context
variable set by the request middleware, the API views and management commands. Bulk operations
that bypass save() (large imports) call `log_event` with a summary instead.
"""

import contextlib
import contextvars
import datetime
import decimal
import uuid

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.fields.files import FieldFile
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

_actor = contextvars.ContextVar("shian_audit_actor", default=None)
_before = contextvars.ContextVar("shian_audit_before", default=None)
_ip = contextvars.ContextVar("shian_audit_ip", default="")

# Fields that change on every save and would only add noise to the log, and credentials (a robot's
# signing secret) that must not be copied into it.
IGNORED_FIELDS = {"updated_at", "version", "password", "last_login", "secret"}


@contextlib.contextmanager
def actor_context(user):
    token = _actor.set(user)
    try:
        yield
    finally:
        _actor.reset(token)


@contextlib.contextmanager
def address_context(ip: str):
    """The client address recorded on every audit row written during a request."""
    token = _ip.set(ip or "")
    try:
        yield
    finally:
        _ip.reset(token)


def set_actor(user):
    """Set the actor for the rest of the current context (API views after authentication)."""
    _actor.set(user)


def current_actor():
    return _actor.get()


def _jsonable(value):
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, FieldFile):  # an empty FieldFile raises ValueError on .url
        return value.name or None
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


def snapshot(instance) -> dict:
    data = {}
    for field in instance._meta.concrete_fields:
        if field.name in IGNORED_FIELDS:
            continue
        data[field.name] = _jsonable(getattr(instance, field.attname))
    return data


def _actor_name(actor):
    if actor is None:
        return "系统"
    return getattr(actor, "display_name", None) or getattr(actor, "username", "")


def _write(instance, action, before, after, event="", note="", actor=None, ip=None):
    from shian.core.auditchain import schedule_seal
    from shian.core.models import AuditLog

    actor = current_actor() if actor is None else actor
    AuditLog.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        actor_name=_actor_name(actor),
        action=action,
        event=event,
        content_type=ContentType.objects.get_for_model(instance.__class__),
        object_id=str(instance.pk),
        object_repr=str(instance)[:300],
        before=before,
        after=after,
        note=note[:300],
        ip_address=(_ip.get() if ip is None else ip)[:45],
    )
    schedule_seal()


def log_event(instance, event: str, note: str = "", data: dict | None = None):
    """Record a named domain event (task_claimed, round_closed, framework_imported)."""
    _write(instance, "event", None, _jsonable(data) if data else None, event=event, note=note)


def log_security_event(event: str, *, target, note: str = "", data: dict | None = None, actor=None, ip=None):
    """Record a security event (login, login_failed, password_reset, token_created, exported ...).

    `target` is the object concerned (usually a user); `actor` defaults to the request's user,
    `ip` to the request's client address.
    """
    _write(
        target, "event", None, _jsonable(data) if data else None, event=event, note=note, actor=actor, ip=ip
    )


def _pre_save(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None or instance._state.adding:
        return
    try:
        old = sender._default_manager.get(pk=instance.pk)
    except sender.DoesNotExist:
        return
    stash = _before.get() or {}
    stash = {**stash, (sender, instance.pk): snapshot(old)}
    _before.set(stash)


def _post_save(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    after = snapshot(instance)
    if created:
        _write(instance, "create", None, after)
        return
    stash = _before.get() or {}
    before = stash.pop((sender, instance.pk), None)
    _before.set(stash)
    if before is not None and before == after:
        return  # nothing a person would call a change
    _write(instance, "update", before, after)


def _post_delete(sender, instance, **kwargs):
    _write(instance, "delete", snapshot(instance), None)


def _m2m_changed(sender, instance, action, model, pk_set, reverse, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear") or reverse:
        return
    field = next((f for f in instance._meta.many_to_many if f.remote_field.through is sender), None)
    name = field.name if field else sender._meta.model_name
    verb = {"post_add": "added", "post_remove": "removed", "post_clear": "cleared"}[action]
    _write(instance, "update", None, {name: {verb: sorted(pk_set or [])}})


def audited_models():
    from shian.core.models import BusinessModel

    for model in apps.get_models():
        if issubclass(model, BusinessModel) or getattr(model, "audit_log", False):
            yield model


def connect_signals():
    for model in audited_models():
        uid = f"shian-audit-{model._meta.label}"
        pre_save.connect(_pre_save, sender=model, dispatch_uid=uid + "-pre")
        post_save.connect(_post_save, sender=model, dispatch_uid=uid + "-post")
        post_delete.connect(_post_delete, sender=model, dispatch_uid=uid + "-del")
        for field in model._meta.many_to_many:
            through = field.remote_field.through
            m2m_changed.connect(_m2m_changed, sender=through, dispatch_uid=f"{uid}-m2m-{field.name}")
