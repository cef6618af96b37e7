from django.contrib import admin

from shian.supervision.models import (
    ImportBatch,
    ImportMapping,
    IndicatorDefinition,
    LedgerField,
    Metric,
    MetricForm,
    MetricValue,
)


@admin.register(LedgerField)
class LedgerFieldAdmin(admin.ModelAdmin):
    list_display = ("ledger", "key", "label", "data_type", "required", "synonyms", "seq")
    list_filter = ("ledger",)


@admin.register(ImportMapping)
class ImportMappingAdmin(admin.ModelAdmin):
    list_display = ("ledger", "name")
    list_filter = ("ledger",)


class MetricInline(admin.TabularInline):
    model = Metric
    extra = 1


@admin.register(MetricForm)
class MetricFormAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "frequency", "unit", "seq")
    inlines = [MetricInline]


@admin.register(MetricValue)
class MetricValueAdmin(admin.ModelAdmin):
    list_display = ("metric", "region", "period", "value", "unit")
    list_filter = ("metric__form", "period")
    raw_id_fields = ("region", "unit")


@admin.register(IndicatorDefinition)
class IndicatorDefinitionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "formula", "period_kind", "target", "scoring_item", "is_active")
    raw_id_fields = ("scoring_item", "owner_region")


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "ledger",
        "filename",
        "status",
        "rows_read",
        "created_count",
        "updated_count",
        "rejected_count",
    )
    list_filter = ("ledger", "status")
