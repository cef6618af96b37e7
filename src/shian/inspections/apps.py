# Django takes the one AppConfig subclass defined here; the base is reached through the module.
from shian.core import registry


class InspectionsConfig(registry.ShianApp):
    name = "shian.inspections"
    verbose_name = "明查暗访"
    url_prefix = "inspections/"
    nav = (
        registry.NavItem("明查暗访", "inspections:plan_list", "binoculars", registry.OVERSIGHT, order=94),
        # Inspectors who see no plans (experts, unit staff) get their own visits.
        registry.NavItem(
            "我的检查", "inspections:my_visits", "binoculars", registry.UNITS | {"expert"}, order=95
        ),
    )
    has_api = True
    has_demo = True
