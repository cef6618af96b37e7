# Django takes the one AppConfig subclass defined here; the base is reached through the module.
from shian.core import registry


class ShowcaseConfig(registry.ShianApp):
    name = "shian.showcase"
    verbose_name = "示范引领"
    url_prefix = "showcase/"
    nav = (
        registry.NavItem(
            "示范引领",
            "showcase:project_list",
            "stars",
            registry.OVERSIGHT | registry.UNITS,
            order=86,
            group="共治与考核",
        ),
    )
    has_api = True
    has_demo = True

    def ready(self):
        from shian.scoring.hooks import register_bonus_source
        from shian.showcase.bonus import bonus_from_projects

        # The assessment's 示范引领 items are scored from the reviewed projects; scoring never imports us.
        register_bonus_source(bonus_from_projects)
