"""The themes offices organise a 总结 by (the seeds' 高位推进 / 源头治理 / 过程监管 / 社会共治 / 示范引领),
and which records belong to which: a unit's narrative, a finding, a figure is filed under the first
theme whose words it contains (the framework's categories — 基础工作, 能力建设 … — are the criteria's
structure, not how a county tells its year).
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Theme:
    key: str
    heading: str  # （一）坚持高位推进，创建责任不断压实
    problem: str  # 一是责任落实还有差距。
    words: tuple


THEMES = [
    Theme(
        "lead",
        "坚持高位推进，创建责任不断压实",
        "创建责任落实还有差距",
        (
            "党政同责",
            "经费",
            "预算",
            "财政",
            "领导小组",
            "推进会",
            "调度",
            "部署",
            "实施方案",
            "工作方案",
            "考核",
            "督查",
            "督导",
            "责任清单",
            "责任制",
            "包保",
            "常务会",
            "食安委",
            "责任",
            "会议",
            "方案",
        ),
    ),
    Theme(
        "source",
        "坚持源头治理，食品安全底线不断夯实",
        "源头治理仍需加强",
        (
            "土壤",
            "农药",
            "兽药",
            "化肥",
            "投入品",
            "种植",
            "养殖",
            "屠宰",
            "畜禽",
            "产地",
            "农产品",
            "粮食",
            "合格证",
            "农残",
            "水产",
        ),
    ),
    Theme(
        "process",
        "坚持过程监管，风险防控网不断织密",
        "过程监管仍有薄弱环节",
        (
            "抽检",
            "检查",
            "执法",
            "案件",
            "查处",
            "整治",
            "专项",
            "餐饮",
            "食堂",
            "学校",
            "幼儿园",
            "小作坊",
            "摊贩",
            "三小",
            "集体聚餐",
            "冷链",
            "市场",
            "超市",
            "监管",
            "处置",
            "风险",
            "检测",
            "隐患",
        ),
    ),
    Theme(
        "society",
        "坚持社会共治，创建氛围日益浓厚",
        "社会共治氛围还不够浓厚",
        (
            "宣传",
            "培训",
            "投诉",
            "举报",
            "12315",
            "保险",
            "阳光",
            "知晓率",
            "满意度",
            "志愿",
            "你点我检",
            "开放日",
            "公众",
            "媒体",
        ),
    ),
    Theme(
        "model",
        "坚持示范引领，创建质效持续提升",
        "示范引领项目推进乏力",
        ("示范", "创新", "智慧", "互联网", "明厨亮灶", "品牌", "亮点", "标准化", "数字", "信用"),
    ),
    Theme(
        "records",
        "坚持规范建档，创建资料不断完善",
        "创建资料还不够规范",
        ("佐证材料", "台账", "资料", "归档", "会议纪要", "工作总结", "印发时间", "签字", "档案"),
    ),
]
# Which theme a text is filed under is decided in this order (资料 wording is the most specific).
CLASSIFY_ORDER = ["records", "lead", "source", "process", "society", "model"]
BY_KEY = {t.key: t for t in THEMES}
DEFAULT = "process"
RULE_PER = re.compile(r"^每有[\d一二三四五六七八九十]+(?:个|家|项|处|所|次)")

CODE_PREFIX = re.compile(r"^\s*(?:[（(]?\d+(?:\.\d+)*[)）]?[、.．\s]*|[A-Za-z]\d*(?:\.\d+)*\s+)")
ORDINALS = "一二三四五六七八九十"


def classify(text: str, default: str = DEFAULT) -> str:
    """The key of the first theme (in CLASSIFY_ORDER) whose words the text contains."""
    for key in CLASSIFY_ORDER:
        if any(w in text for w in BY_KEY[key].words):
            return key
    return default


def strip_code(text: str) -> str:
    """ "1.3 未制定责任清单" → "未制定责任清单" (findings are written without the criteria's codes)."""
    return CODE_PREFIX.sub("", (text or "").strip(), count=1).strip()


def finding(text: str) -> str:
    """A deduction rule written as the finding it stands for: no code, no "每有1个…/每低N个百分点"
    (a rule says how points are lost; a finding says what is wrong)."""
    text = strip_code(text).rstrip("。；; ")
    if "每低" in text:
        return text.split("每低")[0].rstrip("，, ") + "未达到要求"
    m = RULE_PER.match(text)
    if m:
        return "有" + text[m.end() :]
    return text


def sentence(text: str) -> str:
    """One clean sentence: first line, whitespace folded, ending in 。."""
    first = " ".join((text or "").splitlines()[0].split()) if text else ""
    return first.rstrip("。；;，,. ") + "。" if first else ""


def lead_in(n: int) -> str:
    """1 → 一是, 2 → 二是 … (十是 at most; beyond that the lines are merged by the caller)."""
    return f"{ORDINALS[min(n, 10) - 1]}是"


def numbered(lines: list[str]) -> str:
    """Lines as 一是…\\n二是…, the register offices write in (a section's text, editable)."""
    return "\n".join(f"{lead_in(i)}{line}" for i, line in enumerate(lines[:10], start=1))
