from django.contrib import admin

from shian.registry.models import Business, FrequencyRule, SiteCategory


@admin.register(SiteCategory)
class SiteCategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "group", "aliases", "sort_order", "is_active")


@admin.register(FrequencyRule)
class FrequencyRuleAdmin(admin.ModelAdmin):
    list_display = ("risk_grade", "min_per_year", "max_per_year", "note")


@admin.register(Business)
class BusinessAdmin(admin.ModelAdmin):
    list_display = ("name", "credit_code", "licence_no", "category", "region", "status", "risk_grade")
    list_filter = ("category", "status", "risk_grade")
    search_fields = ("name", "credit_code", "licence_no")
