"""The layouts a framework file may have: sheet names, columns with their synonyms, and the words and
patterns the reader recognises in cells (评分方法, 扣分, 期间, 附件, 合计 rows)."""

from __future__ import annotations

import re
from dataclasses import replace

from shian.core.spreadsheets import (
    Column,
    parse_decimal,
)
from shian.framework.choices import Method

SPREADSHEET_EXTENSIONS = {".xlsx", ".xlsm", ".xls", ".csv", ".et"}
YAML_EXTENSIONS = {".yaml", ".yml"}

MAIN_SHEET = "评价细则"
INFO_SHEET, CATEGORY_SHEET, INDICATOR_SHEET = "细则信息", "类别", "指标"
DEDUCTION_SHEET, MATERIAL_SHEET, GATE_SHEET = "扣分规则", "材料清单", "否决项与门槛"
DETAIL_SHEETS = {INFO_SHEET, CATEGORY_SHEET, INDICATOR_SHEET, DEDUCTION_SHEET, MATERIAL_SHEET, GATE_SHEET}


def _raw(v):
    return v


ITEM_COLUMNS = [
    Column("seq", "序号", synonyms=["序列", "顺序号"], required=False),
    Column("code", "编号", synonyms=["指标编号", "评分项编号", "条目编号"], required=False),
    Column(
        "category",
        "一级指标",
        synonyms=["类别", "评价项目", "项目", "一级指标名称", "评价类别", "指标类别", "类别名称"],
        required=False,
    ),
    Column(
        "indicator",
        "二级指标",
        synonyms=["指标", "评价内容", "二级指标名称", "评价指标", "指标名称", "考核指标"],
        required=False,
    ),
    Column(
        "content",
        "评分要点",
        synonyms=[
            "评价要求",
            "评价要点",
            "考核内容",
            "工作要求",
            "三级指标",
            "具体内容",
            "工作任务",
            "任务内容",
            "评分内容",
            "考核要点",
            "评价标准要点",
            "具体要求",
            "任务要求",
            "工作措施",
            "具体措施",
            "主要措施",
        ],
    ),
    Column(
        "points",
        "分值",
        synonyms=["标准分", "分数", "满分", "标准分值", "权重分", "赋分"],
        parser=parse_decimal,
    ),
    Column("step", "计分步长", synonyms=["步长"], required=False, parser=parse_decimal),
    Column(
        "methods",
        "评价方式",
        synonyms=["评价方法", "考核方式", "检查方式", "核查方式", "考核方法", "验收方式"],
        required=False,
    ),
    Column(
        "scoring_rule",
        "评分标准",
        synonyms=["评分方法", "扣分标准", "评分细则", "计分方法", "评分办法", "评分说明", "计分标准"],
        required=False,
    ),
    Column("deductions", "扣分规则", synonyms=["扣分项", "扣分情形"], required=False),
    Column(
        "materials",
        "材料清单",
        synonyms=[
            "佐证材料",
            "资料要求",
            "证明材料",
            "需提供材料",
            "台账资料",
            "支撑材料",
            "佐证资料",
            "所需材料",
            "印证材料",
        ],
        required=False,
    ),
    Column(
        "lead",
        "牵头单位",
        synonyms=["责任单位", "牵头部门", "责任部门", "主责单位", "牵头责任单位"],
        required=False,
    ),
    Column(
        "coop",
        "配合单位",
        synonyms=["配合部门", "协助单位", "协作单位", "协同单位", "配合责任单位"],
        required=False,
    ),
    Column(
        "deadline",
        "完成时限",
        synonyms=["时间节点", "完成时间", "时限要求", "时限", "完成期限"],
        required=False,
        parser=_raw,
    ),
    Column("is_key", "关键项", synonyms=["是否关键项", "关键指标", "是否关键"], required=False),
    Column("key_min_share", "关键项最低得分率", required=False, parser=parse_decimal),
    Column("rubric", "等级评分", synonyms=["评分等级", "等级标准"], required=False),
    Column("remark", "备注", required=False),
]
# A 任务分解清单 names its task groups 工作任务 and the tasks 具体要求 (and has no 分值): when both headers
# are present, 工作任务 is read as the indicator and 具体要求 as the item (scored 0 until points are given).
TASK_WORDS = ("工作任务", "重点任务", "主要任务", "任务名称")
TASK_LIST_COLUMNS = [replace(c, required=False) if c.key == "points" else c for c in ITEM_COLUMNS]
TASK_ITEM_COLUMNS = [
    replace(c, synonyms=[*c.synonyms, *TASK_WORDS])
    if c.key == "indicator"
    else replace(c, synonyms=[s for s in c.synonyms if s not in TASK_WORDS])
    if c.key == "content"
    else c
    for c in TASK_LIST_COLUMNS
]
# The 2023 national criteria (and the provinces' copies) head their table 序号 / 类别 / 评价项目 /
# 评价内容 / 分值 / 评分标准 / 牵头单位 / 配合单位: there 评价项目 is the indicator (党政同责) and 评价内容
# the scoring item, where older sheets used 评价项目 for the category and 评价内容 for the indicator.
CRITERIA_2023_WORDS = ("评价项目", "评价内容")
CRITERIA_2023_COLUMNS = [
    replace(c, synonyms=[s for s in c.synonyms if s not in CRITERIA_2023_WORDS])
    if c.key == "category"
    else replace(c, synonyms=["评价项目", *[s for s in c.synonyms if s not in CRITERIA_2023_WORDS]])
    if c.key == "indicator"
    else replace(c, synonyms=["评价内容", *c.synonyms])
    if c.key == "content"
    else c
    for c in ITEM_COLUMNS
]


