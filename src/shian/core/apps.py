from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "shian.core"
    verbose_name = "基础"

    def ready(self):
        from shian.core import audit

        audit.connect_signals()
