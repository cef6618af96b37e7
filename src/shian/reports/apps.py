# Django takes the one AppConfig subclass defined here; the base is reached through the module.
from shian.core import registry


class ReportsConfig(registry.ShianApp):
    name = "shian.reports"
    verbose_name = "公文报告"
    url_prefix = "reports/"
    nav = (
        registry.NavItem(
            "公文报告", "reports:document_list", "file-earmark-text", registry.OVERSIGHT, order=100
        ),
    )
    has_api = True
    has_demo = True
