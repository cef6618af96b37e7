# Django takes the one AppConfig subclass defined here; the base is reached through the module.
from shian.core import registry


class RegistryConfig(registry.ShianApp):
    name = "shian.registry"
    verbose_name = "主体库"
    url_prefix = "registry/"
    nav = (
        registry.NavItem(
            "主体库",
            "registry:business_list",
            "shop",
            registry.OVERSIGHT | registry.UNITS,
            order=92,
            group="现场",
        ),
    )
    has_api = True
    has_demo = True
