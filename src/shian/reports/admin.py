from django.contrib import admin

from shian.reports.models import Document, DocumentFile


class DocumentFileInline(admin.TabularInline):
    model = DocumentFile
    extra = 0
    fields = ("number", "title", "created_by", "created_at")
    readonly_fields = fields
    can_delete = False


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ("title", "campaign", "kind", "issue_no", "period", "issued_on", "created_by")
    list_filter = ("kind",)
    search_fields = ("title", "doc_number")
    raw_id_fields = ("round",)
    inlines = [DocumentFileInline]
