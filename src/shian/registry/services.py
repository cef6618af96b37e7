"""Registry writes: one business edited through the form or the API (imports are in importer.py)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from shian.core.policy import ensure_can, scope_filter
from shian.core.services import save_versioned
from shian.registry.models import Business


def _check_may_change(business, actor):
    if actor.is_read_only:
        raise PermissionDenied("只读账号不能修改主体库")
    if scope_filter(Business, actor, "change") is None:
        raise PermissionDenied("您不能修改主体库")
    if business.pk is None and not (actor.is_office or (actor.unit_id and actor.unit.kind == "township")):
        raise PermissionDenied("只有创建办或乡镇（街道）可以新增主体")
    if business.pk:
        ensure_can(actor, Business.objects.get(pk=business.pk), "change", "该主体不在您可修改的范围内")


def _check_region(business, actor):
    if actor.is_admin:
        return
    scope = actor.region_scope or (actor.unit.region if actor.unit_id else None)
    if scope is None or not business.region.path.startswith(scope.path):
        raise ValidationError({"region": f"区划“{business.region}”不在您的管辖范围内"})


@transaction.atomic
def create_business(*, actor, **fields) -> Business:
    business = Business(**fields)
    _check_may_change(business, actor)
    _check_region(business, actor)
    business.full_clean()
    business.save()
    ensure_can(actor, business, "change")  # the write re-check: the new row must lie in the actor's scope
    return business


@transaction.atomic
def update_business(business: Business, *, actor, expected_version, **fields) -> Business:
    _check_may_change(business, actor)
    for key, value in fields.items():
        setattr(business, key, value)
    _check_region(business, actor)
    business.full_clean()
    save_versioned(business, expected_version)
    ensure_can(actor, business, "change")
    return business


def ensure_defaults():
    """The default 业态 list and frequency rules (the data migration loads them; tests that flush the
    database and a demo built into it need them back). Existing rows are left as configured."""
    from shian.registry.choices import CATEGORY_ALIASES, DEFAULT_CATEGORIES, DEFAULT_FREQUENCIES
    from shian.registry.models import FrequencyRule, SiteCategory

    if not SiteCategory.objects.exists():
        SiteCategory.objects.bulk_create(
            [
                SiteCategory(
                    code=code,
                    name=name,
                    group=group,
                    sort_order=10 * (i + 1),
                    aliases=CATEGORY_ALIASES.get(code, ""),
                )
                for i, (code, name, group) in enumerate(DEFAULT_CATEGORIES)
            ]
        )
    if not FrequencyRule.objects.exists():
        FrequencyRule.objects.bulk_create(
            [
                FrequencyRule(
                    risk_grade=g, min_per_year=lo, max_per_year=hi, note="食品生产经营风险分级管理办法"
                )
                for g, lo, hi in DEFAULT_FREQUENCIES
            ]
        )
