from django.db import models


class CampaignLevel(models.TextChoices):
    NATIONAL_CITY = "national_city", "国家食品安全示范城市"
    PROVINCIAL_COUNTY = "provincial_county", "省级食品安全示范县"
    RE_REVIEW = "re_review", "复审"


class CampaignStatus(models.TextChoices):
    PREPARING = "preparing", "筹备中"
    ACTIVE = "active", "创建中"
    UNDER_REVIEW = "under_review", "迎检评审"
    NAMED = "named", "已命名"
    CLOSED = "closed", "已结束"


class MilestoneKind(models.TextChoices):
    MOBILISE = "mobilise", "动员部署"
    SELF_ASSESSMENT = "self_assessment", "自评"
    PROVINCIAL_REVIEW = "provincial_review", "省级初评"
    NATIONAL_ACCEPTANCE = "national_acceptance", "国家验收"
    PUBLIC_NOTICE = "public_notice", "社会公示"
    RE_REVIEW = "re_review", "复审"
    OTHER = "other", "其他"
