# Django takes the one AppConfig subclass defined here; the base is reached through the module.
from shian.core import registry


class WorkplanConfig(registry.ShianApp):
    name = "shian.workplan"
    verbose_name = "任务分解"
    url_prefix = "tasks/"
    nav = (
        registry.NavItem(
            "任务", "workplan:task_list", "list-check", registry.OVERSIGHT | registry.UNITS, order=40
        ),
    )
    has_api = True
    has_demo = True
