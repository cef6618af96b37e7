import django_tables2 as tables

from shian.supervision.models import (
    CaseRecord,
    ComplaintRecord,
    ImportBatch,
    IndicatorDefinition,
    MetricValue,
    SamplingRecord,
)

ATTRS = {"class": "table table-sm table-hover"}
NUM = {"td": {"class": "text-end"}}


class SamplingTable(tables.Table):
    number = tables.Column(linkify=True)
    region = tables.Column(verbose_name="区划", order_by=("region_path",))

    class Meta:
        model = SamplingRecord
        fields = (
            "number",
            "sampled_on",
            "region",
            "sampled_unit",
            "stage",
            "food_category",
            "product",
            "task_type",
            "result",
            "failed_items",
            "disposal_status",
            "disposed_on",
        )
        attrs = ATTRS


class ComplaintTable(tables.Table):
    number = tables.Column(linkify=True)
    region = tables.Column(verbose_name="区划", order_by=("region_path",))

    class Meta:
        model = ComplaintRecord
        fields = (
            "number",
            "received_on",
            "region",
            "channel",
            "category",
            "subject",
            "deadline",
            "closed_on",
            "outcome",
        )
        attrs = ATTRS


class CaseTable(tables.Table):
    number = tables.Column(linkify=True)
    region = tables.Column(verbose_name="区划", order_by=("region_path",))
    fine_amount = tables.Column(attrs=NUM)
    confiscation_amount = tables.Column(attrs=NUM)
    transferred_police = tables.BooleanColumn(yesno="是,否")

    class Meta:
        model = CaseRecord
        fields = (
            "number",
            "opened_on",
            "closed_on",
            "region",
            "case_type",
            "party",
            "fine_amount",
            "confiscation_amount",
            "transferred_police",
        )
        attrs = ATTRS


class IndicatorTable(tables.Table):
    name = tables.Column(linkify=True)
    current = tables.TemplateColumn(
        '{% with ev=record.current %}{% if ev %}<span title="{{ ev.region_name }} {{ ev.period_label }}">'
        '{% if ev.value is None %}—{% else %}{{ ev.value|floatformat:"-2" }}{{ record.value_unit }}{% endif %}</span> '
        '{% if ev.met is True %}<span class="badge text-bg-success">达标</span>{% elif ev.met is False %}'
        '<span class="badge text-bg-danger">未达标</span>{% endif %}{% endif %}{% endwith %}',
        verbose_name="当前值（默认期间）",
        orderable=False,
        exclude_from_export=True,
    )
    scoring_item = tables.Column(verbose_name="对应评分项", accessor="scoring_item__code")
    target = tables.TemplateColumn(
        "{% if record.target is not None %}{{ record.get_comparison_display }} "
        "{{ record.target.normalize }}{{ record.value_unit }}{% else %}—{% endif %}",
        verbose_name="目标",
    )

    class Meta:
        model = IndicatorDefinition
        fields = ("code", "name", "formula", "period_kind", "target", "current", "scoring_item", "is_active")
        attrs = ATTRS


class MetricValueTable(tables.Table):
    value = tables.Column(attrs=NUM)
    region = tables.Column(verbose_name="区划", order_by=("region_path",))

    class Meta:
        model = MetricValue
        fields = ("metric", "region", "period", "value", "unit", "note", "updated_at")
        attrs = ATTRS


class ImportBatchTable(tables.Table):
    filename = tables.Column(linkify=True)

    class Meta:
        model = ImportBatch
        fields = (
            "created_at",
            "ledger",
            "filename",
            "status",
            "rows_read",
            "created_count",
            "updated_count",
            "rejected_count",
            "created_by",
        )
        attrs = ATTRS
