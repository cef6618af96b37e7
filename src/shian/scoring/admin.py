from django.contrib import admin

from shian.scoring.models import Assessment, ExpertScore, Interview, ItemScore, ReviewGroup


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ("title", "campaign", "kind", "held_on", "status")
    list_filter = ("kind", "status")


admin.site.register([ItemScore, ReviewGroup, ExpertScore, Interview])
