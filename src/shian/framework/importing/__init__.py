"""Importing a framework from the files offices really keep (xlsx / old xls / csv) or from YAML.

Three steps, each a plain function:

1. `read_tree(source, filename)` turns the file into tree data (see `treedata`) or a list of Chinese
   errors naming sheet, row and column. Spreadsheets are read with `core.spreadsheets` (title rows,
   varying headers, merged cells, full-width text, 备注 and blank rows); a workbook exported by shian
   also carries detail sheets (类别, 指标, 扣分规则, 材料清单, 否决项与门槛, 细则信息) that make the
   round trip exact.
2. `preview_import(...)` says what was understood: categories, indicators, items, points, and how
   every unit name matched (exact / short name / normalised / unmatched).
3. `import_framework(...)` does 1 and 2 and, when nothing is wrong, writes everything in one
   transaction (unmatched names mapped to a unit, created as new units, or kept as text).
"""

from shian.framework.importing.layouts import (  # noqa: F401
    CATEGORY_SHEET,
    DEDUCTION_SHEET,
    DETAIL_SHEETS,
    GATE_SHEET,
    INDICATOR_SHEET,
    INFO_SHEET,
    ITEM_COLUMNS,
    MAIN_SHEET,
    MATERIAL_SHEET,
)
from shian.framework.importing.reading import ReadResult, read_tree  # noqa: F401
from shian.framework.importing.service import (  # noqa: F401
    CREATE,
    HOW_LABELS,
    SKIP,
    ImportOutcome,
    import_framework,
    json_safe,
    match_units,
    preview_import,
)
