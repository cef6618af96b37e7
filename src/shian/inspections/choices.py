from decimal import Decimal

from django.db import models


class ItemKind(models.TextChoices):
    CHECK = "check", "检查项"
    QUESTION = "question", "能问能答"


class Stage(models.TextChoices):
    SELF = "self", "自评"
    MOCK = "mock", "模拟评审"
    REVIEW = "review", "正式评审（记录）"


class Mode(models.TextChoices):
    OPEN = "open", "明查"
    COVERT = "covert", "暗访"


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "待抽取"
    DRAWN = "drawn", "已抽取"
    DONE = "done", "已完成"


class SiteRole(models.TextChoices):
    SELECTED = "selected", "正选"
    RESERVE = "reserve", "备选"
    UNVISITABLE = "unvisitable", "无法检查"


class VisitStatus(models.TextChoices):
    ASSIGNED = "assigned", "待检查"
    IN_PROGRESS = "in_progress", "检查中"
    SUBMITTED = "submitted", "已提交"


class Result(models.TextChoices):
    PASS = "pass", "符合"
    PARTIAL = "partial", "基本符合"
    FAIL = "fail", "不符合"
    NA = "na", "不适用"


# Share of an item's points a result earns; 不适用 leaves the item out of the total.
RESULT_SHARE = {Result.PASS: Decimal("1"), Result.PARTIAL: Decimal("0.5"), Result.FAIL: Decimal("0")}
