"""Importing the spreadsheets offices really keep: title rows, WPS headers, merged cells, full-width
digits, multi-line cells, 备注 and blank rows, old .xls, and a layout the importer was not written for."""

import datetime
from decimal import Decimal

import pytest
import yaml

from shian.core.models import AuditLog
from shian.framework.importing import CREATE, SKIP, import_framework, read_tree
from shian.framework.models import Framework, ScoringItem
from shian.framework.tests import sheets
from shian.organisation.models import Unit


def items_of(tree):
    return [i for c in tree["categories"] for ind in c["indicators"] for i in ind["items"]]


def check_wps_tree(tree):
    assert tree["name"] == sheets.TITLE
    assert [(c["code"], c["name"], c["points"]) for c in tree["categories"]] == [
        ("一", "基础工作", Decimal(10)),
        ("二", "能力建设", Decimal(10)),
    ]
    assert [
        [(ind["code"], ind["name"], len(ind["items"])) for ind in c["indicators"]] for c in tree["categories"]
    ] == [
        [("（一）", "党政同责", 2), ("（二）", "包保责任", 1)],
        [("（三）", "食品抽检", 2), ("（四）", "应急处置", 1)],
    ]
    items = items_of(tree)
    assert [i["code"] for i in items] == ["1", "2", "3", "4", "5", "6"]
    assert [i["points"] for i in items] == [
        Decimal(2),
        Decimal(3),
        Decimal(5),
        Decimal(4),
        Decimal(3),
        Decimal(3),
    ]
    first = items[0]
    assert first["content"] == "将食品安全纳入党政领导干部考核，权重不低于3%"
    assert first["is_key"] is True and not any(i["is_key"] for i in items[1:])
    assert first["scoring_rule"] == "未纳入考核不得分；\n权重低于3%扣1分"
    assert [(m["name"], m["period"], m["period_years"]) for m in first["materials"]] == [
        ("考核办法", "any", None),
        ("考核结果通报", "last_years", 3),
    ]
    assert (first["deadline"], first["deadline_text"]) == (datetime.date(2025, 6, 30), "2025年6月底前")
    assert first["lead_units"] == ["县委组织部"] and first["coop_units"] == ["县委办", "县政府办"]
    assert items[1]["materials"][0]["period"] == "current_year"
    assert items[3]["coop_units"] == ["县财政局"]  # 县　财政局 with a full-width space
    assert items[3]["deadline"] == datetime.date(2025, 12, 31)
    assert items[5]["coop_units"] == ["县疾控中心", "县委编办"]


def test_wps_xlsx_is_understood(anlan):
    read = read_tree(sheets.wps_xlsx(), "任务分解表.xlsx")
    assert read.ok, read.errors
    check_wps_tree(read.tree)


def test_old_xls_is_understood(anlan):
    read = read_tree(sheets.wps_xls(), "任务分解表.xls")
    assert read.ok, read.errors
    check_wps_tree(read.tree)


def test_preview_lists_how_every_unit_matched(anlan):
    outcome = import_framework(
        sheets.wps_xlsx(),
        filename="任务分解表.xlsx",
        owner_region=anlan.county,
        actor=anlan.office_user,
        dry_run=True,
    )
    assert outcome.ok and outcome.framework is None
    p = outcome.preview
    assert (p["summary"]["category_count"], p["summary"]["indicator_count"], p["summary"]["item_count"]) == (
        2,
        4,
        6,
    )
    assert p["summary"]["base_points"] == Decimal(20)
    assert {u["name"]: u["how"] for u in p["units"]} == {
        "县委组织部": "short",
        "县委办": "short",
        "县政府办": "short",
        "中共安澜县委办公室": "normalised",
        "安澜县市场监督管理局": "exact",
        "各乡镇（街道）": "group",
        "市场监管局": "normalised",
        "县财政局": "short",
        "县农业农村局": "short",
        "县卫健委": "normalised",
        "县疾控中心": "short",
        "县委编办": "",
    }
    assert p["unmatched"] == ["县委编办"]
    assert "基本项合计20分（通常为100分）" in p["warnings"]
    assert Framework.objects.count() == 0


