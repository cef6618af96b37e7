from django.db import models


class InterviewStatus(models.TextChoices):
    PROPOSED = "proposed", "拟约谈"
    HELD = "held", "已约谈"
    CLOSED = "closed", "已销号"


class PeriodKind(models.TextChoices):
    MONTH = "month", "月度"
    QUARTER = "quarter", "季度"
    HALF = "half", "半年"
    YEAR = "year", "年度"


class Normalisation(models.TextChoices):
    RAW = "raw", "原值"
    RANK = "rank", "按名次"
    MINMAX = "minmax", "极差标准化"
    TARGET = "target", "对标目标值"


class ListRule(models.TextChoices):
    COUNT = "count", "按名额（前N名/后N名）"
    THRESHOLD = "threshold", "按分数线"


class RunStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已发布"


class AppealStatus(models.TextChoices):
    PENDING = "pending", "待处理"
    UPHELD = "upheld", "申诉成立"
    REJECTED = "rejected", "维持原排名"
