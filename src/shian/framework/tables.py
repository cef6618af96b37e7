import django_tables2 as tables

from shian.framework.models import Framework, ScoringItem


class FrameworkTable(tables.Table):
    name = tables.Column(linkify=True)
    owner_region = tables.Column(verbose_name="所属区划", default="全局通用")
    item_count = tables.Column(verbose_name="评分项", orderable=True, attrs={"td": {"class": "text-end"}})
    base_points = tables.Column(
        verbose_name="基本项分值", orderable=False, attrs={"td": {"class": "text-end"}}
    )
    is_sample = tables.BooleanColumn(verbose_name="示例", yesno="示例,")
    created_at = tables.DateTimeColumn(format="Y-m-d", verbose_name="创建时间")

    class Meta:
        model = Framework
        fields = (
            "name",
            "version_label",
            "issuer",
            "owner_region",
            "item_count",
            "base_points",
            "is_sample",
            "created_at",
        )
        attrs = {"class": "table table-sm table-hover"}

    def render_base_points(self, value):
        from shian.framework.treedata import dec_text

        return dec_text(value) if value is not None else "—"

    def value_base_points(self, value):
        return float(value) if value is not None else None


class ScoringItemTable(tables.Table):
    code = tables.Column(linkify=True, verbose_name="编号")
    framework = tables.Column(
        accessor="indicator__category__framework__name", verbose_name="评价细则", orderable=False
    )
    category = tables.Column(accessor="indicator__category__name", verbose_name="类别")
    indicator = tables.Column(accessor="indicator__name", verbose_name="指标")
    content = tables.Column(
        verbose_name="评分要点",
        linkify=True,
        attrs={"td": {"class": "text-wrap", "data-style": "max-width:32rem"}},
    )
    points = tables.Column(attrs={"td": {"class": "text-end"}})
    is_key = tables.BooleanColumn(yesno="★,")
    lead = tables.Column(verbose_name="牵头单位", empty_values=(), orderable=False)
    coop = tables.Column(verbose_name="配合单位", empty_values=(), orderable=False)

    class Meta:
        model = ScoringItem
        fields = ("code", "framework", "category", "indicator", "content", "points", "is_key", "lead", "coop")
        attrs = {"class": "table table-sm table-hover"}

    def render_points(self, value):
        from shian.framework.treedata import dec_text

        return dec_text(value)

    def value_points(self, value):
        return float(value)

    def _units(self, record, role):
        names = [a.unit.short_name or a.unit.name for a in record.assignments.all() if a.role == role]
        names += record.unmatched_lead_names() if role == "lead" else record.unmatched_coop_names()
        return "、".join(names) or "—"

    def render_lead(self, record):
        return self._units(record, "lead")

    def render_coop(self, record):
        return self._units(record, "coop")

    def value_lead(self, record):
        return self._units(record, "lead")

    def value_coop(self, record):
        return self._units(record, "coop")
