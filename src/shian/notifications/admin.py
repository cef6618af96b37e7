from django.contrib import admin

from shian.notifications.models import Delivery, Notification, Preference, Reminder, RobotHook


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """The delivery log: failures are visible with their last error."""

    list_display = (
        "created_at",
        "channel",
        "target",
        "subject",
        "status",
        "attempts",
        "sent_at",
        "last_error",
    )
    list_filter = ("status", "channel", "event")
    search_fields = ("target", "subject", "last_error")
    readonly_fields = [f.name for f in Delivery._meta.fields]


@admin.register(RobotHook)
class RobotHookAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "unit", "campaign", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name",)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "recipient", "event", "title", "read_at")
    list_filter = ("event",)
    search_fields = ("title", "recipient__username", "recipient__name")


admin.site.register(Preference)
admin.site.register(Reminder)
