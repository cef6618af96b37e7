from django.contrib import admin

from shian.workplan.models import Task, TaskUpdate


class TaskUpdateInline(admin.TabularInline):
    model = TaskUpdate
    extra = 0
    readonly_fields = ("at", "author", "status_before", "status_after", "progress", "note")


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ("title", "campaign", "unit", "role", "deadline", "status", "progress")
    list_filter = ("status", "role", "campaign")
    search_fields = ("title", "unit__name")
    raw_id_fields = ("item", "parent", "claimed_by")
    inlines = [TaskUpdateInline]
