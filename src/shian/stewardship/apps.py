# Django takes the one AppConfig subclass defined here; the base is reached through the module.
from shian.core import registry


class StewardshipConfig(registry.ShianApp):
    name = "shian.stewardship"
    verbose_name = "包保"
    url_prefix = "stewardship/"
    public_url_prefix = "baobao/"
    nav = (
        registry.NavItem(
            "包保干部",
            "stewardship:cadre_list",
            "people",
            registry.OVERSIGHT | registry.UNITS,
            order=93,
            group="现场",
        ),
        # 企业账号: its own business's 主体责任 page, nothing else.
        registry.NavItem("本企业主体责任", "stewardship:enterprise", "shop", registry.BUSINESS, order=1),
    )
    has_api = True
    has_demo = True