def test_import_writes_the_tree_with_units_and_keeps_unmatched_names(anlan):
    outcome = import_framework(
        sheets.wps_xlsx(), filename="任务分解表.xlsx", owner_region=anlan.county, actor=anlan.office_user
    )
    assert outcome.ok, outcome.errors
    items = {i.code: i for i in ScoringItem.objects.filter(indicator__category__framework=outcome.framework)}
    assert [u.short_name for u in items["2"].lead_units()] == ["县委办"]
    assert [u.short_name for u in items["6"].lead_units()] == ["县卫生健康局"]
    assert [u.short_name for u in items["6"].coop_units()] == ["县疾控中心"]
    assert items["6"].unmatched_coop_units == "县委编办"
    assert len(items["3"].coop_units()) == 20
    assert (
        AuditLog.objects.filter(event="framework_imported", object_id=str(outcome.framework.pk)).count() == 1
    )


def test_unmatched_names_can_be_skipped_mapped_or_created(anlan):
    outcome = import_framework(
        sheets.wps_xlsx(),
        filename="a.xlsx",
        owner_region=anlan.county,
        actor=anlan.office_user,
        mapping={"县委编办": SKIP},
    )
    assert (
        ScoringItem.objects.get(
            indicator__category__framework=outcome.framework, code="6"
        ).unmatched_coop_units
        == "县委编办"
    )

    target = anlan.units["县委组织部"]
    outcome = import_framework(
        sheets.wps_xlsx(),
        filename="a.xlsx",
        owner_region=anlan.county,
        actor=anlan.office_user,
        mapping={"县委编办": str(target.pk)},
    )
    item = ScoringItem.objects.get(indicator__category__framework=outcome.framework, code="6")
    assert target in item.coop_units() and item.unmatched_coop_units == ""

    outcome = import_framework(
        sheets.wps_xlsx(),
        filename="a.xlsx",
        owner_region=anlan.county,
        actor=anlan.office_user,
        mapping={"县委编办": CREATE},
    )
    created = Unit.objects.get(name="县委编办")
    assert created.region == anlan.county and outcome.created_units == [created]
    item = ScoringItem.objects.get(indicator__category__framework=outcome.framework, code="6")
    assert created in item.coop_units()
    assert outcome.preview["to_create"] == ["县委编办"] and outcome.preview["unmatched"] == []


def test_a_mapping_to_a_unit_of_another_county_is_refused(cast):
    outcome = import_framework(
        sheets.wps_xlsx(),
        filename="a.xlsx",
        owner_region=cast.county,
        actor=cast.office_user,
        mapping={"县委编办": cast.other_edu.pk},
    )
    assert outcome.errors == ["单位“县委编办”指定的对应单位不存在或不在三台县内"]
    assert not Framework.objects.filter(name=sheets.TITLE).exists()


def test_a_layout_the_importer_was_not_written_for(anlan):
    read = read_tree(sheets.plain_xlsx(), "生产经营任务清单.xlsx")
    assert read.ok, read.errors
    t = read.tree
    assert t["name"] == "生产经营任务清单"
    assert [(c["name"], c["kind"], c["points"], c["cap"]) for c in t["categories"]] == [
        ("生产经营状况", "base", None, None),
        ("示范引领", "bonus", None, Decimal(5)),
    ]
    assert [ind["name"] for ind in t["categories"][0]["indicators"]] == ["学校食堂", "农贸市场"]
    items = items_of(t)
    assert [(i["content"][:6], i["points"], i["is_key"]) for i in items] == [
        ("学校食堂落实", Decimal(3), True),
        ("学校食堂明厨", Decimal(2), False),
        ("农贸市场标准", Decimal(4), True),
        ("智慧监管示范", Decimal(5), False),
    ]
    assert items[0]["scoring_rule"] == "现场检查得分率×分值"
    assert items[0]["deadline"] == datetime.date(2025, 9, 1)
    assert items[1]["deadline_text"] == "每学期" and items[1]["deadline"] is None
    assert [m["name"] for m in items[1]["materials"]] == ["接入清单", "巡查记录"]
    assert items[2]["materials"][0]["period"] == "since_campaign"
    assert items[2]["coop_units"] == ["县市场监管局", "县农业农村局"]
    outcome = import_framework(
        sheets.plain_xlsx(),
        filename="清单.xlsx",
        owner_region=anlan.county,
        actor=anlan.office_user,
        name="生产经营状况细则",
    )
    assert outcome.ok and outcome.preview["unmatched"] == []
    assert outcome.framework.name == "生产经营状况细则"


