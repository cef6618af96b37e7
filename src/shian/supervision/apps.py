from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "shian.supervision"
    verbose_name = "监管数据"
