from django.db import models


class CadreLevel(models.TextChoices):
    """包保干部的层级 (县/乡/村)."""

    COUNTY = "county", "县级"
    TOWNSHIP = "township", "乡级"
    VILLAGE = "village", "村级"


class VisitStep(models.IntegerChoices):
    """督导五步法."""

    LOOK = 1, "一看：证照公示"
    CHECK = 2, "二查：制度台账"
    ASK = 3, "三问：能问能答"
    RECORD = 4, "四记：记录问题"
    FEEDBACK = 5, "五反馈：反馈整改"


class FindingStatus(models.TextChoices):
    OPEN = "open", "待复查"
    FIXED = "fixed", "已整改"
    NOT_FIXED = "not_fixed", "未整改"


# 层级对应 defaults: cadre level → the registry's 包保层级 it takes, visits per year, max businesses.
# The exact frequency varies by province, so these are only the seeds of editable LevelRule rows.
DEFAULT_LEVEL_RULES = [
    ("county", "county", 4, 5),
    ("township", "township", 6, 20),
    ("village", "village", 12, 30),
]


class PointSubject(models.TextChoices):
    CADRE = "cadre", "包保干部"
    BUSINESS = "business", "市场主体"


class PointEvent(models.TextChoices):
    """What earns (or costs) points; the points per event are data (PointRule)."""

    VISIT_ON_TIME = "visit_on_time", "按时督导"
    VISIT_LATE = "visit_late", "逾期督导"
    FINDING = "finding", "督导发现问题"
    FIXED = "fixed", "问题整改到位"
    SIGNED = "signed", "签订承诺书"
    ALL_PASS = "all_pass", "督导一看二查三问全部符合"


# (subject, event, points) and (subject, stars, minimum points): the seeds of editable rows.
DEFAULT_POINT_RULES = [
    ("cadre", "visit_on_time", 2),
    ("cadre", "visit_late", 1),
    ("cadre", "finding", 1),
    ("cadre", "fixed", 2),
    ("cadre", "signed", 5),
    ("business", "all_pass", 2),
    ("business", "finding", -2),
    ("business", "fixed", 1),
]
DEFAULT_STAR_RULES = [
    ("cadre", 1, 0),
    ("cadre", 2, 10),
    ("cadre", 3, 20),
    ("cadre", 4, 35),
    ("cadre", 5, 50),
    ("business", 1, -1000),
    ("business", 2, 0),
    ("business", 3, 4),
    ("business", 4, 8),
    ("business", 5, 12),
]


class DutyKind(models.TextChoices):
    """主体责任 (市场监管总局令第60号): the business's own daily, weekly and monthly checks."""

    DAILY = "daily", "日管控"
    WEEKLY = "weekly", "周排查"
    MONTHLY = "monthly", "月调度"


# A check step's result (一看/二查/三问) as the visit form and the API post it.
STEP_RESULTS = [("pass", "符合"), ("fail", "不符合")]
