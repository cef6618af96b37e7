# Django takes the one AppConfig subclass defined here; the base is reached through the module.
from shian.core import registry


class CampaignsConfig(registry.ShianApp):
    name = "shian.campaigns"
    verbose_name = "创建项目"
    url_prefix = "campaigns/"
    nav = (
        registry.NavItem(
            "创建项目", "campaigns:campaign_list", "flag", registry.OVERSIGHT | registry.UNITS, order=20
        ),
    )
    has_api = True
    has_demo = True

    def ready(self):
        from shian.campaigns import readonly

        readonly.connect_signals()
