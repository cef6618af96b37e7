from django.contrib import admin

from shian.rectification.models import Problem, Summons


@admin.register(Problem)
class ProblemAdmin(admin.ModelAdmin):
    list_display = ("seq", "description", "unit", "severity", "status", "deadline", "escalation")
    list_filter = ("status", "severity", "source", "escalation")
    search_fields = ("description",)


admin.site.register(Summons)
