# Django takes the one AppConfig subclass defined here; the base is reached through the module.
from shian.core import registry


class SupervisionConfig(registry.ShianApp):
    name = "shian.supervision"
    verbose_name = "监管数据"
    url_prefix = "supervision/"
    nav = (
        registry.NavItem(
            "监管数据",
            "supervision:indicator_list",
            "bar-chart",
            registry.OVERSIGHT | registry.UNITS,
            order=90,
        ),
    )
    has_api = True
    has_demo = True
