"""Export → import gives the same framework, in YAML and in xlsx."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest

from shian.framework import exporting
from shian.framework.importing import import_framework, read_tree
from shian.framework.models import DeductionRule, MaterialRequirement, ScoringItem
from shian.framework.sample import load_sample_framework
from shian.framework.treedata import framework_queryset, framework_to_tree


def tree(fw):
    return framework_to_tree(framework_queryset().get(pk=fw.pk))


@pytest.fixture
def rich(anlan):
    """The sample plus the awkward cases: rubric, date and text deadline, unmatched names,
    an unmatched provider, a material with a description, an item step and key share."""
    fw = load_sample_framework(owner_region=anlan.county)
    item = ScoringItem.objects.get(indicator__category__framework=fw, code="3.2")
    item.deadline = datetime.date(2025, 9, 30)
    item.deadline_text = "每季度"
    item.step = Decimal("0.25")
    item.key_min_share = Decimal("0.8")
    item.is_key = True
    item.rubric = [{"level": "好", "min": 2, "max": 2}, {"level": "一般", "min": 0.5, "max": 1.5}]
    item.unmatched_units = "县委编办"
    item.unmatched_coop_units = "县气象局、县人民法院"
    item.save()
    only_date = ScoringItem.objects.get(indicator__category__framework=fw, code="4.2")
    only_date.deadline = datetime.date(2025, 3, 31)
    only_date.save()
    MaterialRequirement.objects.create(
        item=item,
        seq=9,
        name="编办批复",
        description="须加盖公章",
        provider_name="县委编办",
        period="last_years",
        period_years=2,
    )
    DeductionRule.objects.create(item=item, seq=9, description="资料缺失", points=Decimal("0.5"))
    return fw


def test_yaml_round_trip_is_exact(anlan, rich):
    text = exporting.export_yaml(rich)
    assert text.startswith("# 评价细则") and "示例细则" in text
    outcome = import_framework(
        text.encode(), filename="细则.yaml", owner_region=anlan.county, actor=anlan.office_user
    )
    assert outcome.ok, outcome.errors
    assert tree(outcome.framework) == tree(rich)
    assert outcome.framework.pk != rich.pk
    assert exporting.export_yaml(outcome.framework) == text


def test_xlsx_round_trip_is_exact(anlan, rich):
    data = exporting.export_xlsx(rich)
    outcome = import_framework(data, filename="细则.xlsx", owner_region=anlan.county, actor=anlan.office_user)
    assert outcome.ok, outcome.errors
    assert tree(outcome.framework) == tree(rich)
    assert outcome.preview["unmatched"] == ["县委编办", "县气象局", "县人民法院"]


def test_xlsx_has_one_row_per_item_with_the_office_columns(anlan, rich):
    book = openpyxl.load_workbook(io.BytesIO(exporting.export_xlsx(rich)))
    assert book.sheetnames == ["评价细则", "类别", "指标", "扣分规则", "材料清单", "否决项与门槛", "细则信息"]
    main = book["评价细则"]
    header = [c.value for c in main[2]]
    assert header[:6] == ["序号", "编号", "一级指标", "二级指标", "评分要点", "分值"]
    assert {
        "评价方式",
        "评分标准",
        "扣分规则",
        "材料清单",
        "牵头单位",
        "配合单位",
        "完成时限",
        "关键项",
    } <= set(header)
    rows = [[c.value for c in r] for r in main.iter_rows(min_row=3) if isinstance(r[0].value, int)]
    assert len(rows) == 54
    first = dict(zip(header, rows[0], strict=True))
    assert first["编号"] == "1.1" and first["一级指标"] == "基础工作" and first["二级指标"] == "党政同责"
    assert first["分值"] == 2 and first["关键项"] == "是" and first["牵头单位"] == "县委组织部"
    assert first["配合单位"] == "县委办、县政府办、县食安办"
    assert first["评价方式"] == "资料审查、领导访谈"
    assert first["材料清单"] == "年度目标绩效考核办法及指标分解表（当年）\n上年度考核结果通报（近1年）"
    assert first["扣分规则"].splitlines()[0] == "未纳入党政领导干部考核（扣2分）"
    assert sum(r[5] for r in rows if r[2] != "示范引领") == 100
    assert main.cell(row=1, column=1).value.startswith("食品安全示范城市评价细则（示例）")


def test_the_main_sheet_alone_still_imports(anlan):
    """An office that deletes the helper sheets still gets the tree, points and units back."""
    fw = load_sample_framework(owner_region=anlan.county)
    book = openpyxl.load_workbook(io.BytesIO(exporting.export_xlsx(fw)))
    for name in book.sheetnames[1:]:
        del book[name]
    buf = io.BytesIO()
    book.save(buf)
    read = read_tree(buf.getvalue(), "只有主表.xlsx")
    assert read.ok, read.errors
    original, again = tree(fw), read.tree
    assert again["name"] == "食品安全示范城市评价细则（示例）（示例版）"
    assert [c["name"] for c in again["categories"]] == [c["name"] for c in original["categories"]]

    def flat(t):
        return [
            (
                i["code"],
                i["points"],
                i["lead_units"],
                i["coop_units"],
                i["is_key"],
                i["methods"],
                [(m["name"], m["period"], m["period_years"]) for m in i["materials"]],
                [(d["description"], d["points"], d["per_occurrence"]) for d in i["deductions"]],
            )
            for c in t["categories"]
            for ind in c["indicators"]
            for i in ind["items"]
        ]

    assert flat(again) == flat(original)


def test_export_file_names(anlan):
    fw = load_sample_framework(owner_region=anlan.county)
    assert exporting.filename_for(fw, ".xlsx") == "食品安全示范城市评价细则（示例）（示例版）.xlsx"
