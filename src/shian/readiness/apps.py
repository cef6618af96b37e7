# Django takes the one AppConfig subclass defined here; the base is reached through the module.
from shian.core import registry


class ReadinessConfig(registry.ShianApp):
    """迎检准备度: the read side above scoring and rectification (gap analysis, forecast)."""

    name = "shian.readiness"
    verbose_name = "差距分析"
    url_prefix = "scoring/gap/"  # reached from the assessments page; the address stays under 评分
    has_api = True
