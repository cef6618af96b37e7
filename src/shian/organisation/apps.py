from django.apps import AppConfig


class OrganisationConfig(AppConfig):
    name = "shian.organisation"
    verbose_name = "组织机构"
