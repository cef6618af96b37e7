import django_tables2 as tables

from shian.showcase.models import Project


class ProjectTable(tables.Table):
    title = tables.Column(linkify=True, verbose_name="项目名称")
    lead_unit = tables.Column(verbose_name="牵头单位", accessor="lead_unit__name")
    item = tables.Column(verbose_name="对应评分项", accessor="item__code")

    class Meta:
        model = Project
        fields = ("title", "direction", "lead_unit", "item", "status", "reviewed_at")
        attrs = {"class": "table table-sm table-hover align-middle"}
