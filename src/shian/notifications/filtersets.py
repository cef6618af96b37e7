import django_filters

from shian.core.filtersets import SearchFilterSet
from shian.notifications.choices import Channel, DeliveryStatus, Event
from shian.notifications.models import Delivery, Notification, RobotHook

READ_CHOICES = [("unread", "未读"), ("read", "已读")]


class NotificationFilterSet(SearchFilterSet):
    search_fields = ("title", "body")
    event = django_filters.ChoiceFilter(choices=Event.choices, label="类型")
    read = django_filters.ChoiceFilter(choices=READ_CHOICES, method="filter_read", label="状态")

    class Meta:
        model = Notification
        fields = ["q", "event", "read"]

    def filter_read(self, queryset, name, value):
        if value == "unread":
            return queryset.filter(read_at__isnull=True)
        if value == "read":
            return queryset.filter(read_at__isnull=False)
        return queryset


class RobotHookFilterSet(SearchFilterSet):
    search_fields = ("name", "unit__name", "campaign__name")

    class Meta:
        model = RobotHook
        fields = ["q", "kind", "is_active"]


class DeliveryFilterSet(SearchFilterSet):
    search_fields = ("target", "subject", "last_error")
    channel = django_filters.ChoiceFilter(choices=Channel.choices, label="渠道")
    status = django_filters.ChoiceFilter(choices=DeliveryStatus.choices, label="状态")

    class Meta:
        model = Delivery
        fields = ["q", "channel", "status"]
