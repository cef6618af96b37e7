# Django takes the one AppConfig subclass defined here; the base is reached through the module.
from shian.core import registry


class NotificationsConfig(registry.ShianApp):
    name = "shian.notifications"
    verbose_name = "消息通知"
    url_prefix = "notifications/"
    # 消息中心 is the bell on every page (core/base.html); the delivery log is the administrator's.
    nav = (registry.NavItem("投递记录", "notifications:delivery_list", "send-check", registry.ADMIN, order=125),)
    has_api = True
    has_demo = True  # after every other app's demo: it reminds about their data
