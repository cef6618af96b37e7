from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "shian.campaigns"
    verbose_name = "创建项目"

    def ready(self):
        from shian.campaigns import readonly

        readonly.connect_signals()
