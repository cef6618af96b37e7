"""What every document builder returns: a `Draft` — title, GB/T 9704 blocks (with editable
`Narrative` sections among them), and the figures it filled in.

A builder only reads data and lays out blocks; `resolve(draft, texts)` swaps each `Narrative` for
the saved text (or the drafted default), so the .docx and the HTML preview render the same blocks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from shian.core import gbt9704 as g
from shian.core.figures import RATE_PLACES, rate_text


@dataclass
class Narrative(g.Block):
    """An editable section: people change the words, the data around it stays computed.

    Each line of the text becomes a body paragraph; a line opening with 一是/二是… gets that lead-in
    in bold, as offices write it. An emptied section is left out of the document.
    """

    key: str
    label: str
    default: str

    def _render(self, w):  # resolved before rendering; never reaches the writer
        raise RuntimeError(f"未替换的文字段落：{self.key}")


@dataclass
class Draft:
    kind: str
    title: str
    blocks: list
    figures: dict = field(default_factory=dict)
    filename: str = ""

    @property
    def sections(self) -> list[Narrative]:
        return [b for b in self.blocks if isinstance(b, Narrative)]


LEAD_IN = re.compile(r"^((?:[一二三四五六七八九十]+是)|(?:[一二三四五六七八九十]+要))")


def paragraphs_of(text: str) -> list[g.Paragraph]:
    out = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        m = LEAD_IN.match(line)
        out.append(g.Paragraph([(m.group(1), True), (line[m.end() :], False)] if m else line))
    return out


def resolve(draft: Draft, texts: dict | None) -> list:
    """The blocks to render: each Narrative replaced by its saved text or its default."""
    texts = texts or {}
    blocks = []
    for b in draft.blocks:
        if isinstance(b, Narrative):
            text = texts.get(b.key)
            blocks.extend(paragraphs_of(b.default if text is None else text))
        else:
            blocks.append(b)
    return blocks


# --- number formatting, as offices write them --------------------------------------------------


def num(value) -> str:
    """1234 → "1234", Decimal("12.50") → "12.5", None → "0"."""
    if value is None:
        return "0"
    d = Decimal(str(value))
    if d == d.to_integral_value():
        return str(int(d))
    text = format(d.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP), "f").rstrip("0").rstrip(".")
    return text


def pct(part, whole, places=RATE_PLACES) -> str:
    """Share as "87.5%"; "0%" when there is nothing to divide (the house rule: `core.figures`)."""
    return rate_text(part, whole, places)


def population_text(n) -> str:
    """820000 → "82万人", 1050000 → "105万人", 8500 → "8500人"."""
    if n and n >= 10000:
        return f"{num(Decimal(n) / 10000)}万人"
    return f"{num(n)}人"


def join_names(names, limit=None) -> str:
    names = [n for n in names if n]
    if limit and len(names) > limit:
        return "、".join(names[:limit]) + f"等{len(names)}个单位"
    return "、".join(names)


TITLE_TAILS = (
    "工作总结",
    "自评报告",
    "省级初评报告",
    "市级初评报告",
    "初评报告",
    "评审报告",
    "验收报告",
    "复审报告",
    "的通报",
)
# Words a title line never splits, and characters a line never starts with (an orphaned particle or
# punctuation: "…调度情况 / 的通报", "…评审报 / 告").
TITLE_WORDS = (
    "食品安全",
    "示范城市",
    "示范县",
    "示范区",
    "工作",
    "情况",
    "通报",
    "报告",
    "总结",
    "简报",
    "评审",
    "初评",
    "自评",
    "复审",
    "验收",
    "调度",
    "创建",
    "国家",
    "省级",
    "市级",
    "县级",
    "上半年",
    "下半年",
    "全年",
    "委员会",
    "办公室",
    "关于",
)
NO_LINE_START = "的和与及、，。；：）》”"
NUMBER_WORD = re.compile(r"\d+(?:年|月|日|期)?")


def _width(text: str) -> float:
    """Width in 2号 characters: CJK full width, digits and Latin half."""
    return sum(0.5 if ord(c) < 0x2000 else 1.0 for c in text)


def _protected(text: str) -> set[int]:
    """Cut positions that would split a word or a number."""
    bad = set()
    for word in TITLE_WORDS:
        start = text.find(word)
        while start >= 0:
            bad.update(range(start + 1, start + len(word)))
            start = text.find(word, start + 1)
    for m in NUMBER_WORD.finditer(text):
        bad.update(range(m.start() + 1, m.end()))
    return bad


def title_lines(text: str, width: int = 20) -> str:
    """Break a long 2号 title into balanced lines (梯形/菱形, as GB/T 9704 asks): never inside a word or
    a number, never leaving a particle or one character alone on a line; three lines only when two
    cannot hold it. An explicit break is kept."""
    if "\n" in text or _width(text) <= width:
        return text
    lines = 2 if _width(text) <= 2 * width else 3
    bad = _protected(text)
    best = None
    for at in range(2, len(text) - 1):
        head, tail = text[:at], text[at:]
        if at in bad or tail[0] in NO_LINE_START or _width(head) > width or len(tail) < 3:
            continue
        if lines == 2:
            if _width(tail) > width:
                continue
            score = abs(_width(head) - _width(tail)) - (1.5 if tail in TITLE_TAILS else 0)
        else:
            target = _width(text) / 3
            score = abs(_width(head) - target)
        if best is None or score < best[0]:
            best = (score, at)
    if best is None:  # nothing fits the rules: cut at the width
        cut = int(width)
        return text[:cut] + "\n" + title_lines(text[cut:], width)
    at = best[1]
    return text[:at] + "\n" + (title_lines(text[at:], width) if lines == 3 else text[at:])


def unit_label(unit) -> str:
    return unit.short_name or unit.name
