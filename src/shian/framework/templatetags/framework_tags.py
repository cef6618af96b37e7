from django import template

from shian.framework.treedata import dec_text

register = template.Library()


@register.filter
def pts(value):
    """Points without trailing zeros: 2.00 → 2, 0.50 → 0.5."""
    return dec_text(value) if value not in (None, "") else "—"


@register.filter
def pct(value):
    """0.6 → 60%."""
    if value in (None, ""):
        return "—"
    return dec_text(value * 100) + "%"


@register.filter
def unit_label(unit):
    return unit.short_name or unit.name