def _is_2023_layout(read) -> bool:
    """The header used 评价项目/评价内容 as the 2023 criteria do: 评价内容 taken for the indicator (or
    评价项目 for the category) while no column gave the scoring item."""
    for s in read.sheets:
        found = s.columns_found
        if "content" not in found and (
            found.get("indicator") == "评价内容" or found.get("category") == "评价项目"
        ):
            return True
    return False


INFO_COLUMNS = [Column("key", "项目"), Column("value", "内容", parser=_raw)]
CATEGORY_COLUMNS = [
    Column("seq", "序号", required=False),
    Column("code", "编号", required=False),
    Column("name", "名称", allow_blank=False),
    Column("kind", "类型", required=False),
    Column("points", "分值", required=False, parser=parse_decimal),
    Column("cap", "封顶分", required=False, parser=parse_decimal),
]
INDICATOR_COLUMNS = [
    Column("category", "一级指标", allow_blank=False),
    Column("code", "编号", required=False),
    Column("name", "二级指标", allow_blank=False),
    Column("description", "说明", required=False),
]
DEDUCTION_COLUMNS = [
    Column("item", "评分项序号", allow_blank=False, parser=parse_decimal),
    Column("description", "扣分情形", allow_blank=False),
    Column("points", "扣分", allow_blank=False, parser=parse_decimal),
    Column("per_occurrence", "按次扣分", required=False),
]
MATERIAL_COLUMNS = [
    Column("item", "评分项序号", allow_blank=False, parser=parse_decimal),
    Column("name", "材料名称", allow_blank=False),
    Column("description", "要求", required=False),
    Column("provider", "提供单位", required=False),
    Column("period", "时间范围", required=False),
    Column("period_years", "年数", required=False, parser=parse_decimal),
]
GATE_COLUMNS = [
    Column("kind", "类型", allow_blank=False),
    Column("name", "名称", allow_blank=False),
    Column("metric", "测评指标", required=False),
    Column("threshold", "门槛值", required=False, parser=parse_decimal),
    Column("description", "说明", required=False),
]
INFO_KEYS = {
    "名称": "name",
    "版本": "version_label",
    "发布机关": "issuer",
    "说明": "description",
    "示例": "is_sample",
    "及格线": "pass_line",
    "关键项最低得分率": "key_item_min_share",
    "默认计分步长": "default_step",
}

# Words in a 评价方式 cell → method. Checked in order; a cell may name several methods.
METHOD_KEYWORDS = [
    (Method.DOCUMENTS, ("资料", "材料", "台账", "档案", "查阅", "文件", "书面")),
    (Method.ONSITE, ("现场", "实地", "暗访", "明查", "查看", "检查", "抽查", "走访")),
    (Method.INTERVIEW, ("访谈", "座谈", "询问", "答辩")),
    (Method.SURVEY, ("问卷", "调查", "测评", "满意度", "电话")),
    (Method.DATA, ("数据", "系统", "核验", "统计", "核查", "平台")),
]
_ENUM_RE = re.compile(
    r"^\s*(?:[（(]\s*([0-9一二三四五六七八九十]+)\s*[)）]|([一二三四五六七八九十]+)\s*[、.．]|"
    r"(\d+(?:\.\d+)*)(?:\s*[、.．]|\s+|(?=[\u4e00-\u9fff]))|[①②③④⑤⑥⑦⑧⑨⑩])\s*"
)
# Enumerators at the start of a line inside a cell: "1." "（2）" "①" but not "1.5分" or "2个".
_LINE_ENUM_RE = re.compile(
    r"^\s*(?:[（(]\s*[0-9一二三四五六七八九十]+\s*[)）]|[一二三四五六七八九十]+\s*[、.．]|"
    r"\d+\s*[、.．](?!\d)|[①②③④⑤⑥⑦⑧⑨⑩])\s*"
)
_POINTS_SUFFIX = re.compile(
    r"[（(]\s*(?:[^()（）]*?[，,]\s*)?(?:最高|满分|共|计)?\s*(\d+(?:\.\d+)?)\s*分\s*[)）]\s*$"
)
_DEDUCT_RE = re.compile(r"扣\s*(\d+(?:\.\d+)?)\s*分")
_PERIOD_RE = re.compile(r"[（(]\s*(当年|本年度|创建以来|近\s*([0-9一二三四五六七八九十]+)\s*年)\s*[)）]\s*$")
_CN_NUM = {c: i for i, c in enumerate("零一二三四五六七八九十")}
_ATTACHMENT_RE = re.compile(r"^附\s*件\s*[0-9０-９一二三四五六七八九十]*\s*[:：]?$")
_SUMMARY_WORDS = ("合计", "总计", "小计", "总分", "得分合计")
