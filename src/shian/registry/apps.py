from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "shian.registry"
    verbose_name = "主体库"
