# Django takes the one AppConfig subclass defined here; the base is reached through the module.
from shian.core import registry


class RectificationConfig(registry.ShianApp):
    name = "shian.rectification"
    verbose_name = "问题整改"
    url_prefix = "rectification/"
    nav = (
        registry.NavItem(
            "问题整改", "rectification:problem_list", "tools", registry.OVERSIGHT | registry.UNITS, order=80
        ),
    )
    has_api = True
    has_demo = True
