from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "shian.notifications"
    verbose_name = "消息通知"
