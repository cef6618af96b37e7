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