def test_a_non_numeric_score_names_sheet_row_and_column_and_writes_nothing(anlan):
    rows = [list(r) for r in sheets.WPS_ROWS]
    rows[4][4] = "三分"
    outcome = import_framework(
        sheets.wps_xlsx(rows), filename="a.xlsx", owner_region=anlan.county, actor=anlan.office_user
    )
    assert outcome.errors == ["工作表“评价细则”第7行E列（标准分）：“三分”不是有效的数字"]
    assert Framework.objects.count() == 0 and ScoringItem.objects.count() == 0


def test_every_error_is_reported_with_its_place(anlan):
    rows = [list(r) for r in sheets.PLAIN_ROWS]
    rows[0][3] = None  # 分值 missing
    rows[1][2] = None  # 评分要点 missing but 分值 present
    rows[2][9] = "也许"  # 关键项 neither yes nor no
    read = read_tree(sheets.plain_xlsx(rows), "b.xlsx")
    assert read.errors == [
        "工作表“任务清单”第2行D列（分值）：不能为空",
        "工作表“任务清单”第3行C列（评分要点）：不能为空",
        "工作表“任务清单”第4行J列（关键项）：“也许”应填“是”或“否”（或★）",
    ]


def test_missing_columns_and_wrong_files_are_explained(anlan):
    header = [h for h in sheets.PLAIN_HEADER if h != "分值"]
    rows = [
        [v for h, v in zip(sheets.PLAIN_HEADER, r, strict=True) if h != "分值"] for r in sheets.PLAIN_ROWS
    ]
    read = read_tree(sheets.plain_xlsx(rows, header), "b.xlsx")
    assert read.errors == [
        "工作表“任务清单”缺少必需的列“分值”（可用列名：分值、标准分、分数、满分、标准分值、权重分、赋分）"
    ]
    assert read_tree(b"not a spreadsheet", "a.pdf").errors == [
        "不支持的文件类型“.pdf”，请上传 .xlsx、.xls 或 .yaml 文件"
    ]
    assert read_tree(b"PK\x03\x04broken", "a.xlsx").errors[0].startswith("无法读取文件")


def test_yaml_errors_say_where(anlan):
    assert read_tree(b"categories: [", "a.yaml").errors[0].startswith("YAML 格式错误第")
    data = {
        "framework": {"name": "测试"},
        "categories": [
            {
                "name": "基础工作",
                "indicators": [
                    {"name": "党政同责", "items": [{"code": "1.1", "content": "x", "points": "两分"}]}
                ],
            }
        ],
    }
    assert read_tree(yaml.safe_dump(data, allow_unicode=True).encode(), "a.yaml").errors == [
        "第1个类别“基础工作”第1个指标“党政同责”第1个评分项（1.1）：“points（分值）”的值“两分”不是有效的数字"
    ]
    data["categories"][0]["indicators"][0]["items"][0].update(points=2, methods=["暗访"])
    assert (
        "methods（评价方式）"
        in read_tree(yaml.safe_dump(data, allow_unicode=True).encode(), "a.yaml").errors[0]
    )


@pytest.mark.parametrize("value", ["资料审查、现场检查", "查阅资料，实地查看", "资料审查\n现场检查"])
def test_method_words_are_recognised(anlan, value):
    header = sheets.PLAIN_HEADER + ["评价方式"]
    rows = [r + [value] for r in sheets.PLAIN_ROWS]
    read = read_tree(sheets.plain_xlsx(rows, header), "b.xlsx")
    assert items_of(read.tree)[0]["methods"] == ["documents", "onsite"]


def test_category_headings_as_merged_section_rows(anlan):
    """Another common layout: no category column; "一、基础工作（30分）" rows merged across the table."""
    import io

    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "细则"
    ws.append(["附件2"])
    ws.append(["安澜县食品安全示范县评价细则"])
    ws.append(["序号", "评价内容", "评分要点", "分值（分）", "牵头单位"])
    ws.append(["一、基础工作（５分）"])
    ws.merge_cells("A4:E4")
    ws.append([1, "党政同责", "纳入考核", 2, "县委组织部"])
    ws.append([2, None, "专题研究", 3, "县委办"])
    ws.append(["二、示范引领（加分项，最高3分）"])
    ws.merge_cells("A7:E7")
    ws.append([3, "示范项目", "智慧监管", 3, "县市场监管局"])
    buf = io.BytesIO()
    wb.save(buf)
    read = read_tree(buf.getvalue(), "附件2.xlsx")
    assert read.ok, read.errors
    assert [
        (c["name"], c["kind"], c["points"], c["cap"], [i["name"] for i in c["indicators"]])
        for c in read.tree["categories"]
    ] == [
        ("基础工作", "base", Decimal(5), None, ["党政同责"]),
        ("示范引领", "bonus", None, Decimal(3), ["示范项目"]),
    ]
    assert [i["content"] for i in items_of(read.tree)] == ["纳入考核", "专题研究", "智慧监管"]
    assert read.tree["name"] == "安澜县食品安全示范县评价细则"


