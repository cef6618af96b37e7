"""An archived campaign (归档) is read-only everywhere: nothing that belongs to it may be saved or deleted.

Every audited model that reaches a campaign through its foreign keys (task → campaign, report → round →
campaign, expert score → group → assessment → campaign …) is guarded once, at the model layer, so that
services, forms, the API, jobs and the admin all refuse alike with one Chinese message. The path to the
campaign is found from the model's fields when the app registry is ready; a model with no such path is
not affected. Unarchiving and deleting a campaign lift the guard for their own writes only.
"""

import contextlib
from contextvars import ContextVar

from django.core.exceptions import ValidationError
from django.db.models.signals import pre_delete, pre_save

ARCHIVED_MESSAGE = "创建项目“{}”已归档，只读，不能修改其中的数据"
MAX_DEPTH = 4

_allowed: ContextVar[bool] = ContextVar("shian_archived_changes_allowed", default=False)


@contextlib.contextmanager
def allow_archived_changes():
    token = _allowed.set(True)
    try:
        yield
    finally:
        _allowed.reset(token)


def campaign_path(model, depth=0, seen=()):
    """The chain of non-null-preferred foreign keys from `model` to Campaign, e.g. ["round", "campaign"]."""
    from shian.campaigns.models import Campaign

    if depth >= MAX_DEPTH:
        return None
    fks = [f for f in model._meta.concrete_fields if f.many_to_one and f.related_model is not None]
    for f in fks:
        if f.related_model is Campaign:
            return [f.name]
    best = None
    for f in sorted(fks, key=lambda f: f.null):  # a required link is the one that always leads there
        if f.related_model in seen or f.related_model is model:
            continue
        rest = campaign_path(f.related_model, depth + 1, (*seen, model))
        if rest is not None and (best is None or len(rest) + 1 < len(best)):
            best = [f.name, *rest]
    return best


def archived_campaign_of(instance, path) -> str | None:
    """The name of the archived campaign `instance` belongs to through `path`, or None."""
    from shian.campaigns.models import Campaign

    first = instance._meta.get_field(path[0])
    value = getattr(instance, first.attname)
    if value is None:
        return None
    if len(path) == 1:
        return (
            Campaign.objects.filter(pk=value, archived_at__isnull=False)
            .values_list("name", flat=True)
            .first()
        )
    rest = "__".join(path[1:])
    return (
        first.related_model._base_manager.filter(pk=value, **{f"{rest}__archived_at__isnull": False})
        .values_list(f"{rest}__name", flat=True)
        .first()
    )


def _guard(sender, instance, raw=False, **kwargs):
    if raw or _allowed.get():
        return
    from shian.campaigns.models import Campaign

    if sender is Campaign:
        if instance.pk is None:
            return
        stored = Campaign.objects.filter(pk=instance.pk).values_list("archived_at", flat=True).first()
        if stored is not None and (kwargs.get("signal") is pre_delete or instance.archived_at is not None):
            raise ValidationError(ARCHIVED_MESSAGE.format(instance.name))
        return
    name = archived_campaign_of(instance, sender._shian_campaign_path)
    if name is not None:
        raise ValidationError(ARCHIVED_MESSAGE.format(name))


def connect_signals():
    from shian.campaigns.models import Campaign
    from shian.core.audit import audited_models

    for model in audited_models():
        if model is Campaign:
            path = []
        else:
            path = campaign_path(model)
            if path is None:
                continue
        model._shian_campaign_path = path
        uid = f"shian-archived-{model._meta.label}"
        pre_save.connect(_guard, sender=model, dispatch_uid=uid + "-save")
        pre_delete.connect(_guard, sender=model, dispatch_uid=uid + "-delete")
