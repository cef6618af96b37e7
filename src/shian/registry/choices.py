from django.db import models


class BusinessStatus(models.TextChoices):
    OPEN = "open", "营业"
    SUSPENDED = "suspended", "停业"
    CANCELLED = "cancelled", "注销"


class RiskGrade(models.TextChoices):
    A = "A", "A级（低风险）"
    B = "B", "B级"
    C = "C", "C级"
    D = "D", "D级（高风险）"


class BaobaoLevel(models.TextChoices):
    """分层级包保: which level of cadre is responsible for the business (not the risk grade)."""

    COUNTY = "county", "县级包保"
    TOWNSHIP = "township", "乡镇级包保"
    VILLAGE = "village", "村（社区）级包保"


class LicenceKind(models.TextChoices):
    OPERATION = "JY", "食品经营许可证"
    PRODUCTION = "SC", "食品生产许可证"
    REGISTRATION = "REG", "登记证（小作坊/小摊贩）"
    OTHER = "", "其他"


# Words offices use in the 经营状态 column.
STATUS_WORDS = {
    "营业": BusinessStatus.OPEN,
    "在营": BusinessStatus.OPEN,
    "存续": BusinessStatus.OPEN,
    "正常": BusinessStatus.OPEN,
    "开业": BusinessStatus.OPEN,
    "在业": BusinessStatus.OPEN,
    "经营": BusinessStatus.OPEN,
    "停业": BusinessStatus.SUSPENDED,
    "歇业": BusinessStatus.SUSPENDED,
    "暂停营业": BusinessStatus.SUSPENDED,
    "注销": BusinessStatus.CANCELLED,
    "吊销": BusinessStatus.CANCELLED,
    "已注销": BusinessStatus.CANCELLED,
}
RISK_WORDS = {g: g for g in "ABCD"} | {f"{g}级": g for g in "ABCD"} | {f"{g}类": g for g in "ABCD"}
BAOBAO_WORDS = {
    "县级": BaobaoLevel.COUNTY,
    "县级包保": BaobaoLevel.COUNTY,
    "区级": BaobaoLevel.COUNTY,
    "乡镇级": BaobaoLevel.TOWNSHIP,
    "乡级": BaobaoLevel.TOWNSHIP,
    "乡镇级包保": BaobaoLevel.TOWNSHIP,
    "街道级": BaobaoLevel.TOWNSHIP,
    "村级": BaobaoLevel.VILLAGE,
    "村（社区）级": BaobaoLevel.VILLAGE,
    "社区级": BaobaoLevel.VILLAGE,
    "村级包保": BaobaoLevel.VILLAGE,
}

# The configurable list the demo and a new installation start from: (code, name, group).
DEFAULT_CATEGORIES = [
    ("school", "学校食堂", "单位食堂"),
    ("kindergarten", "托幼机构食堂", "单位食堂"),
    ("elderly", "养老机构食堂", "单位食堂"),
    ("hospital", "医院食堂", "单位食堂"),
    ("institution", "机关企事业单位食堂", "单位食堂"),
    ("central_kitchen", "中央厨房", "餐饮服务"),
    ("group_meal", "集体用餐配送", "餐饮服务"),
    ("large_restaurant", "大型餐饮", "餐饮服务"),
    ("medium_restaurant", "中型餐饮", "餐饮服务"),
    ("small_eatery", "小餐饮", "餐饮服务"),
    ("online", "网络餐饮", "餐饮服务"),
    ("supermarket", "大型商超", "食品销售"),
    ("farmers_market", "农贸市场", "食品销售"),
    ("wholesale_market", "农批市场", "食品销售"),
    ("producer", "食品生产企业", "食品生产"),
    ("workshop", "小作坊", "食品生产"),
    ("vendor", "小摊贩", "食品销售"),
    ("cold_chain", "冷链仓储", "食品销售"),
    ("retail", "食品销售", "食品销售"),
    ("rural_banquet", "农村集体聚餐", "餐饮服务"),
]
DEFAULT_FREQUENCIES = [("A", 1, 1), ("B", 1, 2), ("C", 2, 3), ("D", 3, 4)]

CATEGORY_ALIASES = {
    "small_eatery": "小餐馆、小吃店、快餐店",
    "large_restaurant": "大型餐馆",
    "medium_restaurant": "中型餐馆",
    "supermarket": "超市、商超",
    "workshop": "食品小作坊",
    "vendor": "食品摊贩、摊贩",
    "school": "学校（含托幼机构）食堂、中小学食堂",
    "producer": "食品生产企业（SC）、生产企业",
    "retail": "食品销售者、食品店",
    "elderly": "养老院食堂",
}
