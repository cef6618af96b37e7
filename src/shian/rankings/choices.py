from django.db import models


class InterviewStatus(models.TextChoices):
    PROPOSED = "proposed", "拟约谈"
    HELD = "held", "已约谈"
    CLOSED = "closed", "已销号"
