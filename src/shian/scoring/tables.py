import django_tables2 as tables

from shian.scoring.models import Assessment


class AssessmentTable(tables.Table):
    title = tables.Column(linkify=True)
    campaign = tables.Column(verbose_name="创建项目")
    held_on = tables.DateColumn(format="Y-m-d", verbose_name="评审日期")
    scored = tables.Column(verbose_name="已评分项", orderable=False, attrs={"td": {"class": "text-end"}})
    total = tables.Column(verbose_name="得分合计", orderable=False, attrs={"td": {"class": "text-end"}})

    class Meta:
        model = Assessment
        fields = ("title", "campaign", "kind", "held_on", "reviewer", "status", "scored", "total")
        attrs = {"class": "table table-sm table-hover"}

    def render_total(self, value):
        return f"{value:g}" if value is not None else "—"
