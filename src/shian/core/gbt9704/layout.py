"""GB/T 9704-2012 page geometry, text helpers, OOXML helpers and the writer that owns the document."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from docx import Document as _new_document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor, Twips
from docx.text.paragraph import Paragraph as DocxParagraph
from lxml import etree

# --- page geometry (GB/T 9704-2012 §5.2) -----------------------------------
PAGE_WIDTH_MM, PAGE_HEIGHT_MM = 210, 297
MARGIN_TOP_MM, MARGIN_BOTTOM_MM = 37, 35
MARGIN_LEFT_MM, MARGIN_RIGHT_MM = 28, 26
LINES_PER_PAGE, CHARS_PER_LINE = 22, 28

BODY_PT = 16.0  # 3号
TITLE_PT = 22.0  # 2号
SMALL_PT = 14.0  # 4号: 版记, page number

# Work in the twips Word actually stores, so the grid fits the rounded margins.
TEXT_WIDTH_TWIPS = Mm(PAGE_WIDTH_MM).twips - Mm(MARGIN_LEFT_MM).twips - Mm(MARGIN_RIGHT_MM).twips
TEXT_HEIGHT_TWIPS = Mm(PAGE_HEIGHT_MM).twips - Mm(MARGIN_TOP_MM).twips - Mm(MARGIN_BOTTOM_MM).twips
# Floor, not round: 22 × 580 would overflow 12756 twips and leave 21 lines.
LINE_PITCH_TWIPS = TEXT_HEIGHT_TWIPS // LINES_PER_PAGE  # 579 twips = 28.95 pt
# docGrid charSpace is the deviation of the grid pitch from the default font
# size in 1/4096 pt; floor again so 28 characters always fit.
CHAR_SPACE = math.floor((TEXT_WIDTH_TWIPS / 20 / CHARS_PER_LINE - BODY_PT) * 4096)
TEXT_WIDTH_PT = TEXT_WIDTH_TWIPS / 20
# Body runs are condensed so 28 characters fit without snapping to the
# character grid (see _setup_styles).  Aim midway between the pitch at which
# 28 and 29 characters fit (315.9 / 305.0 twips) so renderer rounding cannot
# change the count: 310 − 320 = −10 twips = −0.5 pt (LibreOffice needs > 0.25).
CHAR_CONDENSE_TWIPS = round(
    (TEXT_WIDTH_TWIPS / CHARS_PER_LINE + TEXT_WIDTH_TWIPS / (CHARS_PER_LINE + 1)) / 2
) - int(BODY_PT * 20)

# GB/T: the page number's dash line sits 7 mm below the text block.  Word's
# footer distance is page edge → bottom of the footer line, so subtract the
# 14 pt line (≈ 4.9 mm): 35 − 7 − 4.9 ≈ 23 mm, i.e. the number's top lands
# ≈ 28 mm above the page edge.
FOOTER_DISTANCE_MM = 23
HEADER_DISTANCE_MM = 15

# 发文机关标志: its top edge 35 mm below the type area's top (GB/T 9704 §7.2.4); within its own
# line the glyph's top sits ≈ 1.1 mm below the line's top (measured in the rendered PDF).
MASTHEAD_TOP_MM = 35
MASTHEAD_GLYPH_OFFSET_MM = 1.1

RED = RGBColor(0xFF, 0x00, 0x00)
RED_HEX = "FF0000"
# Border widths are in eighths of a point.
RED_RULE_SZ = 12  # 1.5 pt 公文 separator
BULLETIN_RULE_SZ = 24  # 3 pt "thick" bulletin rule
IMPRINT_OUTER_SZ = 8  # ≈ 0.35 mm, GB/T 版记 first/last rule
IMPRINT_INNER_SZ = 6  # ≈ 0.25 mm, GB/T 版记 middle rule

# 方正小标宋 is not a system font; 华文中宋 ships with Chinese Office and is the usual stand-in.
XIAOBIAOSONG_FALLBACK = "华文中宋"


@dataclass(frozen=True)
class Fonts:
    """East-Asian font names per role; ``latin`` is used for digits and Latin."""

    fangsong: str = "仿宋_GB2312"
    kaiti: str = "楷体_GB2312"
    heiti: str = "黑体"
    xiaobiaosong: str = "方正小标宋简体"
    songti: str = "宋体"
    latin: str = "Times New Roman"


DEFAULT_FONTS = Fonts()
# Fonts present on every Chinese Windows/Office install.
FALLBACK_FONTS = Fonts(fangsong="仿宋", kaiti="楷体", xiaobiaosong=XIAOBIAOSONG_FALLBACK)

# --- formatting helpers -----------------------------------------------------
_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 11 → 十一, 20 → 二十, 21 → 二十一 (1..99)."""
    if not 1 <= n <= 99:
        raise ValueError(f"chinese_number supports 1..99, got {n}")
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _DIGITS[ones]
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")


