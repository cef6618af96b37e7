"""Test and demo helpers: valid credit codes and businesses for the cast."""

from shian.registry.creditcode import make_code
from shian.registry.models import Business, SiteCategory


def credit_code(region_code: str, n: int, kind: str = "92") -> str:
    """A valid code: 92 = 个体工商户, 91 = 企业; the organisation part from a running number."""
    body = f"{kind}{region_code[:6]}{'MA'}{n:07d}"[:17]
    return make_code(body)


def category(code):
    return SiteCategory.objects.get(code=code)


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
