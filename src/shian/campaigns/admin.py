from django.contrib import admin

from shian.campaigns.models import Campaign, CampaignChoice, Milestone


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ("name", "region", "level", "status", "framework", "started_on", "archived_at")
    list_filter = ("level", "status", ("archived_at", admin.EmptyFieldListFilter))
    search_fields = ("name", "region__name")
    readonly_fields = ("archived_at", "version", "created_at", "updated_at")
    raw_id_fields = ("office",)
    inlines = [MilestoneInline]


@admin.register(CampaignChoice)
class CampaignChoiceAdmin(admin.ModelAdmin):
    list_display = ("user", "campaign", "chosen_at")
    raw_id_fields = ("user", "campaign")
