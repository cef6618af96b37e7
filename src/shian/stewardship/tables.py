import django_tables2 as tables

from shian.registry.models import Business
from shian.stewardship.models import Binding, Cadre, StewardVisit


class CadreTable(tables.Table):
    name = tables.Column(linkify=True, verbose_name="姓名")
    region = tables.Column(verbose_name="所属区划", accessor="region__name", order_by="region__path")

    class Meta:
        model = Cadre
        fields = ("name", "post", "level", "region", "phone", "is_active")
        attrs = {"class": "table table-sm table-hover align-middle"}


class BindingTable(tables.Table):
    cadre = tables.Column(verbose_name="包保干部", accessor="cadre__name")
    business = tables.Column(verbose_name="市场主体", accessor="business__name")
    region = tables.Column(verbose_name="所属区划", accessor="business__region__name")

    class Meta:
        model = Binding
        fields = ("cadre", "business", "region", "suggested")
        attrs = {"class": "table table-sm table-hover align-middle"}


class UnboundBusinessTable(tables.Table):
    name = tables.Column(verbose_name="主体名称", linkify=lambda record: record.get_absolute_url())
    region = tables.Column(verbose_name="所属区划", accessor="region__name")

    class Meta:
        model = Business
        fields = ("name", "region", "baobao_level", "risk_grade")
        attrs = {"class": "table table-sm table-hover align-middle"}


class VisitTable(tables.Table):
    visited_on = tables.Column(
        verbose_name="督导日期", linkify=("stewardship:visit_detail", {"pk": tables.A("pk")})
    )
    cadre = tables.Column(verbose_name="包保干部", accessor="cadre__name")
    business = tables.Column(verbose_name="市场主体", accessor="business__name")
    region = tables.Column(verbose_name="所属区划", accessor="business__region__name")
    n_findings = tables.Column(verbose_name="发现问题", orderable=False)

    class Meta:
        model = StewardVisit
        fields = ("visited_on", "cadre", "business", "region", "n_findings", "via_link")
        attrs = {"class": "table table-sm table-hover align-middle"}
