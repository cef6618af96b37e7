from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "shian.security"
    verbose_name = "安全"

    def ready(self):
        from shian.security import signals  # noqa: F401  (login/logout audit and lockout counting)
