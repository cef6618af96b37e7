from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "shian.reports"
    verbose_name = "公文报告"
