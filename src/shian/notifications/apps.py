# Django takes the one AppConfig subclass defined here; the base is reached through the module.
from shian.core import registry


class NotificationsConfig(registry.ShianApp):
    name = "shian.notifications"
    verbose_name = "消息通知"
    url_prefix = "notifications/"
    # 消息中心 is the bell on every page (core/base.html); the delivery log is the administrator's.
    nav = (
        registry.NavItem(
            "投递记录",
            "notifications:delivery_list",
            "send-check",
            registry.ADMIN,
            order=125,
            group="系统管理",
        ),
    )
    has_api = True
    has_demo = True  # after every other app's demo: it reminds about their data

    def ready(self):
        from shian.core.notify import set_dispatcher
        from shian.notifications.services import dispatch

        set_dispatcher(dispatch)

    def on_serve(self, stdout):
        """`shian run`: say how to see e-mails, and start the in-process scheduler."""
        from django.conf import settings

        from shian.notifications.scheduler import start_scheduler

        if settings.SHIAN_EMAIL_URL:
            stdout.write(f"邮件通知：已配置（{settings.SHIAN_EMAIL_URL.split('@')[-1]}）")
        else:
            stdout.write(
                "邮件通知未配置。要查看系统发出的邮件，可另开终端运行本地 SMTP 接收器：\n"
                "  .venv/bin/python -m aiosmtpd -n -l 127.0.0.1:8025\n"
                "再以 SHIAN_EMAIL_URL=smtp://127.0.0.1:8025 启动本程序。"
            )
        start_scheduler()  # reminders, escalations and digests run by themselves (SHIAN_SCHEDULER=0 turns it off)
