from django.db import models


class SurveyKind(models.TextChoices):
    SATISFACTION = "satisfaction", "群众满意度"
    AWARENESS = "awareness", "知晓率"
    SUPPORT = "support", "支持率"
    QUIZ = "quiz", "能问能答"


class Channel(models.TextChoices):
    LINK = "link", "网络链接"
    DOOR = "door", "入户"
    PHONE = "phone", "电话"
    STUDENT = "student", "学生"
