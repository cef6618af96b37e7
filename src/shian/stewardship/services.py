"""包保 writes and rules: cadres, bindings with the 层级对应 rule, visit due dates."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q

from shian.core.policy import ensure_can
from shian.registry.models import Business
from shian.stewardship.choices import DEFAULT_LEVEL_RULES
from shian.stewardship.models import Binding, Cadre, LevelRule


def ensure_defaults():
    """Seed the editable 层级对应 rules; existing rows are left as configured."""
    if not LevelRule.objects.exists():
        LevelRule.objects.bulk_create(
            [
                LevelRule(cadre_level=c, business_level=b, visits_per_year=v, max_load=m)
                for c, b, v, m in DEFAULT_LEVEL_RULES
            ]
        )


def rules():
    ensure_defaults()
    return {r.cadre_level: r for r in LevelRule.objects.all()}


def _check_writer(actor):
    if actor.is_read_only:
        raise PermissionDenied("只读账号不能修改包保信息")


@transaction.atomic
def create_cadre(*, actor, **fields) -> Cadre:
    _check_writer(actor)
    cadre = Cadre(**fields)
    cadre.full_clean()
    cadre.save()
    ensure_can(actor, cadre, "change", "该干部不在您可修改的范围内")
    return cadre


def binding_problem(cadre: Cadre, business: Business, rule_map=None) -> str:
    """The reason a binding breaks the 层级对应 rule, or '' when it follows it."""
    rule = (rule_map or rules()).get(cadre.level)
    if rule is None:
        return f"没有“{cadre.get_level_display()}”的层级对应规则"
    if business.baobao_level and business.baobao_level != rule.business_level:
        return (
            f"{cadre.get_level_display()}干部应包保“{rule.get_business_level_display()}”主体，"
            f"该主体为“{business.get_baobao_level_display()}”"
        )
    if not business.region.path.startswith(cadre.region.path):
        return f"主体所在区划“{business.region}”不在干部所属区划“{cadre.region}”内"
    return ""


@transaction.atomic
def bind(cadre: Cadre, business: Business, *, actor, suggested=False) -> Binding:
    _check_writer(actor)
    ensure_can(actor, cadre, "change", "该干部不在您可修改的范围内")
    problem = binding_problem(cadre, business)
    if problem:
        raise ValidationError({"business": problem})
    binding = Binding(cadre=cadre, business=business, suggested=suggested)
    binding.full_clean()
    binding.save()
    return binding


@transaction.atomic
def unbind(binding: Binding, *, actor) -> Binding:
    _check_writer(actor)
    ensure_can(actor, binding, "change", "该包保关系不在您可修改的范围内")
    binding.is_active = False
    binding.save()
    return binding


def suggest_bindings(businesses, cadres):
    """Suggested (cadre, business) pairs: for each unbound business the cadre of the rule's level in the
    nearest region with the lightest load below its maximum."""
    rule_map = rules()
    cadres = list(cadres.filter(is_active=True).select_related("region"))
    load = {
        c.pk: c.n
        for c in Cadre.objects.filter(pk__in=[c.pk for c in cadres]).annotate(
            n=Count("bindings", filter=Q(bindings__is_active=True))
        )
    }
    pairs = []
    for business in businesses.filter(bindings__isnull=True).select_related("region"):
        fits = [c for c in cadres if not binding_problem(c, business, rule_map)]
        fits = [c for c in fits if load[c.pk] < rule_map[c.level].max_load]
        if not fits:
            continue
        best = min(fits, key=lambda c: (-len(c.region.path), load[c.pk], c.pk))
        load[best.pk] += 1
        pairs.append((best, business))
    return pairs


def apply_suggestions(businesses, cadres, *, actor) -> int:
    pairs = suggest_bindings(businesses, cadres)
    for cadre, business in pairs:
        bind(cadre, business, actor=actor, suggested=True)
    return len(pairs)


def cadres_over_load(cadres):
    rule_map = rules()
    annotated = cadres.annotate(n=Count("bindings", filter=Q(bindings__is_active=True)))
    return [c for c in annotated if c.level in rule_map and c.n > rule_map[c.level].max_load]


def bindings_breaking_rule(bindings):
    rule_map = rules()
    return [
        b
        for b in bindings.filter(is_active=True).select_related("cadre__region", "business__region")
        if binding_problem(b.cadre, b.business, rule_map)
    ]


def next_due(last_visit: datetime.date | None, visits_per_year: int, today: datetime.date) -> datetime.date:
    """The date the next visit is due: the interval is 365 / visits a year after the last one; a business
    never visited is due today."""
    if last_visit is None:
        return today
    return last_visit + datetime.timedelta(days=365 // max(visits_per_year, 1))
