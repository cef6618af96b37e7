"""Shared write rules: optimistic concurrency and permission errors."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import F


class VersionRequired(ValidationError):
    """A change to an existing record came without the version it was read at; refused, never guessed."""

    def __init__(self):
        super().__init__({"version": "缺少读取时的版本号（version），修改未保存。请刷新页面后重新提交。"})


class ConcurrentEditError(Exception):
    """The record changed since the user loaded it; their edit is refused, not merged."""

    message = "该记录已被他人修改，您的修改未保存。请刷新页面，查看最新内容后重新填写。"

    def __str__(self):
        return self.message


def save_versioned(obj: models.Model, expected_version: int | None, update_fields=None):
    """Save `obj` only if nobody saved it since `expected_version`; bump the version.

    The check and the bump are one UPDATE … WHERE version = expected, so two concurrent saves
    cannot both pass.
    """
    if obj.pk is None:
        obj.save()
        return obj
    expected_version = check_version(obj, expected_version)
    with transaction.atomic():
        bumped = (
            type(obj)
            ._default_manager.filter(pk=obj.pk, version=expected_version)
            .update(version=F("version") + 1)
        )
        if not bumped:
            raise ConcurrentEditError()
        obj.version = expected_version + 1
        if update_fields is not None:
            update_fields = list(update_fields)
            obj.save(update_fields=[*update_fields, "updated_at"])
        else:
            obj.save()
    return obj


def check_version(obj, expected_version):
    """Refuse a change of a saved record made without its version, or against an older one."""
    if expected_version is None or expected_version == "":
        raise VersionRequired()
    try:
        expected = int(expected_version)
    except (TypeError, ValueError):
        raise VersionRequired() from None
    if obj.version != expected:
        raise ConcurrentEditError()
    return expected


def require(condition: bool, message: str = "您没有权限执行此操作"):
    if not condition:
        raise PermissionDenied(message)


MAX_ID = 2**63 - 1  # the largest id a 64-bit primary key holds: larger ones are bad input, never a 500


def parse_id(value) -> int | None:
    """A database id from a query parameter or form field, or None when it is not one (not a number,
    not positive, or beyond 64 bits)."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if 0 < number <= MAX_ID else None
