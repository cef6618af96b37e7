import django_tables2 as tables

from shian.community.models import Activity, Poll, RewardReport

NUM = {"td": {"class": "text-end"}}


class PollTable(tables.Table):
    title = tables.Column(linkify=True)
    region = tables.Column(verbose_name="区划")

    class Meta:
        model = Poll
        fields = ("title", "region", "status", "opens_on", "closes_on")
        attrs = {"class": "table table-sm table-hover"}


class RewardReportTable(tables.Table):
    number = tables.Column(linkify=True)
    region = tables.Column(verbose_name="区划")
    complaint = tables.Column(verbose_name="投诉举报工单")

    class Meta:
        model = RewardReport
        fields = (
            "number",
            "region",
            "received_on",
            "channel",
            "subject",
            "complaint",
            "status",
            "verified_on",
            "reward_amount",
            "paid_on",
        )
        attrs = {"class": "table table-sm table-hover"}


class ActivityTable(tables.Table):
    title = tables.Column(linkify=True)
    region = tables.Column(verbose_name="区划")
    participants = tables.Column(attrs=NUM)
    volunteers = tables.Column(attrs=NUM)
    materials = tables.Column(attrs=NUM)
    media_reports = tables.Column(attrs=NUM)

    class Meta:
        model = Activity
        fields = (
            "held_on",
            "title",
            "kind",
            "region",
            "place",
            "organiser",
            "participants",
            "volunteers",
            "materials",
            "media_reports",
        )
        attrs = {"class": "table table-sm table-hover"}
