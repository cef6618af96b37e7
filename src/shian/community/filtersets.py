import django_filters

from shian.community.choices import ActivityKind, PollStatus, ReportStatus
from shian.community.models import Activity, Poll, RewardReport
from shian.core.filtersets import SearchFilterSet


class PollFilterSet(SearchFilterSet):
    search_fields = ("title", "region__name")
    status = django_filters.ChoiceFilter(choices=PollStatus.choices, label="状态")

    class Meta:
        model = Poll
        fields = ["q", "status"]


class RewardReportFilterSet(SearchFilterSet):
    search_fields = ("number", "subject", "channel", "region__name")
    status = django_filters.ChoiceFilter(choices=ReportStatus.choices, label="状态")
    received_after = django_filters.DateFilter(
        field_name="received_on", lookup_expr="gte", label="受理日期起"
    )
    received_before = django_filters.DateFilter(
        field_name="received_on", lookup_expr="lte", label="受理日期止"
    )

    class Meta:
        model = RewardReport
        fields = ["q", "status", "received_after", "received_before"]


class ActivityFilterSet(SearchFilterSet):
    search_fields = ("title", "place", "organiser", "region__name")
    kind = django_filters.ChoiceFilter(choices=ActivityKind.choices, label="类型")
    held_after = django_filters.DateFilter(field_name="held_on", lookup_expr="gte", label="日期起")
    held_before = django_filters.DateFilter(field_name="held_on", lookup_expr="lte", label="日期止")

    class Meta:
        model = Activity
        fields = ["q", "kind", "held_after", "held_before"]
