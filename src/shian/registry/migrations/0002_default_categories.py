"""Data: the default 业态 list and the risk-grade frequency rules (both editable afterwards)."""

from django.db import migrations

from shian.registry.choices import CATEGORY_ALIASES as ALIASES
from shian.registry.choices import DEFAULT_CATEGORIES, DEFAULT_FREQUENCIES


def load(apps, schema_editor):
    SiteCategory = apps.get_model("registry", "SiteCategory")
    FrequencyRule = apps.get_model("registry", "FrequencyRule")
    for i, (code, name, group) in enumerate(DEFAULT_CATEGORIES):
        SiteCategory.objects.get_or_create(code=code, defaults={"name": name, "group": group, "sort_order": 10 * (i + 1),
                                                                "aliases": ALIASES.get(code, "")})
    for grade, low, high in DEFAULT_FREQUENCIES:
        FrequencyRule.objects.get_or_create(risk_grade=grade, defaults={
            "min_per_year": low, "max_per_year": high, "note": "食品生产经营风险分级管理办法"})


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_registry")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
