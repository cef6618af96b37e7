from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "shian.campaigns"
    verbose_name = "创建项目"
