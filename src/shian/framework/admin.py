from django.contrib import admin

from shian.framework.models import Category, Framework, Gate, Indicator, ScoringItem


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    list_display = ("name", "version_label", "owner_region", "is_sample", "created_at")
    search_fields = ("name", "version_label")


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "framework", "kind", "points", "cap")


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "category")


@admin.register(ScoringItem)
class ScoringItemAdmin(admin.ModelAdmin):
    list_display = ("code", "content", "points", "is_key", "indicator")
    search_fields = ("code", "content")


@admin.register(Gate)
class GateAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "metric", "threshold", "framework")
