from django.db import models


class CategoryKind(models.TextChoices):
    BASE = "base", "基本项"
    BONUS = "bonus", "加分项（示范引领）"


class Method(models.TextChoices):
    DOCUMENTS = "documents", "资料审查"
    ONSITE = "onsite", "现场检查"
    INTERVIEW = "interview", "领导访谈"
    SURVEY = "survey", "问卷调查"
    DATA = "data", "数据核验"


class UnitRole(models.TextChoices):
    LEAD = "lead", "牵头"
    COOPERATE = "coop", "配合"


class GateKind(models.TextChoices):
    VETO = "veto", "否决项"
    SURVEY = "survey", "测评门槛"
    KEY_ITEMS = "key_items", "关键项得分率"
    TOTAL = "total", "总分及格线"


class SurveyMetric(models.TextChoices):
    SATISFACTION = "satisfaction", "满意度"
    AWARENESS = "awareness", "知晓率"
    SUPPORT = "support", "支持率"


class MaterialPeriod(models.TextChoices):
    ANY = "any", "不限"
    CURRENT_YEAR = "current_year", "当年"
    LAST_YEARS = "last_years", "近N年"
    SINCE_CAMPAIGN = "since_campaign", "创建以来"
