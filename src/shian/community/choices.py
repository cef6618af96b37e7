from django.db import models


class ActivityKind(models.TextChoices):
    PUBLICITY = "publicity", "科普宣传"
    WEEK = "week", "食品安全宣传周"
    OPEN_DAY = "open_day", "开放日"
    VOLUNTEER = "volunteer", "志愿者活动"
    COMMUNITY = "community", "进社区"
    SCHOOL = "school", "进校园"
    ENTERPRISE = "enterprise", "进企业"
    TRAINING = "training", "培训"
    OTHER = "other", "其他"


class PollStatus(models.TextChoices):
    DRAFT = "draft", "未开放"
    OPEN = "open", "投票中"
    CLOSED = "closed", "已截止"
    PUBLISHED = "published", "已公布结果"


class OptionKind(models.TextChoices):
    FOOD = "food", "食品"
    PLACE = "place", "场所"


class ReportStatus(models.TextChoices):
    RECEIVED = "received", "已受理"
    VERIFIED = "verified", "查证属实"
    REJECTED = "rejected", "查证不实"
    REWARDED = "rewarded", "已发放奖励"


class TaskStatus(models.TextChoices):
    PLANNED = "planned", "待抽样"
    DONE = "done", "已出结果"