def heading_prefix(level: int, n: int) -> str:
    """Numbering prefix of the n-th heading at ``level``: 一、（一）1.（1）."""
    if level not in (1, 2, 3, 4):
        raise ValueError(f"heading level must be 1..4, got {level}")
    num = chinese_number(n) if level <= 2 else str(n)
    return (f"{num}、", f"（{num}）", f"{num}.", f"（{num}）")[level - 1]


def format_date_cn(date: dt.date) -> str:
    """2024-05-08 → "2024年5月8日" (no leading zeros, as GB/T requires)."""
    return f"{date.year}年{date.month}月{date.day}日"


def format_doc_number(agency_code: str, year: int, seq: int) -> str:
    """发文字号 "食安办〔2024〕12号" with hexagonal brackets and no 第/虚位."""
    return f"{agency_code}〔{year}〕{int(seq)}号"


def format_wan_yuan(amount_yuan: float | int | Decimal | str) -> str:
    """75000 → "7.5万元", 123456 → "12.35万元", 8500 → "8500元": the house rule (`core.figures`)."""
    from shian.core.figures import money_text

    return money_text(amount_yuan)


def _as_text(value: dt.date | str) -> str:
    return format_date_cn(value) if isinstance(value, dt.date) else str(value)


def _width_chars(text: str) -> float:
    """Rough width in body characters: CJK full-width, ASCII half-width."""
    return sum(0.5 if ord(c) < 0x2000 else 1.0 for c in text)


# --- low-level XML helpers --------------------------------------------------
# Schema order of the children this module and python-docx write (CT_PPr, CT_TblPr).
_PPR_ORDER = (
    "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr pBdr shd tabs autoSpaceDE autoSpaceDN "
    "snapToGrid spacing ind jc outlineLvl rPr sectPr"
).split()
_TBLPR_ORDER = "tblStyle tblpPr tblW jc tblInd tblBorders tblLayout tblCellMar tblLook".split()
_ALIGN = {name: getattr(WD_ALIGN_PARAGRAPH, name.upper()) for name in ("left", "center", "right", "justify")}
# Floating table on the bottom of the text block, where GB/T wants the last 版记 rule.
_BOTTOM_FLOAT = {"vertAnchor": "margin", "horzAnchor": "margin", "tblpXSpec": "center", "tblpYSpec": "bottom"}
# Height a rule with its spacing adds to a framed line (1 pt space + ≤ 1 pt rule, in twips).
STACKED_RULE_TWIPS = 40
# The same place for a frame of paragraphs (the 版记): full text width, on the type area's bottom edge.
_BOTTOM_FRAME = {
    "w": TEXT_WIDTH_TWIPS,
    "hAnchor": "margin",
    "vAnchor": "margin",
    "xAlign": "center",
    "yAlign": "bottom",
    "wrap": "notBeside",
    "hRule": "auto",
}


