from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "shian.dashboard"
    verbose_name = "领导驾驶舱"
