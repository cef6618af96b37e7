from django.db import models


class RegionLevel(models.IntegerChoices):
    PROVINCE = 1, "省"
    CITY = 2, "市"
    COUNTY = 3, "县（区）"
    TOWNSHIP = 4, "乡镇（街道）"
    VILLAGE = 5, "村（社区）"


class UnitKind(models.TextChoices):
    OFFICE = "office", "创建办"
    MEMBER = "member", "成员单位"
    TOWNSHIP = "township", "乡镇/街道"
    OTHER = "other", "其他"


class Role(models.TextChoices):
    ADMIN = "admin", "系统管理员"
    OFFICE = "office", "创建办"
    UNIT_HEAD = "unit_head", "单位负责人"
    LIAISON = "liaison", "单位联络员"
    LEADER = "leader", "领导"
    EXPERT = "expert", "评审专家"
    BUSINESS = "business", "企业账号"


# Roles whose scope is a region subtree rather than one unit.
REGION_ROLES = {Role.OFFICE, Role.LEADER}
# Roles that may only read.
READ_ONLY_ROLES = {Role.LEADER, Role.EXPERT}
# 企业账号: a food business's own login, confined to its business's 主体责任 pages (stewardship).