def _el(tag: str, **attrs: object) -> etree._Element:
    return OxmlElement(f"w:{tag}", {qn(f"w:{k}"): str(v) for k, v in attrs.items()})


def _put(parent, tag: str, order: Sequence[str], **attrs: object) -> etree._Element:
    """Replace child ``w:tag`` of ``parent``, keeping the schema's child order."""
    for old in parent.findall(qn(f"w:{tag}")):
        parent.remove(old)
    new = _el(tag, **attrs)
    later = {qn(f"w:{t}") for t in order[order.index(tag) + 1 :]}
    for child in parent:
        if child.tag in later:
            child.addprevious(new)
            return new
    parent.append(new)
    return new


def _set_fonts(rpr, east_asia: str, latin: str) -> None:
    # hint=eastAsia: ambiguous punctuation (“”、—、…) takes the Chinese font.
    rfonts = rpr.get_or_add_rFonts()
    rfonts.attrib.clear()
    for key, value in dict(ascii=latin, hAnsi=latin, eastAsia=east_asia, cs=latin, hint="eastAsia").items():
        rfonts.set(qn(f"w:{key}"), value)


def _border(paragraph: DocxParagraph, sz: int, color: str, space: int) -> None:
    pbdr = _put(paragraph._p.get_or_add_pPr(), "pBdr", _PPR_ORDER)
    pbdr.append(_el("bottom", val="single", sz=sz, space=space, color=color))


def _right_tab(paragraph: DocxParagraph, position_twips: int) -> None:
    paragraph.paragraph_format.tab_stops.add_tab_stop(Twips(position_twips), WD_TAB_ALIGNMENT.RIGHT)


def _fit_size(text: str, maximum: float) -> float:
    """Largest half-point size ≤ maximum that keeps ``text`` on one line."""
    return min(maximum, math.floor(TEXT_WIDTH_PT * 0.96 / max(_width_chars(text), 1) * 2) / 2)


def _table_borders(tblpr, default: int = 0, **sides: int) -> None:
    """Set table borders; widths in eighths of a point, 0 = none."""
    borders = _put(tblpr, "tblBorders", _TBLPR_ORDER)
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        sz = sides.get(side, default)
        borders.append(
            _el(side, val="single", sz=sz, space=0, color="000000") if sz else _el(side, val="nil")
        )


def _cell_margins(tblpr, **sides: int) -> None:
    margins = _put(tblpr, "tblCellMar", _TBLPR_ORDER)
    for side, twips in sides.items():
        margins.append(_el(side, w=twips, type="dxa"))


