from django.db import models


class TaskStatus(models.TextChoices):
    PENDING_CLAIM = "pending", "待认领"
    IN_PROGRESS = "in_progress", "进行中"
    SUBMITTED = "submitted", "已提交"
    DONE = "done", "已完成"


# 逾期 is not stored: a task is overdue when its deadline has passed and it is not done.
OVERDUE = "overdue"
OVERDUE_LABEL = "逾期"

STATUS_FILTER_CHOICES = [*TaskStatus.choices, (OVERDUE, OVERDUE_LABEL)]
