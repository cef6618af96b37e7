# Django takes the one AppConfig subclass defined here; the base is reached through the module.
from shian.core import registry


class InspectionsConfig(registry.ShianApp):
    name = "shian.inspections"
    verbose_name = "明查暗访"
    url_prefix = "inspections/"
    nav = (
        registry.NavItem(
            "明查暗访", "inspections:plan_list", "binoculars", registry.OVERSIGHT, order=94, group="现场"
        ),
        # Inspectors who see no plans (experts, unit staff) get their own visits.
        registry.NavItem(
            "我的检查",
            "inspections:my_visits",
            "binoculars",
            registry.UNITS | {"expert"},
            order=95,
            group="现场",
        ),
    )
    has_api = True
    has_demo = True

    def ready(self):
        from shian.framework.extensions import register_item_field
        from shian.inspections.credit import credit_file
        from shian.inspections.rollup import SITE_CATEGORIES_FIELD
        from shian.registry.panels import add_business_context

        # The 现场检查 item ↔ 业态 mapping is part of the criteria: it goes out and comes back with them.
        register_item_field(SITE_CATEGORIES_FIELD)

        # The business page shows its 信用档案; the registry itself knows nothing of inspections.
        add_business_context(lambda business, user: {"credit": credit_file(business, user)})
