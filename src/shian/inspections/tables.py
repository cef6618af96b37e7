import django_tables2 as tables

from shian.inspections.models import Checklist, InspectionPlan, Visit


class PlanTable(tables.Table):
    name = tables.Column(linkify=True, verbose_name="名称")
    campaign = tables.Column(verbose_name="创建项目", accessor="campaign__name")
    planned_on = tables.DateColumn(format="Y-m-d", verbose_name="计划日期")

    class Meta:
        model = InspectionPlan
        fields = ("name", "campaign", "stage", "mode", "planned_on", "status", "seed")
        attrs = {"class": "table table-sm table-hover align-middle"}


class VisitTable(tables.Table):
    business = tables.Column(
        linkify=lambda record: record.get_absolute_url(), verbose_name="主体", accessor="business__name"
    )
    category = tables.Column(verbose_name="业态", accessor="business__category__name")
    region = tables.Column(verbose_name="区划", accessor="business__region__name")
    inspector = tables.Column(verbose_name="检查人", accessor="inspector__name")
    scheduled_on = tables.DateColumn(format="Y-m-d", verbose_name="检查日期")

    class Meta:
        model = Visit
        fields = ("business", "category", "region", "plan", "inspector", "scheduled_on", "status", "score")
        attrs = {"class": "table table-sm table-hover align-middle"}


class ChecklistTable(tables.Table):
    name = tables.Column(linkify=True, verbose_name="名称")
    category = tables.Column(verbose_name="业态", accessor="category__name", order_by="category__sort_order")

    class Meta:
        model = Checklist
        fields = ("name", "category", "version", "is_current", "basis", "updated_at")
        attrs = {"class": "table table-sm table-hover align-middle"}
