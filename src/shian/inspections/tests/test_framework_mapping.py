"""The 现场检查 item ↔ 业态 mapping travels with the framework: YAML and xlsx out, back in, errors named."""

import io

import openpyxl

from shian.framework import exporting
from shian.framework.importing import import_framework
from shian.inspections import rollup
from shian.inspections.models import ItemCategory
from shian.registry.models import SiteCategory


def _mapped(cast):
    item = cast.items[1]
    item.methods = ["documents", "onsite"]
    item.save()
    cats = [SiteCategory.objects.get(code="school"), SiteCategory.objects.get(code="kindergarten")]
    rollup.set_mapping(item, cats, actor=cast.office_user)
    return item, [c.name for c in cats]


def _mapping_of(framework):
    return {
        (m.item.code, m.category.name)
        for m in ItemCategory.objects.filter(item__indicator__category__framework=framework).select_related(
            "item", "category"
        )
    }


def test_yaml_carries_the_mapping_and_brings_it_back(cast):
    item, names = _mapped(cast)
    text = exporting.export_yaml(cast.framework)
    assert "site_categories:" in text and names[0] in text
    outcome = import_framework(
        text.encode(), filename="细则.yaml", owner_region=cast.county, actor=cast.office_user
    )
    assert outcome.ok, outcome.errors
    assert _mapping_of(outcome.framework) == _mapping_of(cast.framework) == {(item.code, n) for n in names}


def test_xlsx_has_the_column_and_round_trips(cast):
    item, names = _mapped(cast)
    data = exporting.export_xlsx(cast.framework)
    sheet = openpyxl.load_workbook(io.BytesIO(data))["评价细则"]
    header = [c.value for c in sheet[2]]
    col = header.index("现场检查业态")
    row = next(r for r in sheet.iter_rows(min_row=3, values_only=True) if r[1] == item.code)
    assert row[col] == "、".join(names)
    outcome = import_framework(data, filename="细则.xlsx", owner_region=cast.county, actor=cast.office_user)
    assert outcome.ok, outcome.errors
    assert _mapping_of(outcome.framework) == _mapping_of(cast.framework)


def test_an_unknown_category_is_named_with_its_cell_and_nothing_is_created(cast):
    item, _ = _mapped(cast)
    book = openpyxl.load_workbook(io.BytesIO(exporting.export_xlsx(cast.framework)))
    sheet = book["评价细则"]
    col = [c.value for c in sheet[2]].index("现场检查业态") + 1
    target = next(r for r in range(3, sheet.max_row + 1) if sheet.cell(r, 2).value == item.code)
    sheet.cell(target, col).value = "学校食堂、太空食堂"
    buf = io.BytesIO()
    book.save(buf)
    before = ItemCategory.objects.count()
    outcome = import_framework(
        buf.getvalue(), filename="细则.xlsx", owner_region=cast.county, actor=cast.office_user
    )
    assert not outcome.ok
    message = " ".join(outcome.errors)
    assert "太空食堂" in message and "现场检查业态" in message and f"第{target}行" in message
    assert ItemCategory.objects.count() == before


def test_yaml_with_an_unknown_category_is_refused(cast):
    _mapped(cast)
    text = exporting.export_yaml(cast.framework)
    head, sep, tail = text.partition("site_categories:")
    text = head + sep + tail.replace("学校食堂", "火星食堂", 1)
    outcome = import_framework(
        text.encode(), filename="细则.yaml", owner_region=cast.county, actor=cast.office_user
    )
    assert not outcome.ok and "火星食堂" in " ".join(outcome.errors)
