from django import template

register = template.Library()


@register.filter
def get(mapping, key):
    return (mapping or {}).get(key, 0)


@register.filter
def stars(n):
    n = int(n or 0)
    return "★" * n + "☆" * (5 - n)
