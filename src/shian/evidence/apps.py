from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "shian.evidence"
    verbose_name = "佐证材料"
