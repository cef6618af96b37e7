from django.db import models


class AssessmentKind(models.TextChoices):
    SELF = "self", "自评"
    MOCK = "mock", "模拟评审"
    CITY = "city", "市级初评"
    PROVINCIAL = "provincial", "省级初评"
    NATIONAL = "national", "国家验收"
    RE_REVIEW = "re_review", "复审"


class AssessmentStatus(models.TextChoices):
    OPEN = "open", "评分中"
    LOCKED = "locked", "已签署锁定"


class Outcome(models.TextChoices):
    PASSED = "passed", "达标"
    FAILED = "failed", "未达标"
    INCOMPLETE = "incomplete", "待定（尚有未评分项或未录入数据）"
