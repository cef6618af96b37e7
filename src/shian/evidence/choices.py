from django.db import models

from shian.core.filetypes import FileKind  # noqa: F401 — file kinds are core's; evidence stores them


class MaterialStatus(models.TextChoices):
    PENDING = "pending", "待审核"
    APPROVED = "approved", "已通过"
    RETURNED = "returned", "已退回"


class Coverage(models.TextChoices):
    """Where a requirement stands in the completeness matrix."""

    MISSING = "missing", "缺失"
    UPLOADED = "uploaded", "已上传待审"
    APPROVED = "approved", "已通过"
    RETURNED = "returned", "已退回"
    OUT_OF_PERIOD = "out_of_period", "时间不符"


COVERAGE_CSS = {
    Coverage.MISSING: "danger",
    Coverage.UPLOADED: "info",
    Coverage.APPROVED: "success",
    Coverage.RETURNED: "warning",
    Coverage.OUT_OF_PERIOD: "secondary",
}


class TextStatus(models.TextChoices):
    PENDING = "pending", "待提取"
    DONE = "done", "已提取"
    EMPTY = "empty", "无文字"
    FAILED = "failed", "无法读取"
    UNSUPPORTED = "unsupported", "不支持提取"


class Flag(models.TextChoices):
    OUT_OF_PERIOD = "out_of_period", "成文日期不在要求时间范围内"
    DUPLICATE = "duplicate", "重复文件"
    EMPTY = "empty", "空文件"
    UNREADABLE = "unreadable", "文件无法读取"
    BETTER_MATCH = "better_match", "内容更符合其他指标"
