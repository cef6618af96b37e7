"""Word writer for Chinese official documents in GB/T 9704-2012 layout.

Framework-free: the caller builds a list of blocks (``Title``, ``Heading``,
``Paragraph``, ``Table`` ...) and calls :func:`render`, which returns a
python-docx ``Document``; :func:`save` and :func:`to_bytes` write it out.

Three document shapes are built from the same blocks:

* 公文 (通知/通报/报告): ``Masthead`` + ``Title`` + ``Addressee`` + body +
  ``AttachmentNote`` + ``Signature`` + ``Imprint`` (版记).
* 简报: ``BulletinMasthead`` + articles (``Title`` + body) + ``Distribution``.
* plain report (总结/自评/评审报告): ``Title`` + ``Subtitle`` + body.

Blocks that GB/T 9704 positions relative to the previous element
(主送机关, 附件说明, 署名, inline 版记) emit their own leading blank lines;
``Title`` and body blocks add no spacing.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Callable, Literal, Sequence, Union

from docx import Document as _new_document
from docx.document import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
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

RED = RGBColor(0xFF, 0x00, 0x00)
RED_HEX = "FF0000"
# Border widths are in eighths of a point.
RED_RULE_SZ = 12  # 1.5 pt 公文 separator
BULLETIN_RULE_SZ = 24  # 3 pt "thick" bulletin rule
IMPRINT_OUTER_SZ = 8  # ≈ 0.35 mm, GB/T 版记 first/last rule
IMPRINT_INNER_SZ = 6  # ≈ 0.25 mm, GB/T 版记 middle rule

XIAOBIAOSONG_FALLBACK = "华文中宋"  # ships with Office; used when 方正小标宋 is missing
# Written to fontTable.xml as w:altName so Word substitutes sensibly.
FONT_ALT_NAMES = {
    "仿宋_GB2312": "仿宋",
    "楷体_GB2312": "楷体",
    "方正小标宋简体": XIAOBIAOSONG_FALLBACK,
    "仿宋": "FangSong",
    "楷体": "KaiTi",
    "黑体": "SimHei",
    "宋体": "SimSun",
}


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
    if level == 1:
        return f"{chinese_number(n)}、"
    if level == 2:
        return f"（{chinese_number(n)}）"
    if level == 3:
        return f"{n}."
    if level == 4:
        return f"（{n}）"
    raise ValueError(f"heading level must be 1..4, got {level}")


def format_date_cn(date: dt.date) -> str:
    """2024-05-08 → "2024年5月8日" (no leading zeros, as GB/T requires)."""
    return f"{date.year}年{date.month}月{date.day}日"


def format_doc_number(agency_code: str, year: int, seq: int) -> str:
    """发文字号 "食安办〔2024〕12号" with hexagonal brackets and no 第/虚位."""
    return f"{agency_code}〔{year}〕{int(seq)}号"


def format_wan_yuan(amount_yuan: float | int | Decimal | str, max_places: int = 4) -> str:
    """75000 → "7.5万元", 10000 → "1万元", 8500 → "8500元" (trailing zeros stripped)."""
    amount = Decimal(str(amount_yuan))
    unit = "元"
    if abs(amount) >= 10000:
        amount, unit = amount / 10000, "万元"
    amount = amount.quantize(Decimal(1).scaleb(-max_places), rounding=ROUND_HALF_UP)
    text = format(amount, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{'0' if text == '-0' else text}{unit}"


def _as_text(value: dt.date | str) -> str:
    return format_date_cn(value) if isinstance(value, dt.date) else str(value)


def _width_chars(text: str) -> float:
    """Rough width in body characters: CJK full-width, ASCII half-width."""
    return sum(0.5 if ord(c) < 0x2000 else 1.0 for c in text)


# --- block model ------------------------------------------------------------
Align = Literal["left", "center", "right", "justify"]
Runs = Sequence[tuple[str, bool]]


@dataclass
class Title:
    """Centred 小标宋 title; "\\n" separates lines (梯形/菱形 layout is the caller's)."""

    text: str
    size_pt: float = TITLE_PT


@dataclass
class Subtitle:
    """Centred 楷体 line under a title (author, date, 副标题)."""

    text: str


@dataclass
class Heading:
    """Numbered heading; the prefix comes from the structure. ``body`` runs in after it."""

    text: str
    level: int = 1
    body: str = ""


@dataclass
class Paragraph:
    """Body paragraph: a string, or runs ``[("一是", True), ("落实……", False)]``."""

    text: str | Runs
    bold: bool = False
    indent: bool = True
    align: Align = "justify"


@dataclass
class Table:
    """Grid table in small 仿宋; header row bold and repeated on each page."""

    header: Sequence[str]
    rows: Sequence[Sequence[str]]
    col_widths_mm: Sequence[float] | None = None
    font_size_pt: float = 12.0
    align: Align = "center"


@dataclass
class PageBreak:
    """Start a new page."""


@dataclass
class BlankLine:
    """``count`` empty body lines."""

    count: int = 1


@dataclass
class Addressee:
    """主送机关: flush left, ends with a full-width colon, one line below the title."""

    text: str
    blank_before: int = 1


@dataclass
class AttachmentNote:
    """附件说明 "附件：1.……" one line below the body."""

    items: Sequence[str]
    blank_before: int = 1


@dataclass
class Signature:
    """发文机关署名 + 成文日期, right side; the blank lines leave room for the seal."""

    organisation: str
    date: dt.date | str
    blank_before: int = 2


@dataclass
class Masthead:
    """公文 版头: red 发文机关标志, 发文字号 (and 签发人 for 上行文), red rule."""

    authority: str
    doc_number: str = ""
    signer: str = ""
    size_pt: float | None = None  # None: as large as fits, at most 42 pt


@dataclass
class BulletinMasthead:
    """简报 报头: red name, 第N期, office left / date right, thick red rule."""

    name: str
    issue: int | str
    office: str
    date: dt.date | str
    total_issue: int | None = None
    size_pt: float | None = None


@dataclass
class Imprint:
    """公文 版记: 抄送 and "印发机关  日期印发" between rules; bottom of the page by default."""

    cc: str = ""
    printer: str = ""
    print_date: dt.date | str = ""
    at_page_bottom: bool = True


@dataclass
class Distribution:
    """简报 end block "报：… 送：… 发：…" between rules."""

    report_to: str = ""
    send_to: str = ""
    issue_to: str = ""
    copies: int | None = None
    at_page_bottom: bool = True


Block = Union[
    Title,
    Subtitle,
    Heading,
    Paragraph,
    Table,
    PageBreak,
    BlankLine,
    Addressee,
    AttachmentNote,
    Signature,
    Masthead,
    BulletinMasthead,
    Imprint,
    Distribution,
]

# --- low-level XML helpers --------------------------------------------------
_PPR_ORDER = (
    "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr suppressLineNumbers "
    "pBdr shd tabs suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE "
    "autoSpaceDN bidi adjustRightInd snapToGrid spacing ind contextualSpacing mirrorIndents "
    "suppressOverlap jc textDirection textAlignment textboxTightWrap outlineLvl divId cnfStyle "
    "rPr sectPr pPrChange"
).split()
_TBLPR_ORDER = (
    "tblStyle tblpPr tblOverlap bidiVisual tblStyleRowBandSize tblStyleColBandSize tblW jc "
    "tblCellSpacing tblInd tblBorders shd tblLayout tblCellMar tblLook"
).split()
_RPR_ORDER = (
    "rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss imprint "
    "noProof snapToGrid vanish webHidden color spacing w kern position sz szCs highlight u "
    "effect bdr shd fitText vertAlign rtl cs em lang eastAsianLayout specVanish oMath"
).split()
_ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
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
    for attr in list(rfonts.attrib):
        del rfonts.attrib[attr]
    for key, value in (
        ("ascii", latin),
        ("hAnsi", latin),
        ("eastAsia", east_asia),
        ("cs", latin),
        ("hint", "eastAsia"),
    ):
        rfonts.set(qn(f"w:{key}"), value)


def _border(ppr, side: str, sz: int, color: str, space: int = 1) -> None:
    pbdr = ppr.find(qn("w:pBdr"))
    if pbdr is None:
        pbdr = _put(ppr, "pBdr", _PPR_ORDER)
    pbdr.append(_el(side, val="single", sz=sz, space=space, color=color))


def _right_tab(paragraph: DocxParagraph, position_twips: int) -> None:
    paragraph.paragraph_format.tab_stops.add_tab_stop(Twips(position_twips), WD_TAB_ALIGNMENT.RIGHT)


def _fit_size(text: str, maximum: float) -> float:
    """Largest half-point size ≤ maximum that keeps ``text`` on one line."""
    return min(maximum, math.floor(TEXT_WIDTH_PT * 0.96 / max(_width_chars(text), 1) * 2) / 2)


# --- the writer -------------------------------------------------------------
class _Writer:
    def __init__(self, fonts: Fonts) -> None:
        self.fonts = fonts
        self.doc = _new_document()
        self.counters = [0, 0, 0, 0]
        self._setup_styles()
        self._setup_section()
        self._register_fonts()
        self.doc.core_properties.author = ""
        self.doc.core_properties.comments = ""

    # setup ---------------------------------------------------------------
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
        _put(normal.element.get_or_add_rPr(), "spacing", _RPR_ORDER, val=CHAR_CONDENSE_TWIPS)

        heading_fonts = [(f.heiti, False), (f.kaiti, False), (f.fangsong, True), (f.fangsong, False)]
        for level, (font, bold) in enumerate(heading_fonts, start=1):
            style = styles.add_style(f"GBT Heading {level}", WD_STYLE_TYPE.PARAGRAPH)
            style.base_style, style.next_paragraph_style = normal, normal
            style.quick_style = True
            self._style_font(style, font, BODY_PT, bold=bold)
            style.paragraph_format.keep_with_next = True
            _put(style.element.get_or_add_pPr(), "outlineLvl", _PPR_ORDER, val=level - 1)

        title = styles.add_style("GBT Title", WD_STYLE_TYPE.PARAGRAPH)
        title.base_style, title.next_paragraph_style = normal, normal
        title.quick_style = True
        self._style_font(title, f.xiaobiaosong, TITLE_PT)
        title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
        title.paragraph_format.first_line_indent = Pt(0)
        title.paragraph_format.keep_with_next = True

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
        if grid is None:  # docGrid is the last sectPr child we care about
            grid = _el("docGrid")
            sec._sectPr.append(grid)
        grid.attrib.clear()
        grid.set(qn("w:type"), "linesAndChars")
        grid.set(qn("w:linePitch"), str(LINE_PITCH_TWIPS))
        grid.set(qn("w:charSpace"), str(CHAR_SPACE))
        # Page numbers: odd pages right, even pages left, one 4号 character in.
        self.doc.settings.odd_and_even_pages_header_footer = True
        self._page_number(sec.footer, odd=True)
        self._page_number(sec.even_page_footer, odd=False)

    def _page_number(self, footer, odd: bool) -> None:
        footer.is_linked_to_previous = False
        p = footer.paragraphs[0]
        style = p._p.pPr.find(qn("w:pStyle")) if p._p.pPr is not None else None
        if style is not None:  # template refers to a "Footer" style it does not define
            style.getparent().remove(style)
        pf = p.paragraph_format
        pf.alignment = WD_ALIGN_PARAGRAPH.RIGHT if odd else WD_ALIGN_PARAGRAPH.LEFT
        pf.first_line_indent = Pt(0)
        pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
        if odd:
            pf.right_indent = Pt(SMALL_PT)
        else:
            pf.left_indent = Pt(SMALL_PT)
        song = self.fonts.songti  # 半角宋体: digits in 宋体 too

        def run(text: str = ""):
            r = self._run(p, text, song, SMALL_PT, latin=song)
            return r._r

        run("— ")
        run().append(_el("fldChar", fldCharType="begin"))
        instr = _el("instrText")
        instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        instr.text = " PAGE "
        run().append(instr)
        run().append(_el("fldChar", fldCharType="separate"))
        run("1")
        run().append(_el("fldChar", fldCharType="end"))
        run(" —")

    def _register_fonts(self) -> None:
        """Declare the CJK fonts (charset GB2312, alt name) in fontTable.xml."""
        part = next((r.target_part for r in self.doc.part.rels.values() if r.reltype == RT.FONT_TABLE), None)
        if part is None:
            return
        root = etree.fromstring(part.blob)
        known = {f.get(qn("w:name")) for f in root}
        f = self.fonts
        for name in dict.fromkeys((f.fangsong, f.kaiti, f.heiti, f.xiaobiaosong, f.songti)):
            if name in known:
                continue
            font = etree.SubElement(root, qn("w:font"), {qn("w:name"): name})
            if name in FONT_ALT_NAMES:
                etree.SubElement(font, qn("w:altName"), {qn("w:val"): FONT_ALT_NAMES[name]})
            etree.SubElement(font, qn("w:charset"), {qn("w:val"): "86"})
            etree.SubElement(font, qn("w:family"), {qn("w:val"): "modern"})
            etree.SubElement(font, qn("w:pitch"), {qn("w:val"): "fixed"})
        part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

    # primitives ----------------------------------------------------------
    def _run(
        self,
        p: DocxParagraph,
        text: str,
        font: str,
        size: float,
        bold: bool = False,
        color: RGBColor | None = None,
        latin: str | None = None,
    ):
        r = p.add_run(text)  # the text setter turns "\t" into w:tab and "\n" into w:br
        _set_fonts(r._r.get_or_add_rPr(), font, latin or self.fonts.latin)
        r.font.size = Pt(size)
        r.font.bold = bold  # explicit False: a run-in text must not inherit a bold style
        if color is not None:
            r.font.color.rgb = color
        return r

    def _para(
        self,
        align: Align = "justify",
        indent: bool = False,
        style: str | None = None,
        left_pt: float = 0,
        right_pt: float = 0,
        line_pt: float | None = None,
    ) -> DocxParagraph:
        p = self.doc.add_paragraph(style=style)
        pf = p.paragraph_format
        pf.alignment = _ALIGN[align]
        pf.first_line_indent = Pt(2 * BODY_PT if indent else 0)
        if left_pt:
            pf.left_indent = Pt(left_pt)
        if right_pt:
            pf.right_indent = Pt(right_pt)
        if line_pt:
            pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            pf.line_spacing = Pt(line_pt)
        return p

    def _blank(self, count: int) -> None:
        for _ in range(count):
            self._para()

    # blocks --------------------------------------------------------------
    def title(self, b: Title) -> None:
        self.counters = [0, 0, 0, 0]  # each article of a bulletin numbers afresh
        p = self._para("center", style="GBT Title", line_pt=max(LINE_PITCH_TWIPS / 20, b.size_pt * 1.3))
        self._run(p, b.text, self.fonts.xiaobiaosong, b.size_pt)
        if not self.doc.core_properties.title:
            self.doc.core_properties.title = b.text.replace("\n", "")

    def subtitle(self, b: Subtitle) -> None:
        self._run(self._para("center"), b.text, self.fonts.kaiti, BODY_PT)

    def heading(self, b: Heading) -> None:
        self.counters[b.level - 1] += 1
        prefix = heading_prefix(b.level, self.counters[b.level - 1])
        self.counters[b.level :] = [0] * (4 - b.level)
        p = self._para(indent=True, style=f"GBT Heading {b.level}")
        f = self.fonts
        font = (f.heiti, f.kaiti, f.fangsong, f.fangsong)[b.level - 1]
        self._run(p, prefix + b.text, font, BODY_PT, bold=b.level == 3)
        if b.body:
            p.paragraph_format.keep_with_next = False
            self._run(p, b.body, f.fangsong, BODY_PT)

    def paragraph(self, b: Paragraph) -> None:
        p = self._para(b.align, indent=b.indent)
        runs = [(b.text, False)] if isinstance(b.text, str) else b.text
        for text, bold in runs:
            self._run(p, text, self.fonts.fangsong, BODY_PT, bold=bold or b.bold)

    def table(self, b: Table) -> None:
        n = len(b.header)
        widths = list(b.col_widths_mm or [TEXT_WIDTH_TWIPS / 56.7 / n] * n)
        t = self.doc.add_table(rows=1 + len(b.rows), cols=n)
        t.alignment = WD_TABLE_ALIGNMENT.CENTER
        t.autofit = False
        borders = _put(t._tbl.tblPr, "tblBorders", _TBLPR_ORDER)
        for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
            borders.append(_el(side, val="single", sz=4, space=0, color="000000"))  # 0.5 pt
        for i, w in enumerate(widths):
            t.columns[i].width = Mm(w)
        for r, row in enumerate(t.rows):
            values = b.header if r == 0 else list(b.rows[r - 1]) + [""] * n
            trpr = row._tr.get_or_add_trPr()
            trpr.append(_el("cantSplit"))
            if r == 0:
                trpr.append(_el("tblHeader"))  # repeat on every page
            for c, cell in enumerate(row.cells):
                cell.width = Mm(widths[c])
                cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
                p = cell.paragraphs[0]
                p.paragraph_format.alignment = _ALIGN["center" if r == 0 else b.align]
                p.paragraph_format.first_line_indent = Pt(0)
                p.paragraph_format.line_spacing = Pt(b.font_size_pt * 1.5)
                self._run(p, str(values[c]), self.fonts.fangsong, b.font_size_pt, bold=r == 0)
        self._para()  # keeps following text off the table edge; Word needs a paragraph after

    def page_break(self, b: PageBreak) -> None:
        self.doc.add_page_break()

    def blank_line(self, b: BlankLine) -> None:
        self._blank(b.count)

    def addressee(self, b: Addressee) -> None:
        self._blank(b.blank_before)
        text = b.text.rstrip("：:") + "："
        self._run(self._para("justify"), text, self.fonts.fangsong, BODY_PT)

    def attachment_note(self, b: AttachmentNote) -> None:
        self._blank(b.blank_before)
        items = list(b.items)
        if len(items) == 1:
            self._run(self._para(indent=True), f"附件：{items[0]}", self.fonts.fangsong, BODY_PT)
            return
        # Wrapped lines align with the first character of the attachment name.
        for i, item in enumerate(items, start=1):
            num = f"{i}."
            num_pt = _width_chars(num) * BODY_PT
            p = self._para(left_pt=5 * BODY_PT + num_pt)
            lead = 3 * BODY_PT if i == 1 else 0
            p.paragraph_format.first_line_indent = Pt(-(lead + num_pt))
            self._run(p, ("附件：" if i == 1 else "") + num + item, self.fonts.fangsong, BODY_PT)

    def signature(self, b: Signature) -> None:
        self._blank(b.blank_before)
        date = _as_text(b.date)
        # 成文日期 4 characters from the right; 署名 centred over the date.
        shift = max(0.0, 4 + (_width_chars(date) - _width_chars(b.organisation)) / 2)
        self._run(self._para("right", right_pt=shift * BODY_PT), b.organisation, self.fonts.fangsong, BODY_PT)
        self._run(self._para("right", right_pt=4 * BODY_PT), date, self.fonts.fangsong, BODY_PT)

    def masthead(self, b: Masthead) -> None:
        size = b.size_pt or _fit_size(b.authority, 42)
        p = self._para("center", line_pt=max(size * 1.3, LINE_PITCH_TWIPS / 20))
        self._run(p, b.authority, self.fonts.xiaobiaosong, size, color=RED)
        self._blank(2)  # GB/T: 发文字号 two lines below the 发文机关标志
        f = self.fonts
        if b.signer:  # 上行文: number left and 签发人 right, one character in
            p = self._para("left", left_pt=BODY_PT)
            _right_tab(p, TEXT_WIDTH_TWIPS - 320)
            self._run(p, b.doc_number + "\t签发人：", f.fangsong, BODY_PT)
            self._run(p, b.signer, f.kaiti, BODY_PT)
        else:
            p = self._para("center")
            self._run(p, b.doc_number, f.fangsong, BODY_PT)
        _border(p._p.get_or_add_pPr(), "bottom", RED_RULE_SZ, RED_HEX, space=8)  # ≈ 4 mm below
        self._blank(2)  # title two lines below the red rule

    def bulletin_masthead(self, b: BulletinMasthead) -> None:
        f = self.fonts
        size = b.size_pt or _fit_size(b.name, 42)
        p = self._para("center", line_pt=max(size * 1.3, LINE_PITCH_TWIPS / 20))
        self._run(p, b.name, f.xiaobiaosong, size, color=RED)
        issue = f"第{b.issue}期" + (f"（总第{b.total_issue}期）" if b.total_issue else "")
        self._run(self._para("center"), issue, f.fangsong, BODY_PT)
        self._blank(1)
        p = self._para("left")
        _right_tab(p, TEXT_WIDTH_TWIPS)
        self._run(p, f"{b.office}\t{_as_text(b.date)}", f.fangsong, BODY_PT)
        _border(p._p.get_or_add_pPr(), "bottom", BULLETIN_RULE_SZ, RED_HEX, space=4)
        self._blank(1)

    def _ruled_block(
        self, rows: Sequence[Callable[[DocxParagraph], None]], inner_rules: bool, at_bottom: bool
    ) -> None:
        """One-column borderless-sided table: thick rules top/bottom, thin between."""
        if not at_bottom:
            self._blank(1)
        t = self.doc.add_table(rows=len(rows), cols=1)
        tblpr = t._tbl.tblPr
        if at_bottom:
            # Floating table pinned to the bottom of the text block (GB/T: the
            # last rule coincides with the text block's lower edge).
            _put(
                tblpr,
                "tblpPr",
                _TBLPR_ORDER,
                leftFromText=0,
                rightFromText=0,
                vertAnchor="margin",
                horzAnchor="margin",
                tblpXSpec="center",
                tblpYSpec="bottom",
            )
        _put(tblpr, "tblW", _TBLPR_ORDER, w=TEXT_WIDTH_TWIPS, type="dxa")
        borders = _put(tblpr, "tblBorders", _TBLPR_ORDER)
        for side, sz in (
            ("top", IMPRINT_OUTER_SZ),
            ("bottom", IMPRINT_OUTER_SZ),
            ("insideH", IMPRINT_INNER_SZ if inner_rules else 0),
        ):
            borders.append(_el(side, val="single" if sz else "nil", sz=sz, space=0, color="000000"))
        for side in ("left", "right", "insideV"):
            borders.append(_el(side, val="nil"))
        margins = _put(tblpr, "tblCellMar", _TBLPR_ORDER)
        for side in ("left", "right"):
            margins.append(_el(side, w=0, type="dxa"))
        t.autofit = False
        t.columns[0].width = Twips(TEXT_WIDTH_TWIPS)
        for row, fill in zip(t.rows, rows):
            row.cells[0].width = Twips(TEXT_WIDTH_TWIPS)
            fill(row.cells[0].paragraphs[0])
        self._para()

    def _small_line(self, text: str, hanging_chars: int = 0):
        """Row filler: 4号仿宋, one character in on both sides."""

        def fill(p: DocxParagraph) -> None:
            pf = p.paragraph_format
            pf.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            pf.left_indent = Pt((1 + hanging_chars) * SMALL_PT)
            pf.first_line_indent = Pt(-hanging_chars * SMALL_PT)
            pf.right_indent = Pt(SMALL_PT)
            if "\t" in text:
                _right_tab(p, TEXT_WIDTH_TWIPS - int(SMALL_PT * 20))
            self._run(p, text, self.fonts.fangsong, SMALL_PT)

        return fill

    def imprint(self, b: Imprint) -> None:
        rows = []
        if b.cc:
            rows.append(self._small_line(f"抄送：{b.cc.rstrip('。')}。", hanging_chars=3))
        if b.printer or b.print_date:
            rows.append(self._small_line(f"{b.printer}\t{_as_text(b.print_date)}印发"))
        self._ruled_block(rows, inner_rules=True, at_bottom=b.at_page_bottom)

    def distribution(self, b: Distribution) -> None:
        rows = [
            self._small_line(f"{label}：{value}", hanging_chars=2)
            for label, value in (("报", b.report_to), ("送", b.send_to), ("发", b.issue_to))
            if value
        ]
        if b.copies:
            rows.append(self._small_line(f"\t（共印{b.copies}份）"))
        self._ruled_block(rows, inner_rules=False, at_bottom=b.at_page_bottom)


_DISPATCH: dict[type, Callable[[_Writer, object], None]] = {
    Title: _Writer.title,
    Subtitle: _Writer.subtitle,
    Heading: _Writer.heading,
    Paragraph: _Writer.paragraph,
    Table: _Writer.table,
    PageBreak: _Writer.page_break,
    BlankLine: _Writer.blank_line,
    Addressee: _Writer.addressee,
    AttachmentNote: _Writer.attachment_note,
    Signature: _Writer.signature,
    Masthead: _Writer.masthead,
    BulletinMasthead: _Writer.bulletin_masthead,
    Imprint: _Writer.imprint,
    Distribution: _Writer.distribution,
}


def render(blocks: Sequence[Block], fonts: Fonts = DEFAULT_FONTS) -> Document:
    """Lay out ``blocks`` on GB/T 9704 pages and return the python-docx Document."""
    writer = _Writer(fonts)
    body = writer.doc.element.body
    for first in list(body.iterchildren(qn("w:p"))):  # the template's empty first paragraph
        body.remove(first)
    for block in blocks:
        if isinstance(block, Heading):
            heading_prefix(block.level, 1)  # validate the level before counting
        try:
            handler = _DISPATCH[type(block)]
        except KeyError:
            raise TypeError(f"not a gbt9704 block: {block!r}") from None
        handler(writer, block)
    return writer.doc


def to_bytes(document: Document) -> bytes:
    """Serialise a rendered document to .docx bytes."""
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def save(document: Document, path: str | Path) -> Path:
    """Write a rendered document to ``path`` and return the path."""
    path = Path(path)
    document.save(str(path))
    return path
