from django.apps import AppConfig


class RectificationConfig(AppConfig):
    name = "shian.rectification"
    verbose_name = "问题整改"
