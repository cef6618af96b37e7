# Django takes the one AppConfig subclass defined here; the base is reached through the module.
from shian.core import registry


class SurveysConfig(registry.ShianApp):
    name = "shian.surveys"
    verbose_name = "问卷调查"
    url_prefix = "surveys/"
    public_url_prefix = "s/"
    nav = (
        registry.NavItem(
            "问卷调查",
            "surveys:survey_list",
            "clipboard-check",
            registry.OVERSIGHT | registry.UNITS,
            order=96,
            group="共治与考核",
        ),
    )
    has_api = True
    has_demo = True
