import django_tables2 as tables
from django.utils.html import format_html

from shian.rectification.models import Problem, Summons


class ProblemTable(tables.Table):
    seq = tables.Column(verbose_name="序号", attrs={"td": {"class": "text-end"}})
    severity = tables.Column(verbose_name="色标")
    description = tables.Column(linkify=True, verbose_name="问题描述")
    unit = tables.Column(verbose_name="责任单位", accessor="unit__short_name", order_by="unit__sort_order")
    status = tables.Column(verbose_name="状态")
    escalation = tables.Column(verbose_name="逾期升级")
    deadline = tables.DateColumn(format="Y-m-d", verbose_name="整改时限")

    class Meta:
        model = Problem
        fields = (
            "seq",
            "severity",
            "description",
            "source",
            "unit",
            "person",
            "deadline",
            "status",
            "escalation",
            "points",
        )
        attrs = {"class": "table table-sm table-hover align-middle"}

    def render_severity(self, record, value):
        return format_html(
            '<span class="badge severity-{}" data-style="{}">{}</span>',
            record.severity,
            record.severity_style,
            record.severity_short,
        )

    def value_severity(self, record):
        return record.severity_short

    def render_description(self, record, value):
        return value if len(value) <= 60 else value[:59] + "…"

    def value_description(self, record):
        return record.description

    def render_status(self, record):
        return format_html('<span class="badge text-bg-{}">{}</span>', record.status_css, record.status_label)

    def value_status(self, record):
        return record.status_label

    def render_escalation(self, record):
        return record.get_escalation_display() if record.escalation else "—"


class SummonsTable(tables.Table):
    unit = tables.Column(linkify=lambda record: record.get_absolute_url(), verbose_name="被约谈单位")
    held_on = tables.DateColumn(format="Y-m-d", verbose_name="约谈日期")

    class Meta:
        model = Summons
        fields = ("unit", "status", "held_on", "convener", "attendees", "outcome")
        attrs = {"class": "table table-sm table-hover"}
