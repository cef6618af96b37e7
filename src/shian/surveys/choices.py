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


# The channels an interviewer works in (a telephone call or a door-to-door visit).
INTERVIEW_CHANNELS = [(Channel.PHONE.value, Channel.PHONE.label), (Channel.DOOR.value, Channel.DOOR.label)]


class Access(models.TextChoices):
    OPEN = "open", "公开（设备标记防重复）"
    CODES = "codes", "凭一次性答题码"


class QuestionKind(models.TextChoices):
    SINGLE = "single", "单选"
    MULTIPLE = "multiple", "多选"
    RATING = "rating", "评分"
    TEXT = "text", "文字"


class AgeGroup(models.TextChoices):
    UNDER_30 = "u30", "30岁以下"
    AGE_30_44 = "30_44", "30–44岁"
    AGE_45_59 = "45_59", "45–59岁"
    OVER_60 = "60p", "60岁及以上"


class CallOutcome(models.TextChoices):
    ANSWERED = "answered", "接通"
    REFUSED = "refused", "拒访"
    INVALID = "invalid", "空号"
    NO_ANSWER = "no_answer", "无人接听"


class AreaType(models.TextChoices):
    URBAN = "urban", "城区（街道）"
    TOWN = "town", "镇"
    RURAL = "rural", "乡"
