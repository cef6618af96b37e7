# Django takes the one AppConfig subclass defined here; the base is reached through the module.
from shian.core import registry


class RankingsConfig(registry.ShianApp):
    name = "shian.rankings"
    verbose_name = "排名与约谈"
    url_prefix = "rankings/"
    nav = (
        registry.NavItem(
            "红黑榜",
            "rankings:run_list",
            "trophy",
            registry.OVERSIGHT | registry.UNITS,
            order=95,
            group="共治与考核",
        ),
    )
    has_demo = True
    has_api = True

    def ready(self):
        from shian.rankings import builtin_signals  # noqa: F401  (registers the signals of apps below)