def test_a_task_breakdown_list_without_points_is_read_as_tasks(anlan):
    """序号/工作任务/具体要求/责任单位/配合单位/完成时限 (.xls, merged cells, no 分值): 工作任务 becomes the
    indicator, each 具体要求 an item worth 0 points, deadlines as the month's last day."""
    read = read_tree(sheets.task_list_xls(), "任务分解清单.xls")
    assert read.ok, read.errors
    t = read.tree
    assert t["name"] == sheets.TASK_LIST_TITLE
    assert [(c["code"], c["name"], [ind["name"] for ind in c["indicators"]]) for c in t["categories"]] == [
        ("一", "落实党政同责", ["健全领导机构", "落实属地责任"]),
        ("二", "加强源头治理", ["农业投入品管理", "校园食品安全"]),
    ]
    items = items_of(t)
    assert [i["code"] for i in items] == ["1", "2", "3", "4", "5", "6", "7"]
    assert {i["points"] for i in items} == {Decimal(0)}
    assert (
        items[0]["content"].startswith("1.成立以县委、县政府主要负责同志为组长")
        and "\n2.领导小组" in items[0]["content"]
    )
    assert (items[0]["lead_units"], items[0]["coop_units"]) == (["县委办", "县政府办"], ["县市场监管局"])
    assert items[1]["coop_units"] == ["县市场监管局", "县财政局"]
    assert [(i["deadline"], i["deadline_text"]) for i in items] == [
        (datetime.date(2026, 3, 31), "2026年3月底前"),
        (datetime.date(2026, 6, 30), "2026年6月30日"),
        (None, "长期坚持"),
        (datetime.date(2026, 4, 30), "2026.4.30"),
        (datetime.date(2026, 9, 30), "2026年9月底前"),
        (datetime.date(2026, 10, 31), "2026年10月"),
        (datetime.date(2026, 6, 30), "2026年6月"),
    ]
    outcome = import_framework(
        sheets.task_list_xls(),
        filename="任务分解清单.xls",
        owner_region=anlan.county,
        actor=anlan.office_user,
    )
    assert outcome.ok, outcome.errors
    assert outcome.preview["unmatched"] == [] and outcome.preview["summary"]["item_count"] == 7
    assert (
        "文件中没有分值（如任务分解清单），评分项均按0分导入，可在导入后逐项补充分值"
        in outcome.preview["warnings"]
    )
    item3 = ScoringItem.objects.get(indicator__category__framework=outcome.framework, code="3")
    assert len(item3.lead_units()) == 20


def test_a_task_row_without_its_requirement_names_row_and_column_and_writes_nothing(anlan):
    sections = [
        (sec, [(task, [list(r) for r in reqs]) for task, reqs in tasks])
        for sec, tasks in sheets.TASK_LIST_SECTIONS
    ]
    sections[1][1][0][1][1][1] = ""  # 序号６: 具体要求 left empty, 责任单位 and 完成时限 filled
    read = read_tree(sheets.task_list_xls(sections), "任务分解清单.xls")
    assert read.errors == ["工作表“Sheet1”第11行C列（具体要求）：不能为空"]
    outcome = import_framework(
        sheets.task_list_xls(sections),
        filename="任务分解清单.xls",
        owner_region=anlan.county,
        actor=anlan.office_user,
    )
    assert outcome.errors == read.errors and not Framework.objects.exists()