# --- the writer -------------------------------------------------------------
class _Writer:
    """Owns the python-docx Document, the styles and the heading counters."""

    def __init__(self, fonts: Fonts) -> None:
        self.fonts = fonts
        self.doc = _new_document()
        body = self.doc.element.body
        for p in list(body.iterchildren(qn("w:p"))):  # the template's empty paragraph
            body.remove(p)
        self.counters = [0, 0, 0, 0]
        self._setup_styles()
        self._setup_section()
        self.doc.core_properties.author = self.doc.core_properties.comments = ""

    def _setup_styles(self) -> None:
        f, styles = self.fonts, self.doc.styles
        defaults = styles.element.find(qn("w:docDefaults"))
        rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
        _set_fonts(rpr, f.fangsong, f.latin)
        for tag in ("sz", "szCs"):  # docGrid charSpace is relative to this size
            rpr.find(qn(f"w:{tag}")).set(qn("w:val"), str(int(BODY_PT * 2)))
        rpr.find(qn("w:lang")).set(qn("w:eastAsia"), "zh-CN")  # CJK fallback picks SC glyphs
        ppr = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
        _put(ppr, "spacing", _PPR_ORDER, before=0, after=0, line=LINE_PITCH_TWIPS, lineRule="exact")

        normal = styles["Normal"]
        self._style_font(normal, f.fangsong, BODY_PT)
        pf = normal.paragraph_format
        pf.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        pf.first_line_indent = Pt(2 * BODY_PT)
        pf.space_before = pf.space_after = Pt(0)
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = Twips(LINE_PITCH_TWIPS)
        pf.widow_control = False  # would leave 21-line pages
        npr = normal.element.get_or_add_pPr()
        # No automatic CJK/Latin spacing: it pushes characters off the 28-char grid.
        _put(npr, "autoSpaceDE", _PPR_ORDER, val=0)
        _put(npr, "autoSpaceDN", _PPR_ORDER, val=0)
        # The docGrid declares 22 × 28 for Word's page setup, but paragraphs do
        # not snap to it: LibreOffice gives a 16 pt glyph two 15.8 pt grid cells
        # (14 characters a line) and Word spreads larger titles.  Exact line
        # spacing plus condensed runs give 22 × 28 in Word, WPS and LibreOffice.
        _put(npr, "snapToGrid", _PPR_ORDER, val=0)
        # Character spacing (w:spacing) must precede w:sz in CT_RPr.
        normal.element.rPr.find(qn("w:sz")).addprevious(_el("spacing", val=CHAR_CONDENSE_TWIPS))

        heading_fonts = [(f.heiti, False), (f.kaiti, False), (f.fangsong, True), (f.fangsong, False)]
        for level, (font, bold) in enumerate(heading_fonts, start=1):
            style = self._add_style(f"GBT Heading {level}", font, BODY_PT, bold)
            _put(style.element.get_or_add_pPr(), "outlineLvl", _PPR_ORDER, val=level - 1)
        title = self._add_style("GBT Title", f.xiaobiaosong, TITLE_PT)
        title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
        title.paragraph_format.first_line_indent = Pt(0)

    def _add_style(self, name: str, font: str, size: float, bold: bool = False):
        style = self.doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = style.next_paragraph_style = self.doc.styles["Normal"]
        style.quick_style = True
        style.paragraph_format.keep_with_next = True
        self._style_font(style, font, size, bold)
        return style

    def _style_font(self, style, east_asia: str, size: float, bold: bool = False) -> None:
        _set_fonts(style.element.get_or_add_rPr(), east_asia, self.fonts.latin)
        style.font.size = Pt(size)
        style.font.bold = bold or None

    def _setup_section(self) -> None:
        sec = self.doc.sections[0]
        sec.page_width, sec.page_height = Mm(PAGE_WIDTH_MM), Mm(PAGE_HEIGHT_MM)
        sec.top_margin, sec.bottom_margin = Mm(MARGIN_TOP_MM), Mm(MARGIN_BOTTOM_MM)
        sec.left_margin, sec.right_margin = Mm(MARGIN_LEFT_MM), Mm(MARGIN_RIGHT_MM)
        sec.header_distance, sec.footer_distance = Mm(HEADER_DISTANCE_MM), Mm(FOOTER_DISTANCE_MM)
        sec.gutter = Mm(0)
        grid = sec._sectPr.find(qn("w:docGrid"))
        if grid is None:  # docGrid is the last sectPr child python-docx writes
            grid = _el("docGrid")
            sec._sectPr.append(grid)
        grid.attrib.clear()
        grid.set(qn("w:type"), "linesAndChars")
        grid.set(qn("w:linePitch"), str(LINE_PITCH_TWIPS))
        grid.set(qn("w:charSpace"), str(CHAR_SPACE))
        self.doc.settings.odd_and_even_pages_header_footer = True
        self._page_number(sec.footer, odd=True)
        self._page_number(sec.even_page_footer, odd=False)

    def _page_number(self, footer, odd: bool) -> None:
        """Page number "— 3 —" in 4号 半角宋体: odd pages right, even pages left, one character in."""
        footer.is_linked_to_previous = False
        p = footer.paragraphs[0]
        for style in p._p.findall(f"{qn('w:pPr')}/{qn('w:pStyle')}"):  # template's undefined "Footer"
            style.getparent().remove(style)
        pf = p.paragraph_format
        pf.alignment = WD_ALIGN_PARAGRAPH.RIGHT if odd else WD_ALIGN_PARAGRAPH.LEFT
        pf.first_line_indent = Pt(0)
        pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
        if odd:
            pf.right_indent = Pt(SMALL_PT)
        else:
            pf.left_indent = Pt(SMALL_PT)
        instr = _el("instrText")
        instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        instr.text = " PAGE "
        parts = ["— ", _el("fldChar", fldCharType="begin"), instr, _el("fldChar", fldCharType="separate")]
        for part in [*parts, "1", _el("fldChar", fldCharType="end"), " —"]:
            run = self.run(p, part if isinstance(part, str) else "", self.fonts.songti, SMALL_PT)
            _set_fonts(run._r.rPr, self.fonts.songti, self.fonts.songti)  # digits in 宋体 too
            if not isinstance(part, str):
                run._r.append(part)

    # primitives used by the blocks ------------------------------------------
    def run(self, p: DocxParagraph, text: str, font: str, size: float, bold=False, color=None):
        r = p.add_run(text)  # the text setter turns "\t" into w:tab and "\n" into w:br
        _set_fonts(r._r.get_or_add_rPr(), font, self.fonts.latin)
        r.font.size = Pt(size)
        r.font.bold = bold  # explicit False: a run-in text must not inherit a bold style
        if color is not None:
            r.font.color.rgb = color
        return r

    def para(self, align="justify", indent=False, style=None, left_pt=0.0, right_pt=0.0, line_pt=0.0):
        p = self.doc.add_paragraph(style=style)
        pf = p.paragraph_format
        pf.alignment = _ALIGN[align]
        pf.first_line_indent = Pt(2 * BODY_PT if indent else 0)
        if left_pt:
            pf.left_indent = Pt(left_pt)
        if right_pt:
            pf.right_indent = Pt(right_pt)
        if line_pt > LINE_PITCH_TWIPS / 20:  # large type needs more than one grid line
            pf.line_spacing = Pt(line_pt)
        return p

    def text(self, text: str, align="justify", indent=False, font=None, **kw) -> DocxParagraph:
        p = self.para(align, indent, **kw)
        self.run(p, text, font or self.fonts.fangsong, BODY_PT)
        return p

    def blank(self, count: int) -> None:
        for _ in range(count):
            self.para()

    def ruled_block(self, lines: Sequence[tuple[str, int]], inner_rules: bool, at_bottom: bool) -> None:
        """版记-style block of 4号仿宋 lines between full-width rules.

        Each line is (text, hanging characters); a "\\t" right-aligns what follows.
        Text sits one character in from both rules' ends.

        At the bottom of the last page (GB/T 9704 §7.4: the last rule on the type area's bottom edge)
        the lines are paragraphs in one frame anchored to the bottom of the type area (w:framePr):
        Word, WPS and LibreOffice all place such a frame there, where LibreOffice 7.4 would put a
        floating table inline right under the signature.
        """
        if not at_bottom:
            self.blank(1)
            self._ruled_table(lines, inner_rules)
            return
        if inner_rules and len(lines) > 1:
            self._stacked_frames(lines)
            return
        # One hanging indent for all lines (a single line starts one character in either way) and
        # the same borders on every line: paragraphs whose properties differ would not stay in one
        # frame in LibreOffice.
        hanging = max(h for _text, h in lines)
        for text, _h in lines:
            p = self._frame_line(text, hanging, _BOTTOM_FRAME)
            pbdr = _put(p._p.get_or_add_pPr(), "pBdr", _PPR_ORDER)
            pbdr.append(_el("top", val="single", sz=IMPRINT_OUTER_SZ, space=1, color="000000"))
            pbdr.append(_el("bottom", val="single", sz=IMPRINT_OUTER_SZ, space=1, color="000000"))

    def _frame_line(self, text, hanging, frame):
        p = self.para("left")
        _put(p._p.get_or_add_pPr(), "framePr", _PPR_ORDER, **frame)
        pf = p.paragraph_format
        pf.left_indent = Pt((1 + hanging) * SMALL_PT)
        pf.first_line_indent = Pt(-hanging * SMALL_PT)
        pf.right_indent = Pt(SMALL_PT)
        _right_tab(p, TEXT_WIDTH_TWIPS - int(SMALL_PT * 20))
        self.run(p, text, self.fonts.fangsong, SMALL_PT)
        return p

    def _stacked_frames(self, lines) -> None:
        """版记 with a thin rule between its lines: one frame per line, stacked up from the bottom of
        the type area (a rule between paragraphs, w:between, breaks LibreOffice's frames)."""
        rows = []
        for text, hanging in lines:  # how many printed lines each takes (抄送 lists may wrap)
            room = (TEXT_WIDTH_PT - (2 + hanging) * SMALL_PT) / SMALL_PT
            rows.append(max(1, math.ceil(_width_chars(text.replace("\t", "  ")) / room)))
        bottom = TEXT_HEIGHT_TWIPS
        frames = []
        for (text, hanging), n in zip(reversed(lines), reversed(rows), strict=True):
            top = bottom - n * LINE_PITCH_TWIPS - STACKED_RULE_TWIPS
            frames.append((text, hanging, top))
            bottom = top
        for i, (text, hanging, top) in enumerate(reversed(frames)):
            if i:  # frames in a row with different positions would be merged (and misplaced) by LibreOffice
                gap = self.para()
                gap.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
                gap.paragraph_format.line_spacing = Pt(1)
            frame = {k: v for k, v in _BOTTOM_FRAME.items() if k != "yAlign"} | {"y": top}
            p = self._frame_line(text, hanging, frame)
            pbdr = _put(p._p.get_or_add_pPr(), "pBdr", _PPR_ORDER)
            if i == 0:
                pbdr.append(_el("top", val="single", sz=IMPRINT_OUTER_SZ, space=1, color="000000"))
            last = i == len(frames) - 1
            pbdr.append(
                _el(
                    "bottom",
                    val="single",
                    sz=IMPRINT_OUTER_SZ if last else IMPRINT_INNER_SZ,
                    space=1,
                    color="000000",
                )
            )

    def _ruled_table(self, lines, inner_rules: bool) -> None:
        t = self.doc.add_table(rows=len(lines), cols=1)
        tblpr = t._tbl.tblPr
        _put(tblpr, "tblW", _TBLPR_ORDER, w=TEXT_WIDTH_TWIPS, type="dxa")
        inner = IMPRINT_INNER_SZ if inner_rules else 0
        _table_borders(tblpr, top=IMPRINT_OUTER_SZ, bottom=IMPRINT_OUTER_SZ, insideH=inner)
        _cell_margins(tblpr, left=0, right=0)
        t.autofit = False
        t.columns[0].width = Twips(TEXT_WIDTH_TWIPS)
        for row, (text, hanging) in zip(t.rows, lines, strict=True):
            row.cells[0].width = Twips(TEXT_WIDTH_TWIPS)
            p = row.cells[0].paragraphs[0]
            pf = p.paragraph_format
            pf.left_indent = Pt((1 + hanging) * SMALL_PT)
            pf.first_line_indent = Pt(-hanging * SMALL_PT)
            pf.right_indent = Pt(SMALL_PT)
            _right_tab(p, TEXT_WIDTH_TWIPS - int(SMALL_PT * 20))
            self.run(p, text, self.fonts.fangsong, SMALL_PT)
        self.para()  # Word wants a paragraph after a table
