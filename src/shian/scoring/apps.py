from django.apps import AppConfig


class ScoringConfig(AppConfig):
    name = "shian.scoring"
    verbose_name = "评分"
