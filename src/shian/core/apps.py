from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "shian.core"
    verbose_name = "基础"

    def ready(self):
        from django.utils.module_loading import autodiscover_modules

        from shian.core import audit, tables_speed

        audit.connect_signals()
        tables_speed.install()
        # Job functions live in each app's tasks.py and register themselves on import.
        autodiscover_modules("tasks")
