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
            group="共治与考核",
        ),
        registry.NavItem(
            "专项整治",
            "incidents:special_list",
            "tools",
            registry.OVERSIGHT | registry.UNITS,
            order=89,
            group="共治与考核",
        ),
    )
    has_api = True
    has_demo = True

    def ready(self):
        from shian.incidents.veto import veto_from_register
        from shian.scoring.hooks import register_veto_source

        # The assessment's 否决项 are answered from the register; scoring never imports incidents.
        register_veto_source(veto_from_register)
