import django_tables2 as tables

from shian.surveys.models import Survey


class SurveyTable(tables.Table):
    title = tables.Column(linkify=True, verbose_name="名称")
    campaign = tables.Column(verbose_name="创建项目", accessor="campaign__name")
    responses = tables.Column(verbose_name="答卷数", accessor="n_responses", orderable=False)

    class Meta:
        model = Survey
        fields = ("title", "kind", "campaign", "unit", "is_open", "responses")
        attrs = {"class": "table table-sm table-hover align-middle"}
