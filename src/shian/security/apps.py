# Django takes the one AppConfig subclass defined here; the base is reached through the module.
from shian.core import registry


class SecurityConfig(registry.ShianApp):
    name = "shian.security"
    verbose_name = "安全"
    nav = (
        registry.NavItem("登录锁定", "security:locks", "lock", registry.ADMIN, order=140, group="系统管理"),
    )

    def ready(self):
        from shian.security import signals  # noqa: F401  (login/logout audit and lockout counting)
