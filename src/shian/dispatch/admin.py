from django.contrib import admin

from shian.dispatch.models import DispatchReport, DispatchRound, ReportLine


@admin.register(DispatchRound)
class DispatchRoundAdmin(admin.ModelAdmin):
    list_display = ("title", "campaign", "kind", "deadline", "status")
    list_filter = ("kind", "status")


class ReportLineInline(admin.TabularInline):
    model = ReportLine
    extra = 0
    raw_id_fields = ("task",)


@admin.register(DispatchReport)
class DispatchReportAdmin(admin.ModelAdmin):
    list_display = ("round", "unit", "status", "submitted_at")
    list_filter = ("status", "round")
    inlines = [ReportLineInline]
