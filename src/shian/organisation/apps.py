# Django takes the one AppConfig subclass defined here; the base is reached through the module.
from shian.core import registry


class OrganisationConfig(registry.ShianApp):
    name = "shian.organisation"
    verbose_name = "组织机构"
    url_prefix = "organisation/"
    nav = (
        registry.NavItem(
            "组织机构", "organisation:unit_list", "people", registry.OVERSIGHT, order=120, group="系统管理"
        ),
    )
    has_api = True
    has_demo = True
