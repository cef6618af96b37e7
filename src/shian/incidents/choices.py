from django.db import models


class Level(models.TextChoices):
    """Levels of the 国家食品安全事故应急预案 (I–IV), plus 未定级 for events below an accident."""

    ESPECIALLY_MAJOR = "i", "特别重大（Ⅰ级）"
    MAJOR = "ii", "重大（Ⅱ级）"
    LARGER = "iii", "较大（Ⅲ级）"
    GENERAL = "iv", "一般（Ⅳ级）"
    NONE = "none", "未定级（事件）"


class Kind(models.TextChoices):
    POISONING = "poisoning", "食物中毒"
    SCHOOL = "school", "校园食品安全事件"
    ILLEGAL_ADDITIVE = "additive", "非法添加"
    RESIDUE = "residue", "农兽药残留超标"
    BANNED_DRUG = "banned_drug", "禁限用药物使用"
    OPINION = "opinion", "舆情事件"
    OTHER = "other", "其他"


class Status(models.TextChoices):
    OPEN = "open", "处置中"
    CLOSED = "closed", "已结案"


class EventKind(models.TextChoices):
    REPORT = "report", "上报"
    RESPONSE = "response", "应急处置"
    INVESTIGATION = "investigation", "调查"
    NOTICE = "notice", "信息发布"
    CLOSURE = "closure", "结案"
    NOTE = "note", "其他"


# Levels that are a 否决项 by themselves (重大食品安全事故 and above; 较大 too — the criteria say
# "未发生较大及以上食品安全事故").
VETO_LEVELS = (Level.ESPECIALLY_MAJOR, Level.MAJOR, Level.LARGER)
# Kinds that seed 001 lists as vetoes whatever their level ("未发生…禁限用药物的使用、常规农药兽药残留超标、
# 非法添加、校园食品安全等事件") — but only once the office has confirmed them (`confirmed`).
VETO_KINDS = (Kind.SCHOOL, Kind.ILLEGAL_ADDITIVE, Kind.RESIDUE, Kind.BANNED_DRUG)


class SpecialKind(models.TextChoices):
    """专项整治 the criteria and the seeds name (三小, 农贸市场, 校园及周边, 醇基燃料, 农村集体聚餐)."""

    SMALL_THREE = "small_three", "“三小”整治"
    MARKET = "market", "农贸市场升级"
    SCHOOL = "school", "校园及周边"
    ALCOHOL_FUEL = "alcohol_fuel", "醇基燃料"
    RURAL_BANQUET = "rural_banquet", "农村集体聚餐"
    OTHER = "other", "其他"


# The registry's 业态 a special campaign of each kind covers by default (the office may pick others).
SPECIAL_CATEGORIES = {
    SpecialKind.SMALL_THREE: ("small_eatery", "workshop", "vendor"),
    SpecialKind.MARKET: ("farmers_market", "wholesale_market"),
    SpecialKind.SCHOOL: ("school", "kindergarten"),
    SpecialKind.ALCOHOL_FUEL: ("large_restaurant", "medium_restaurant", "small_eatery"),
    SpecialKind.RURAL_BANQUET: ("rural_banquet",),
    SpecialKind.OTHER: (),
}


class SpecialStatus(models.TextChoices):
    PLANNED = "planned", "筹备中"
    ACTIVE = "active", "整治中"
    CLOSED = "closed", "已总结"


class SiteStatus(models.TextChoices):
    PENDING = "pending", "待排查"
    RECTIFYING = "rectifying", "整改中"
    PASSED = "passed", "验收合格"
    BANNED = "banned", "依法取缔"


SITE_DONE = (SiteStatus.PASSED, SiteStatus.BANNED)
