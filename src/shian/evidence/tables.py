import django_tables2 as tables
from django.utils.html import format_html
from django.utils.text import Truncator

from shian.evidence.models import Material


class MaterialTable(tables.Table):
    title = tables.Column(verbose_name="标题", linkify=True)
    unit = tables.Column(verbose_name="提供单位", accessor="unit__short_name", order_by="unit__name")
    item = tables.Column(
        verbose_name="评分项", accessor="item__code", order_by=("item__indicator__seq", "item__seq")
    )
    requirement = tables.Column(verbose_name="材料要求", accessor="requirement__name")
    doc_date = tables.DateColumn(format="Y-m-d", verbose_name="成文日期")
    status = tables.Column(verbose_name="审核状态")
    flags = tables.Column(verbose_name="自动检查", orderable=False, empty_values=())
    submitted_at = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name="提交时间")

    class Meta:
        model = Material
        fields = (
            "title",
            "unit",
            "item",
            "requirement",
            "doc_number",
            "doc_date",
            "status",
            "flags",
            "submitted_at",
        )
        attrs = {"class": "table table-sm table-hover align-middle"}

    def render_status(self, value, record):
        badge = format_html('<span class="badge text-bg-{}">{}</span>', record.status_css, value)
        if record.status == "returned" and record.review_reason:  # the unit sees why at once, in its list
            return format_html(
                '{}<div class="small text-danger return-reason" title="{}">{}</div>',
                badge,
                record.review_reason,
                Truncator(record.review_reason).chars(40),
            )
        return badge

    def render_flags(self, record):
        labels = record.flag_labels()
        if not labels:
            return "—"
        return format_html(
            '<span class="badge text-bg-danger" title="{}">{}</span>',
            "；".join(f.get("message", "") for f in record.flags),
            "、".join(labels),
        )

    def value_flags(self, record):
        return "；".join(f.get("message", "") for f in record.flags)

    def value_status(self, record):
        if record.status == "returned" and record.review_reason:
            return f"{record.get_status_display()}：{record.review_reason}"
        return record.get_status_display()


class QueueTable(MaterialTable):
    class Meta(MaterialTable.Meta):
        fields = ("submitted_at", "title", "unit", "item", "requirement", "doc_date", "flags", "status")
        sequence = ("submitted_at", "title", "unit", "item", "requirement", "doc_date", "flags", "status")
