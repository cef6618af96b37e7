from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "shian.inspections"
    verbose_name = "明查暗访"
