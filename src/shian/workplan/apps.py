from django.apps import AppConfig


class WorkplanConfig(AppConfig):
    name = "shian.workplan"
    verbose_name = "任务分解"
