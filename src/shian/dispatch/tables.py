import django_tables2 as tables
from django.utils.html import format_html

from shian.dispatch.choices import Timeliness
from shian.dispatch.models import DispatchReport, DispatchRound

TIMELINESS_CSS = {Timeliness.ON_TIME: "success", Timeliness.LATE: "warning", Timeliness.MISSING: "danger"}


class RoundTable(tables.Table):
    title = tables.Column(linkify=True)
    deadline = tables.DateTimeColumn(format="Y-m-d H:i")
    report_count = tables.Column(verbose_name="应报", orderable=False, attrs={"td": {"class": "text-end"}})
    submitted_count = tables.Column(verbose_name="已报", orderable=False, attrs={"td": {"class": "text-end"}})
    late_count = tables.Column(verbose_name="逾期报送", orderable=False, attrs={"td": {"class": "text-end"}})

    class Meta:
        model = DispatchRound
        fields = (
            "title",
            "kind",
            "period_label",
            "deadline",
            "status",
            "report_count",
            "submitted_count",
            "late_count",
        )
        attrs = {"class": "table table-sm table-hover align-middle"}

    def render_status(self, record, value):
        return format_html(
            '<span class="badge text-bg-{}">{}</span>', "primary" if record.is_open else "secondary", value
        )


class TimelinessColumn(tables.Column):
    def render(self, record):
        t = record.timeliness
        return format_html('<span class="badge text-bg-{}">{}</span>', TIMELINESS_CSS[t], Timeliness(t).label)

    def value(self, record):
        return record.timeliness_label


class ReportTable(tables.Table):
    round = tables.Column(
        verbose_name="调度轮次", accessor="round__title", linkify=lambda record: record.get_absolute_url()
    )
    unit = tables.Column(verbose_name="单位", accessor="unit__name")
    timeliness = TimelinessColumn(verbose_name="及时性", accessor="status", orderable=False)
    submitted_at = tables.DateTimeColumn(format="Y-m-d H:i")
    submitted_by = tables.Column(verbose_name="报送人")

    class Meta:
        model = DispatchReport
        fields = (
            "round",
            "unit",
            "status",
            "timeliness",
            "submitted_at",
            "submitted_by",
            "problems",
            "help_needed",
        )
        attrs = {"class": "table table-sm table-hover align-middle"}
