# Django takes the one AppConfig subclass defined here; the base is reached through the module.
from shian.core import registry


class EvidenceConfig(registry.ShianApp):
    name = "shian.evidence"
    verbose_name = "佐证材料"
    url_prefix = "evidence/"
    nav = (registry.NavItem("佐证材料", "evidence:material_list", "folder2-open", None, order=60),)
    has_api = True
    has_demo = True
