from django.db import models


class RoundKind(models.TextChoices):
    MONTHLY = "monthly", "月调度"
    QUARTERLY = "quarterly", "季调度"
    SPECIAL = "special", "专题调度"


class RoundStatus(models.TextChoices):
    OPEN = "open", "填报中"
    CLOSED = "closed", "已结束"


class ReportStatus(models.TextChoices):
    MISSING = "missing", "未报送"
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已报送"


class Timeliness(models.TextChoices):
    ON_TIME = "on_time", "按时"
    LATE = "late", "逾期报送"
    MISSING = "missing", "未报送"
