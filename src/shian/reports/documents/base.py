"""What every document builder returns: a `Draft` — title, GB/T 9704 blocks (with editable
`Narrative` sections among them), and the figures it filled in.

A builder only reads data and lays out blocks; `resolve(draft, texts)` swaps each `Narrative` for
the saved text (or the drafted default), so the .docx and the HTML preview render the same blocks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from shian.core.figures import RATE_PLACES, rate_text
from shian.reports import gbt9704 as g


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
        out.append(g.Paragraph([(m.group(1), True), (line[m.end():], False)] if m else line))
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


TITLE_TAILS = ("工作总结", "自评报告", "省级初评报告", "市级初评报告", "初评报告", "评审报告", "验收报告", "复审报告", "的通报")


def title_lines(text: str, width: int = 20) -> str:
    """Break a long 2号 title at natural pauses, as offices do: before its document-type words
    (…示范城市\n工作总结), else before 创建/关于; three lines only when two cannot hold it."""
    if "\n" in text or len(text) <= width:
        return text
    cuts = [len(text) - len(tail) for tail in TITLE_TAILS if text.endswith(tail) and len(text) - len(tail) >= 6]
    cuts += [at for word in ("创建", "关于") if (at := text.find(word, 2)) > 0]
    for at in cuts:
        if at <= width and len(text) - at <= width:
            return text[:at] + "\n" + text[at:]
    if cuts and cuts[0] < len(text):
        return _break_head(text[: cuts[0]], width) + "\n" + text[cuts[0]:]
    return _break_head(text, width)


def _break_head(head: str, width: int) -> str:
    """A head still too long for one line breaks before 创建/关于, else at the width."""
    if len(head) <= width:
        return head
    for word in ("创建", "关于"):
        at = head.find(word, 2)
        if 0 < at <= width:
            return head[:at] + "\n" + _break_head(head[at:], width)
    return head[:width] + "\n" + _break_head(head[width:], width)


def unit_label(unit) -> str:
    return unit.short_name or unit.name
