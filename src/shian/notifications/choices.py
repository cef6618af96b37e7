from django.db import models


class Event(models.TextChoices):
    """Named events a person is told about. Apps added later pass their own names to `notify_event`
    (see hooks.py); the ones below are known to the filters and labels."""

    TASK_ASSIGNED = "task_assigned", "任务分派"
    TASK_SENT_BACK = "task_sent_back", "任务退回"
    TASK_DUE = "task_due", "任务即将到期"
    TASK_OVERDUE = "task_overdue", "任务逾期"
    TASK_URGED = "task_urged", "任务催办"
    MATERIAL_RETURNED = "material_returned", "材料退回"
    MATERIAL_APPROVED = "material_approved", "材料通过"
    ROUND_OPENED = "round_opened", "调度发起"
    ROUND_DUE = "round_due", "调度明日截止"
    ROUND_MISSED = "round_missed", "调度未报送"
    ROUND_URGED = "round_urged", "调度催报"
    PROBLEM_ASSIGNED = "problem_assigned", "整改问题交办"
    PROBLEM_DUE = "problem_due", "整改即将到期"
    PROBLEM_OVERDUE = "problem_overdue", "整改逾期"
    PROBLEM_ESCALATED = "problem_escalated", "整改逾期升级"
    PROBLEM_VERIFIED = "problem_verified", "整改销号"
    PROBLEM_URGED = "problem_urged", "整改催办"
    SUMMONS_SCHEDULED = "summons_scheduled", "约谈通知"
    INSPECTION = "inspection", "督查检查"
    VISIT = "visit", "包保走访"
    SURVEY = "survey", "问卷调查"
    OTHER = "other", "其他"


# What reaches e-mail / SMS at once unless the person chose otherwise; everything else waits for the digest.
DEFAULT_IMMEDIATE = [Event.MATERIAL_RETURNED.value, Event.SUMMONS_SCHEDULED.value]
# What a group robot receives unless its hook lists other events: reminders and what needs action now
# (per-item overdue notices would flood a group; they go to the people and the digest instead).
DEFAULT_ROBOT_EVENTS = [
    Event.TASK_URGED.value,
    Event.ROUND_OPENED.value,
    Event.ROUND_DUE.value,
    Event.ROUND_MISSED.value,
    Event.ROUND_URGED.value,
    Event.MATERIAL_RETURNED.value,
    Event.PROBLEM_URGED.value,
    Event.SUMMONS_SCHEDULED.value,
]


def event_label(name: str) -> str:
    return Event(name).label if name in Event.values else name


class Channel(models.TextChoices):
    INAPP = "inapp", "站内消息"
    EMAIL = "email", "电子邮件"
    WECOM = "wecom", "企业微信群机器人"
    DINGTALK = "dingtalk", "钉钉群机器人"
    SMS = "sms", "短信"


class RobotKind(models.TextChoices):
    WECOM = "wecom", "企业微信"
    DINGTALK = "dingtalk", "钉钉"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "待发送"
    SENDING = "sending", "发送中"
    SENT = "sent", "已发送"
    FAILED = "failed", "发送失败"


class UrgeKind(models.TextChoices):
    ROUND = "round", "催报"
    TASK = "task", "任务催办"
    PROBLEM = "problem", "问题催办"
