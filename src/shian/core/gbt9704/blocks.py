"""The blocks a GB/T 9704 document is built from; each renders itself through the writer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_BREAK, WD_LINE_SPACING
from docx.shared import Mm, Pt

from shian.core.gbt9704.layout import (
    _ALIGN,
    BODY_PT,
    BULLETIN_RULE_SZ,
    MASTHEAD_GLYPH_OFFSET_MM,
    MASTHEAD_TOP_MM,
    RED,
    RED_HEX,
    RED_RULE_SZ,
    TEXT_WIDTH_TWIPS,
    TITLE_PT,
    _as_text,
    _border,
    _cell_margins,
    _el,
    _fit_size,
    _right_tab,
    _table_borders,
    _width_chars,
    _Writer,
    heading_prefix,
)

# --- block model ------------------------------------------------------------
Align = Literal["left", "center", "right", "justify"]
Runs = Sequence[tuple[str, bool]]


class Block:
    """Base of everything :func:`render` accepts."""

    def _render(self, w: _Writer) -> None:
        raise NotImplementedError


@dataclass
class Title(Block):
    """Centred 小标宋 title; "\\n" separates lines (梯形/菱形 layout is the caller's)."""

    text: str
    size_pt: float = TITLE_PT

    def _render(self, w: _Writer) -> None:
        w.counters = [0, 0, 0, 0]  # each bulletin article numbers its headings afresh
        p = w.para("center", style="GBT Title", line_pt=self.size_pt * 1.3)
        w.run(p, self.text, w.fonts.xiaobiaosong, self.size_pt)
        if not w.doc.core_properties.title:
            w.doc.core_properties.title = self.text.replace("\n", "")


@dataclass
class Subtitle(Block):
    """Centred 楷体 line under a title (author, date, 副标题)."""

    text: str

    def _render(self, w: _Writer) -> None:
        w.text(self.text, "center", font=w.fonts.kaiti)


@dataclass
class Heading(Block):
    """Numbered heading (一、（一）1.（1）from the structure); ``body`` runs in after it."""

    text: str
    level: int = 1
    body: str = ""

    def _render(self, w: _Writer) -> None:
        heading_prefix(self.level, 1)  # validate before touching the counters
        w.counters[self.level - 1] += 1
        w.counters[self.level :] = [0] * (4 - self.level)
        prefix = heading_prefix(self.level, w.counters[self.level - 1])
        p = w.para(indent=True, style=f"GBT Heading {self.level}")
        f = w.fonts
        font = (f.heiti, f.kaiti, f.fangsong, f.fangsong)[self.level - 1]
        w.run(p, prefix + self.text, font, BODY_PT, bold=self.level == 3)
        if self.body:
            p.paragraph_format.keep_with_next = False
            w.run(p, self.body, f.fangsong, BODY_PT)


@dataclass
class Paragraph(Block):
    """Body paragraph: a string, or runs ``[("一是", True), ("落实……", False)]``."""

    text: str | Runs
    bold: bool = False
    indent: bool = True
    align: Align = "justify"

    def _render(self, w: _Writer) -> None:
        p = w.para(self.align, indent=self.indent)
        for text, bold in [(self.text, False)] if isinstance(self.text, str) else self.text:
            w.run(p, text, w.fonts.fangsong, BODY_PT, bold=bold or self.bold)


@dataclass
class Table(Block):
    """Grid table in small 仿宋; header row bold and repeated on each page."""

    header: Sequence[str]
    rows: Sequence[Sequence[str]]
    col_widths_mm: Sequence[float] | None = None
    font_size_pt: float = 12.0
    align: Align = "center"

    def _render(self, w: _Writer) -> None:
        n = len(self.header)
        widths = list(self.col_widths_mm or [TEXT_WIDTH_TWIPS / 56.7 / n] * n)  # 56.7 twips/mm
        t = w.doc.add_table(rows=1 + len(self.rows), cols=n)
        t.alignment = WD_TABLE_ALIGNMENT.CENTER
        t.autofit = False
        _table_borders(t._tbl.tblPr, default=4)  # single black 0.5 pt
        _cell_margins(t._tbl.tblPr, top=30, left=85, bottom=30, right=85)  # 1.5 mm sides
        for i, width in enumerate(widths):
            t.columns[i].width = Mm(width)
        for r, row in enumerate(t.rows):
            values = list(self.header if r == 0 else self.rows[r - 1]) + [""] * n
            trpr = row._tr.get_or_add_trPr()
            trpr.append(_el("cantSplit"))
            if r == 0:
                trpr.append(_el("tblHeader"))  # repeat on every page
            for c, cell in enumerate(row.cells):
                cell.width = Mm(widths[c])
                cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
                p = cell.paragraphs[0]
                p.paragraph_format.alignment = _ALIGN["center" if r == 0 else self.align]
                p.paragraph_format.first_line_indent = Pt(0)
                p.paragraph_format.line_spacing = Pt(self.font_size_pt * 1.5)
                w.run(p, str(values[c]), w.fonts.fangsong, self.font_size_pt, bold=r == 0)
        w.para()  # Word needs a paragraph after a table; keeps following text off its edge


@dataclass
class PageBreak(Block):
    """Start a new page."""

    def _render(self, w: _Writer) -> None:
        w.run(w.para(), "", w.fonts.fangsong, BODY_PT).add_break(WD_BREAK.PAGE)


@dataclass
class BlankLine(Block):
    """``count`` empty body lines."""

    count: int = 1

    def _render(self, w: _Writer) -> None:
        w.blank(self.count)


@dataclass
class Addressee(Block):
    """主送机关: flush left, ends with a full-width colon, one line below the title."""

    text: str
    blank_before: int = 1

    def _render(self, w: _Writer) -> None:
        w.blank(self.blank_before)
        w.text(self.text.rstrip("：:") + "：")


@dataclass
class AttachmentNote(Block):
    """附件说明 "附件：1.……" one line below the body."""

    items: Sequence[str]
    blank_before: int = 1

    def _render(self, w: _Writer) -> None:
        w.blank(self.blank_before)
        if len(self.items) == 1:
            w.text(f"附件：{self.items[0]}", indent=True)
            return
        # Hanging indents: wrapped lines align with the attachment name's first character.
        for i, item in enumerate(self.items, start=1):
            num_pt = _width_chars(f"{i}.") * BODY_PT
            p = w.text(("附件：" if i == 1 else "") + f"{i}.{item}", left_pt=5 * BODY_PT + num_pt)
            p.paragraph_format.first_line_indent = Pt(-((3 * BODY_PT if i == 1 else 0) + num_pt))


@dataclass
class Signature(Block):
    """发文机关署名 + 成文日期, right side; the blank lines leave room for the seal."""

    organisation: str
    date: dt.date | str
    blank_before: int = 2

    def _render(self, w: _Writer) -> None:
        # Never a signature alone on the last page: the last lines of the text go along with it.
        if w.doc.paragraphs:
            w.doc.paragraphs[-1].paragraph_format.keep_with_next = True
        for _ in range(self.blank_before):
            w.para().paragraph_format.keep_with_next = True
        date = _as_text(self.date)
        # 成文日期 4 characters from the right; 署名 centred over the date.
        shift = max(0.0, 4 + (_width_chars(date) - _width_chars(self.organisation)) / 2)
        w.text(self.organisation, "right", right_pt=shift * BODY_PT).paragraph_format.keep_with_next = True
        w.text(date, "right", right_pt=4 * BODY_PT)


@dataclass
class Masthead(Block):
    """公文 版头: red 发文机关标志, 发文字号 (and 签发人 for 上行文), red rule."""

    authority: str
    doc_number: str = ""
    signer: str = ""
    size_pt: float | None = None  # None: as large as fits, at most 42 pt

    def _render(self, w: _Writer) -> None:
        size = self.size_pt or _fit_size(self.authority, 42)
        # GB/T 9704 §7.2.4: the 发文机关标志's top edge 35 mm below the top of the type area. An empty
        # paragraph of exact height takes the space (Word, WPS and LibreOffice all keep it at the
        # top of the first page, where "space before" may be dropped).
        spacer = w.para()
        spacer.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        spacer.paragraph_format.line_spacing = Mm(MASTHEAD_TOP_MM - MASTHEAD_GLYPH_OFFSET_MM)
        w.run(w.para("center", line_pt=size * 1.3), self.authority, w.fonts.xiaobiaosong, size, color=RED)
        w.blank(2)  # GB/T: 发文字号 two lines below the 发文机关标志
        if self.signer:  # 上行文: number left and 签发人 right, one character in
            p = w.text(self.doc_number + "\t签发人：", "left", left_pt=BODY_PT)
            _right_tab(p, TEXT_WIDTH_TWIPS - int(BODY_PT * 20))
            w.run(p, self.signer, w.fonts.kaiti, BODY_PT)
        else:
            p = w.text(self.doc_number, "center")
        _border(p, RED_RULE_SZ, RED_HEX, space=8)  # the rule ≈ 4 mm below the number
        w.blank(2)  # title two lines below the red rule


@dataclass
class BulletinMasthead(Block):
    """简报 报头: red name, 第N期, office left / date right, thick red rule."""

    name: str
    issue: int | str
    office: str
    date: dt.date | str
    total_issue: int | None = None
    size_pt: float | None = None

    def _render(self, w: _Writer) -> None:
        size = self.size_pt or _fit_size(self.name, 42)
        w.run(w.para("center", line_pt=size * 1.3), self.name, w.fonts.xiaobiaosong, size, color=RED)
        total = f"（总第{self.total_issue}期）" if self.total_issue else ""
        w.text(f"第{self.issue}期{total}", "center")
        w.blank(1)
        p = w.text(f"{self.office}\t{_as_text(self.date)}", "left")
        _right_tab(p, TEXT_WIDTH_TWIPS)
        _border(p, BULLETIN_RULE_SZ, RED_HEX, space=4)
        w.blank(1)


@dataclass
class Imprint(Block):
    """公文 版记: 抄送 and "印发机关  日期印发" between rules.

    ``at_page_bottom`` floats it onto the bottom of the last page (Word, WPS);
    LibreOffice 7.4 imports a full-width floating table inline.
    """

    cc: str = ""
    printer: str = ""
    print_date: dt.date | str = ""
    at_page_bottom: bool = True

    def _render(self, w: _Writer) -> None:
        lines = [(f"抄送：{self.cc.rstrip('。')}。", 3)] if self.cc else []
        if self.printer or self.print_date:
            lines.append((f"{self.printer}\t{_as_text(self.print_date)}印发", 0))
        w.ruled_block(lines, inner_rules=True, at_bottom=self.at_page_bottom)


@dataclass
class Distribution(Block):
    """简报 end block "报：… 送：… 发：…" between rules (see ``Imprint``)."""

    report_to: str = ""
    send_to: str = ""
    issue_to: str = ""
    copies: int | None = None
    at_page_bottom: bool = True

    def _render(self, w: _Writer) -> None:
        pairs = (("报", self.report_to), ("送", self.send_to), ("发", self.issue_to))
        lines = [(f"{label}：{value}", 2) for label, value in pairs if value]
        if self.copies:
            lines.append((f"\t（共印{self.copies}份）", 0))
        w.ruled_block(lines, inner_rules=False, at_bottom=self.at_page_bottom)
