from django.apps import AppConfig


class FrameworkConfig(AppConfig):
    name = "shian.framework"
    verbose_name = "评价细则"
