from django.apps import AppConfig


class DispatchConfig(AppConfig):
    name = "shian.dispatch"
    verbose_name = "调度"
