# Django takes the one AppConfig subclass defined here; the base is reached through the module.
from shian.core import registry


class CommunityConfig(registry.ShianApp):
    name = "shian.community"
    verbose_name = "社会共治"
    url_prefix = "community/"
    public_url_prefix = "pick/"
    nav = (
        registry.NavItem(
            "社会共治",
            "community:activity_list",
            "people",
            registry.OVERSIGHT | registry.UNITS,
            order=96,
            group="共治与考核",
        ),
    )
    has_api = True
    has_demo = True
