from django.db import models


class Direction(models.TextChoices):
    HIGHLIGHT = "highlight", "特色亮点"
    INNOVATION = "innovation", "创新做法"
    SMART = "smart", "智慧监管"
    GOVERNANCE = "governance", "社会共治"
    INDUSTRY = "industry", "产业发展"


class Status(models.TextChoices):
    DRAFT = "draft", "编制中"
    SUBMITTED = "submitted", "待审核"
    RETURNED = "returned", "退回修改"
    APPROVED = "approved", "审核通过"


class FileKind(models.TextChoices):
    EVIDENCE = "evidence", "佐证材料"
    MEDIA = "media", "媒体报道"
    PHOTO = "photo", "图片"


# The expert pre-review rubric: each criterion scored 0–10.
RUBRIC = (
    ("score_targeted", "针对性"),
    ("score_innovative", "创新性"),
    ("score_exemplary", "示范性"),
    ("score_replicable", "可推广性"),
)
