import django_tables2 as tables

from shian.reports.models import Document


class DocumentTable(tables.Table):
    title = tables.Column(linkify=True, attrs={"td": {"class": "text-wrap", "data-style": "min-width:16rem"}})
    issue_no = tables.Column(verbose_name="期号/序号", default="—")
    versions = tables.Column(verbose_name="已生成版本", accessor="n_files", orderable=False)
    created_by = tables.Column(verbose_name="创建人", default="—")
    issued_on = tables.DateColumn(format="Y-m-d", verbose_name="成文日期")

    class Meta:
        model = Document
        fields = ("title", "kind", "issue_no", "period", "issued_on", "versions", "created_by")
        attrs = {"class": "table table-sm table-hover align-middle"}

    def render_created_by(self, record):
        return record.created_by.display_name if record.created_by else "—"