def test_a_task_list_with_only_a_task_column_reads_each_task_as_an_item(anlan):
    header = ["序号", "类别", "工作任务", "责任单位", "完成时限"]
    rows = [
        [1, "基础工作", "成立创建工作领导小组", "县委办", "2026年3月"],
        [2, None, "制定创建实施方案", "县食安办", "长期"],
    ]
    read = read_tree(sheets.plain_xlsx(rows, header), "清单.xlsx")
    assert read.ok, read.errors
    assert [(i["content"], i["points"], i["deadline"]) for i in items_of(read.tree)] == [
        ("成立创建工作领导小组", Decimal(0), datetime.date(2026, 3, 31)),
        ("制定创建实施方案", Decimal(0), None),
    ]
    assert [(c["name"], [ind["name"] for ind in c["indicators"]]) for c in read.tree["categories"]] == [
        ("基础工作", ["基础工作"])
    ]


def criteria_2023_xlsx(header=None) -> bytes:
    """The 2023 national criteria's own layout: 类别 / 评价项目 (the indicator) / 评价内容 (the item)."""
    import io

    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "评价细则"
    custom_header = header
    header = ["序号", "类别", "评价项目", "评价内容", "分值", "评分标准", "牵头单位", "配合单位"]
    rows = [
        [
            1,
            "基础工作",
            "党政同责",
            "将食品安全工作纳入党政领导班子考核，权重不低于3%",
            2,
            "未纳入不得分；权重低于3%扣1分",
            "县委组织部",
            "县委办",
        ],
        [
            2,
            "基础工作",
            "党政同责",
            "县委常委会、县政府常务会每年研究食品安全工作",
            2,
            "每少1次扣0.5分",
            "县委办",
            "",
        ],
        [
            3,
            "基础工作",
            "工作机制",
            "建立食安委成员单位协调联动机制",
            3,
            "未建立不得分",
            "县食安办",
            "县市场监管局",
        ],
        [
            4,
            "能力建设",
            "食品抽检",
            "食品抽检量达到每年4批次/千人",
            5,
            "每低0.1批次扣0.5分",
            "县市场监管局",
            "",
        ],
    ]
    header = custom_header or header
    ws.append(["国家食品安全示范城市评价细则（2023版）"])
    ws.append(header)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_2023_criteria_headers_give_indicator_and_item(anlan):
    read = read_tree(criteria_2023_xlsx(), "评价细则.xlsx")
    assert read.ok, read.errors
    cats = read.tree["categories"]
    assert [c["name"] for c in cats] == ["基础工作", "能力建设"]
    assert [[ind["name"] for ind in c["indicators"]] for c in cats] == [
        ["党政同责", "工作机制"],
        ["食品抽检"],
    ]
    items = items_of(read.tree)
    assert items[0]["content"] == "将食品安全工作纳入党政领导班子考核，权重不低于3%"
    assert items[0]["scoring_rule"] == "未纳入不得分；权重低于3%扣1分"
    assert items[0]["lead_units"] == ["县委组织部"] and items[0]["coop_units"] == ["县委办"]
    assert [i["points"] for i in items] == [Decimal(2), Decimal(2), Decimal(3), Decimal(5)]


@pytest.mark.parametrize(
    "header",
    [
        ["序号", "一级指标", "评价项目", "评价内容", "标准分", "评分方法", "责任单位", "配合部门"],
        ["编号", "评价类别", "评价项目", "评价内容", "分值", "扣分标准", "牵头部门", "协助单位"],
    ],
)
def test_variants_of_the_2023_headers(anlan, header):
    read = read_tree(criteria_2023_xlsx(header), "评价细则.xlsx")
    assert read.ok, read.errors
    names = [ind["name"] for c in read.tree["categories"] for ind in c["indicators"]]
    assert names == ["党政同责", "工作机制", "食品抽检"]
    assert items_of(read.tree)[3]["content"] == "食品抽检量达到每年4批次/千人"


def test_import_preview_shows_the_tree_to_be_created(anlan, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    c = login(anlan.office_user)
    r = c.post(
        "/framework/import/",
        {"file": SimpleUploadedFile("评价细则.xlsx", criteria_2023_xlsx()), "owner_region": anlan.county.pk},
    )
    assert r.status_code == 302, r.content.decode()[-2000:]
    r = c.get(r["Location"])
    html = r.content.decode()
    assert 'id="import-tree"' in html
    tree = html[html.index('id="import-tree"') :]
    assert (
        tree.index("基础工作")
        < tree.index("党政同责")
        < tree.index("将食品安全工作纳入")
        < tree.index("能力建设")
    )
