# Django takes the one AppConfig subclass defined here; the base is reached through the module.
from shian.core import registry


class FrameworkConfig(registry.ShianApp):
    name = "shian.framework"
    verbose_name = "评价细则"
    url_prefix = "framework/"
    nav = (registry.NavItem("评价细则", "framework:framework_list", "diagram-3", None, order=30),)
    has_api = True
    has_demo = True
