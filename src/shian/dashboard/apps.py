# Django takes the one AppConfig subclass defined here; the base is reached through the module.
from shian.core import registry


class DashboardConfig(registry.ShianApp):
    name = "shian.dashboard"
    verbose_name = "领导驾驶舱"
    url_prefix = "dashboard/"
    nav = (
        registry.NavItem("首页", "home", "house", None, order=0),
        registry.NavItem("驾驶舱", "dashboard:leader", "speedometer2", registry.OVERSIGHT, order=10),
    )
    has_api = False
    has_demo = False
