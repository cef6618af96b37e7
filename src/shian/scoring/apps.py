# Django takes the one AppConfig subclass defined here; the base is reached through the module.
from shian.core import registry


class ScoringConfig(registry.ShianApp):
    name = "shian.scoring"
    verbose_name = "评分"
    url_prefix = "scoring/"
    nav = (registry.NavItem("评分", "scoring:assessment_list", "clipboard-check", None, order=70),)
    has_api = True
    has_demo = True
