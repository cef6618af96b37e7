import django_tables2 as tables

from shian.registry.models import Business


class BusinessTable(tables.Table):
    name = tables.Column(linkify=True, verbose_name="主体名称")
    category = tables.Column(verbose_name="业态", accessor="category__name", order_by="category__sort_order")
    region = tables.Column(verbose_name="所属区划", accessor="region__name", order_by="region__path")

    class Meta:
        model = Business
        fields = (
            "name",
            "credit_code",
            "licence_no",
            "category",
            "region",
            "address",
            "status",
            "risk_grade",
            "baobao_level",
            "safety_director",
        )
        attrs = {"class": "table table-sm table-hover align-middle"}
