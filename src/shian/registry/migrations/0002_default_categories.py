"""Data: the default 业态 list and the risk-grade frequency rules (both editable afterwards)."""

from django.db import migrations

from shian.registry.choices import DEFAULT_CATEGORIES, DEFAULT_FREQUENCIES

ALIASES = {"small_eatery": "小餐馆、小吃店、快餐店", "large_restaurant": "大型餐馆", "medium_restaurant": "中型餐馆",
           "supermarket": "超市、商超", "workshop": "食品小作坊", "vendor": "食品摊贩、摊贩",
           "school": "学校（含托幼机构）食堂、中小学食堂", "producer": "食品生产企业（SC）、生产企业",
           "retail": "食品销售者、食品店", "elderly": "养老院食堂"}


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
