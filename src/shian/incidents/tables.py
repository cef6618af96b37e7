import django_tables2 as tables

from shian.incidents.models import Incident


class IncidentTable(tables.Table):
    title = tables.Column(linkify=True, verbose_name="事件名称")
    region = tables.Column(verbose_name="区划", accessor="region__name", order_by="region__path")
    veto = tables.BooleanColumn(verbose_name="计入否决", accessor="triggers_veto", orderable=False)

    class Meta:
        model = Incident
        fields = ("occurred_on", "title", "region", "level", "kind", "affected", "reported_on_time", "status")
        sequence = (
            "occurred_on",
            "title",
            "region",
            "level",
            "kind",
            "affected",
            "reported_on_time",
            "veto",
            "status",
        )
        attrs = {"class": "table table-sm table-hover align-middle"}
