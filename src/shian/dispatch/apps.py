# Django takes the one AppConfig subclass defined here; the base is reached through the module.
from shian.core import registry


class DispatchConfig(registry.ShianApp):
    name = "shian.dispatch"
    verbose_name = "调度"
    url_prefix = "dispatch/"
    nav = (
        registry.NavItem(
            "调度", "dispatch:round_list", "calendar-check", registry.OVERSIGHT | registry.UNITS, order=50
        ),
    )
    has_api = True
    has_demo = True
