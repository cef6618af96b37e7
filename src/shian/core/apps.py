# Django takes the one AppConfig subclass defined here; the base is reached through the module.
from shian.core import registry


class CoreConfig(registry.ShianApp):
    name = "shian.core"
    verbose_name = "基础"
    url_prefix = "core/"
    nav = (
        registry.NavItem(
            "审计日志", "core:audit_list", "journal-text", registry.ADMIN, order=130, group="系统管理"
        ),
    )

    def ready(self):
        from django.db.backends.signals import connection_created
        from django.utils.module_loading import autodiscover_modules

        from shian.core import audit, pagecache, tables_speed

        audit.connect_signals()
        connection_created.connect(pagecache.install)
        tables_speed.install()
        # Job functions live in each app's tasks.py and register themselves on import.
        autodiscover_modules("tasks")
