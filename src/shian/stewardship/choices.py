from django.db import models


class CadreLevel(models.TextChoices):
    """包保干部的层级 (县/乡/村)."""

    COUNTY = "county", "县级"
    TOWNSHIP = "township", "乡级"
    VILLAGE = "village", "村级"


# 层级对应 defaults: cadre level → the registry's 包保层级 it takes, visits per year, max businesses.
# The exact frequency varies by province, so these are only the seeds of editable LevelRule rows.
DEFAULT_LEVEL_RULES = [
    ("county", "county", 4, 5),
    ("township", "township", 6, 20),
    ("village", "village", 12, 30),
]
