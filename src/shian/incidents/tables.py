import django_tables2 as tables

from shian.incidents.models import Incident, SpecialCampaign


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


class SpecialCampaignTable(tables.Table):
    title = tables.Column(linkify=True, verbose_name="名称")
    region = tables.Column(verbose_name="区划", accessor="region__name", order_by="region__path")
    site_count = tables.Column(verbose_name="整治对象（户）", orderable=False)
    done_count = tables.Column(verbose_name="已完成（户）", orderable=False)

    class Meta:
        model = SpecialCampaign
        fields = ("title", "kind", "region", "starts_on", "ends_on", "status")
        sequence = ("title", "kind", "region", "starts_on", "ends_on", "site_count", "done_count", "status")
        attrs = {"class": "table table-sm table-hover align-middle"}
