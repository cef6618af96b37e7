from django.contrib import admin

from shian.evidence.models import Material, MaterialFile


class MaterialFileInline(admin.TabularInline):
    model = MaterialFile
    extra = 0
    fields = ("number", "original_name", "kind", "size", "sha256", "uploaded_by")
    readonly_fields = fields
    fk_name = "material"


@admin.register(Material)
class MaterialAdmin(admin.ModelAdmin):
    list_display = ("title", "campaign", "unit", "requirement", "status", "text_status", "submitted_at")
    list_filter = ("status", "text_status")
    search_fields = ("title", "doc_number")
    raw_id_fields = ("campaign", "requirement", "item", "unit", "reviewed_by", "current")
    inlines = [MaterialFileInline]
