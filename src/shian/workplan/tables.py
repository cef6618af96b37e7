import django_tables2 as tables
from django.utils.html import format_html

from shian.workplan.models import Task


class StatusColumn(tables.Column):
    """逾期 is derived, so the badge and the export both read `status_label`."""

    def render(self, record):
        return format_html('<span class="badge text-bg-{}">{}</span>', record.status_css, record.status_label)

    def value(self, record):
        return record.status_label


class ProgressColumn(tables.Column):
    def render(self, value):
        return format_html(
            '<div class="progress" data-style="min-width:4rem;height:1.1rem" role="progressbar" '
            'aria-valuenow="{0}" aria-valuemin="0" aria-valuemax="100">'
            '<div class="progress-bar" data-style="width:{0}%">{0}%</div></div>',
            value,
        )

    def value(self, value):
        return value


# Liaisons work on phones: secondary columns are hidden below the md breakpoint.
WIDE_ONLY = {"th": {"class": "d-none d-md-table-cell"}, "td": {"class": "d-none d-md-table-cell"}}
NOWRAP = {"td": {"class": "text-nowrap"}}


class TaskTable(tables.Table):
    # ticked for the bulk bar; the checkbox belongs to the bar's form (form="task-bulk"), not the table
    pick = tables.CheckBoxColumn(
        accessor="pk",
        orderable=False,
        exclude_from_export=True,
        attrs={
            "input": {"form": "task-bulk", "name": "pick", "aria-label": "选择"},
            "th__input": {"form": "task-bulk-none", "aria-label": "全选", "data-check-all": "pick"},
        },
    )
    code = tables.Column(
        verbose_name="编号", accessor="item__code", default="—", order_by=("item__code",), attrs=WIDE_ONLY
    )
    title = tables.Column(linkify=True, attrs={"td": {"data-style": "min-width:10rem"}})
    unit = tables.Column(
        verbose_name="责任单位",
        accessor="unit__name",  # the export's value; the page shows the short name (render_unit)
        order_by=("unit__name",),
        attrs={
            "th": {"class": "d-none d-sm-table-cell"},
            "td": {"class": "d-none d-sm-table-cell text-nowrap"},
        },
    )
    role = tables.Column(
        attrs={
            "th": {"class": "d-none d-md-table-cell"},
            "td": {"class": "d-none d-md-table-cell text-nowrap"},
        }
    )
    category = tables.Column(
        verbose_name="类别",
        accessor="item__indicator__category__name",
        default="—",
        attrs={
            "th": {"class": "d-none d-md-table-cell"},
            "td": {"class": "d-none d-md-table-cell text-nowrap"},
        },
    )
    deadline = tables.DateColumn(format="Y-m-d", attrs=NOWRAP)
    status = StatusColumn(verbose_name="状态", attrs=NOWRAP)
    progress = ProgressColumn(verbose_name="进度", attrs=WIDE_ONLY)
    latest_note = tables.Column(
        verbose_name="最新进展",
        attrs={
            "th": {"class": "d-none d-lg-table-cell"},
            "td": {"class": "d-none d-lg-table-cell small text-muted"},
        },
    )

    # what the columns without a plain field read (status_label: status and deadline), so the export
    # loads only those and the plain fields (core.table_values)
    export_reads = ("status", "deadline")

    class Meta:
        model = Task
        fields = (
            "pick",
            "code",
            "title",
            "unit",
            "role",
            "category",
            "deadline",
            "status",
            "progress",
            "latest_note",
        )
        attrs = {"class": "table table-sm table-hover align-middle"}
        order_by = ("deadline",)

    def render_unit(self, record):
        return record.unit.short_name or record.unit.name

    def value_unit(self, value):  # the export keeps the full name (the accessor's), not the page's short one
        return value
