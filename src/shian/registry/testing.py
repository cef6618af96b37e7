"""Test and demo helpers: valid credit codes and businesses for the cast."""

from shian.registry.creditcode import make_code
from shian.registry.models import Business, SiteCategory


def credit_code(region_code: str, n: int, kind: str = "92") -> str:
    """A valid code: 92 = 个体工商户, 91 = 企业; the organisation part from a running number."""
    body = f"{kind}{region_code[:6]}{'MA'}{n:07d}"[:17]
    return make_code(body)


def category(code):
    try:
        return SiteCategory.objects.get(code=code)
    except SiteCategory.DoesNotExist:
        # A transactional test before this one (live server, committed writes) flushed the tables,
        # and with them the default 业态 the migration loads: load them again, as the migration does.
        ensure_defaults()
        return SiteCategory.objects.get(code=code)


def ensure_defaults():
    from shian.registry.choices import CATEGORY_ALIASES, DEFAULT_CATEGORIES, DEFAULT_FREQUENCIES
    from shian.registry.models import FrequencyRule

    for i, (code, name, group) in enumerate(DEFAULT_CATEGORIES):
        SiteCategory.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "group": group,
                "sort_order": 10 * (i + 1),
                "aliases": CATEGORY_ALIASES.get(code, ""),
            },
        )
    for grade, low, high in DEFAULT_FREQUENCIES:
        FrequencyRule.objects.get_or_create(
            risk_grade=grade,
            defaults={"min_per_year": low, "max_per_year": high, "note": "食品生产经营风险分级管理办法"},
        )


def make_business(region, n=1, category_code="small_eatery", **fields) -> Business:
    defaults = {
        "name": f"{region.name}第{n}号小吃店",
        "credit_code": credit_code(region.code, n),
        "category": category(category_code),
        "region": region,
        "address": f"{region.name}正街{n}号",
    }
    defaults.update(fields)
    b = Business(**defaults)
    b.full_clean()
    b.save()
    return b
