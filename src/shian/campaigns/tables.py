import django_tables2 as tables

from shian.campaigns.models import Campaign


class CampaignTable(tables.Table):
    name = tables.Column(linkify=True)
    region = tables.Column(verbose_name="创建区划")
    framework = tables.Column(verbose_name="评价细则")
    task_count = tables.Column(verbose_name="任务数", orderable=False, attrs={"td": {"class": "text-end"}})

    class Meta:
        model = Campaign
        fields = ("name", "region", "level", "status", "framework", "started_on", "task_count", "archived_at")
        attrs = {"class": "table table-sm table-hover"}
