from django.db import models


class Source(models.TextChoices):
    SELF_CHECK = "self_check", "自查"
    INSPECTION = "inspection", "督查反馈"
    COVERT = "covert", "明查暗访"
    REVIEW = "review", "初评反馈"
    COMPLAINT = "complaint", "群众投诉"
    MEDIA = "media", "媒体曝光"
    OTHER = "other", "其他"


class Severity(models.TextChoices):
    RED = "red", "红色（重大）"
    ORANGE = "orange", "橙色（较大）"
    YELLOW = "yellow", "黄色（一般）"
    BLUE = "blue", "蓝色（轻微）"


SEVERITY_SHORT = {"red": "红", "orange": "橙", "yellow": "黄", "blue": "蓝"}
SEVERITY_CSS = {"red": "danger", "orange": "orange", "yellow": "warning", "blue": "primary"}
# Bootstrap has no orange badge; the 色标 colours are given explicitly (background, text).
SEVERITY_COLOURS = {
    "red": ("#dc3545", "#fff"),
    "orange": ("#fd7e14", "#fff"),
    "yellow": ("#ffc107", "#000"),
    "blue": ("#0d6efd", "#fff"),
}


class Status(models.TextChoices):
    OPEN = "open", "待整改"
    IN_PROGRESS = "in_progress", "整改中"
    SUBMITTED = "submitted", "待销号"
    VERIFIED = "verified", "已销号"


STATUS_CSS = {"open": "secondary", "in_progress": "primary", "submitted": "info", "verified": "success"}


class Escalation(models.IntegerChoices):
    NONE = 0, "未升级"
    REMINDER = 1, "催办提醒"
    WARNING = 2, "通报预警"
    INTERVIEW = 3, "约谈"


class NoteKind(models.TextChoices):
    PROGRESS = "progress", "整改进展"
    SUBMIT = "submit", "申请销号"
    VERIFY = "verify", "销号"
    REJECT = "reject", "退回"
    REOPEN = "reopen", "重新打开"
    ESCALATE = "escalate", "逾期升级"


class VerifyMethod(models.TextChoices):
    DOCUMENTS = "documents", "资料核查"
    ONSITE = "onsite", "现场复核"
    PHONE = "phone", "电话回访"
    IMPORT = "import", "台账导入"


class SummonsStatus(models.TextChoices):
    PLANNED = "planned", "待约谈"
    HELD = "held", "已约谈"
