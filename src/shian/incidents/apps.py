# Django takes the one AppConfig subclass defined here; the base is reached through the module.
from shian.core import registry


class IncidentsConfig(registry.ShianApp):
    name = "shian.incidents"
    verbose_name = "食品安全事件"
    url_prefix = "incidents/"
    nav = (
        registry.NavItem(
            "事件登记",
            "incidents:incident_list",
            "exclamation-octagon",
            registry.OVERSIGHT | registry.UNITS,
            order=88,
        ),
    )
    has_api = True
    has_demo = True
