import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from shian.notifications.choices import DeliveryStatus
from shian.notifications.models import Delivery, Notification, RobotHook

WIDE_ONLY = {"th": {"class": "d-none d-md-table-cell"}, "td": {"class": "d-none d-md-table-cell text-nowrap"}}


class NotificationTable(tables.Table):
    title = tables.Column(verbose_name="消息")
    event = tables.Column(verbose_name="类型", attrs=WIDE_ONLY)
    created_at = tables.DateTimeColumn(
        verbose_name="时间", format="Y-m-d H:i", attrs={"td": {"class": "text-nowrap"}}
    )
    read_at = tables.Column(verbose_name="状态", empty_values=(), attrs={"td": {"class": "text-nowrap"}})

    class Meta:
        model = Notification
        fields = ["title", "event", "created_at", "read_at"]
        order_by = "-created_at"
        empty_text = "暂无消息"
        row_attrs = {"class": lambda record: "" if record.read_at else "fw-semibold"}

    def render_title(self, record):
        body = record.body.splitlines()[0][:80] if record.body else ""
        return format_html(
            '<a href="{}">{}</a><div class="small text-muted fw-normal">{}</div>',
            reverse("notifications:open", args=[record.pk]),
            record.title,
            body,
        )

    def value_title(self, record):
        return record.title

    def render_event(self, record):
        return record.event_label

    def value_event(self, record):
        return record.event_label

    def render_read_at(self, value):
        if value:
            return mark_safe('<span class="badge text-bg-light">已读</span>')
        return mark_safe('<span class="badge text-bg-primary">未读</span>')

    def value_read_at(self, value):
        return "已读" if value else "未读"


STATUS_CSS = {
    DeliveryStatus.PENDING: "secondary",
    DeliveryStatus.SENDING: "info",
    DeliveryStatus.SENT: "success",
    DeliveryStatus.FAILED: "danger",
}


class DeliveryTable(tables.Table):
    created_at = tables.DateTimeColumn(
        verbose_name="时间", format="Y-m-d H:i", attrs={"td": {"class": "text-nowrap"}}
    )
    channel = tables.Column()
    target = tables.Column()
    subject = tables.Column()
    status = tables.Column()
    attempts = tables.Column(attrs=WIDE_ONLY)
    last_error = tables.Column(attrs={"td": {"class": "small text-danger"}})
    actions = tables.TemplateColumn(
        template_name="notifications/_delivery_actions.html", verbose_name="", orderable=False
    )

    class Meta:
        model = Delivery
        fields = ["created_at", "channel", "target", "subject", "status", "attempts", "last_error", "actions"]
        order_by = "-created_at"
        empty_text = "暂无投递记录"

    def render_status(self, record):
        label = record.get_status_display()
        if record.status == DeliveryStatus.PENDING and record.attempts:
            label = f"待重试（第{record.attempts + 1}次）"
        return format_html(
            '<span class="badge text-bg-{}">{}</span>', STATUS_CSS.get(record.status, "secondary"), label
        )

    def value_status(self, record):
        return record.get_status_display()


class RobotHookTable(tables.Table):
    name = tables.Column(linkify=lambda record: reverse("notifications:robot_edit", args=[record.pk]))
    kind = tables.Column()
    unit = tables.Column(default="—")
    campaign = tables.Column(default="—", attrs=WIDE_ONLY)
    is_active = tables.BooleanColumn(yesno="启用,停用")
    actions = tables.TemplateColumn(
        template_name="notifications/_robot_actions.html", verbose_name="", orderable=False
    )

    class Meta:
        model = RobotHook
        fields = ["name", "kind", "unit", "campaign", "is_active", "actions"]
        empty_text = "尚未配置群机器人"
