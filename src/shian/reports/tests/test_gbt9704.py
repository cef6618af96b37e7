"""Tests for the GB/T 9704-2012 Word writer (framework-free, no database)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from shian.core import gbt9704 as g

DATE = dt.date(2024, 5, 8)
BODY = "为深入贯彻落实党中央、国务院关于食品安全工作的决策部署，进一步压实各级各部门食品安全责任，2024年抽检3,256批次。"
EMU_PER_TWIP = 635


# --- helpers ----------------------------------------------------------------
def reopen(document, tmp_path, name="doc.docx"):
    path = g.save(document, tmp_path / name)
    return docx.Document(str(path))


def east_asia(run_or_style) -> str | None:
    element = getattr(run_or_style, "_r", None)
    element = element if element is not None else run_or_style.element
    rfonts = element.rPr.find(qn("w:rFonts"))
    return rfonts.get(qn("w:eastAsia"))


def ascii_font(run) -> str | None:
    return run._r.rPr.find(qn("w:rFonts")).get(qn("w:ascii"))


def paragraphs_with(document, text):
    return [p for p in document.paragraphs if text in p.text]


def one(document, text):
    found = paragraphs_with(document, text)
    assert len(found) == 1, (text, [p.text for p in found])
    return found[0]


def bottom_border(paragraph):
    return paragraph._p.find(f"{qn('w:pPr')}/{qn('w:pBdr')}/{qn('w:bottom')}")


def all_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


# --- documents ----------------------------------------------------------------
def official_blocks():
    return [
        g.Masthead("某县食品安全委员会办公室文件", g.format_doc_number("食安办", 2024, 12)),
        g.Title("关于2024年第一季度食品安全示范创建\n工作进展情况的通报"),
        g.Addressee("各乡镇人民政府，县食安委各成员单位"),
        g.Paragraph(BODY),
        g.Heading("总体进展", 1),
        g.Paragraph(
            [("一是", True), ("落实属地管理责任。", False), ("二是", True), ("强化部门协同。", False)]
        ),
        g.Heading("工作成效", 2),
        g.Heading("监督抽检", 3, body="全年累计投入7.5万元。"),
        g.Heading("快检筛查", 4),
        g.Heading("农贸市场", 4),
        g.Heading("餐饮单位", 3),
        g.Heading("快检复核", 4),
        g.Heading("主要问题", 2),
        g.Heading("网格监管", 3),
        g.Heading("下一步工作", 1),
        g.Heading("持续推进示范创建", 2),
        g.Heading("强化抽检", 3),
        g.Paragraph(BODY),
        g.AttachmentNote(["工作进展统计表", "责任清单"]),
        g.Signature("某县食品安全委员会办公室", DATE),
        g.Imprint(cc="县委办公室，县政府办公室", printer="某县食品安全委员会办公室", print_date=DATE),
    ]


def bulletin_blocks():
    return [
        g.BulletinMasthead("食品安全示范创建工作简报", 3, "某县食品安全委员会办公室", DATE, total_issue=27),
        g.Title("县食安办召开第一季度工作推进会", size_pt=18),
        g.Paragraph(BODY),
        g.Heading("会议要求", 1),
        g.Paragraph(BODY),
        g.Title("某镇扎实推进农村集体聚餐管理", size_pt=18),
        g.Heading("主要做法", 1),
        g.Paragraph(BODY),
        g.Distribution(
            report_to="市食安办", send_to="县食安委各成员单位", issue_to="各乡镇人民政府", copies=60
        ),
    ]


def report_blocks():
    return [
        g.Title("某县创建国家食品安全示范城市\n自评报告"),
        g.Subtitle("（某县食品安全委员会办公室  2024年5月8日）"),
        g.BlankLine(),
        g.Paragraph(BODY),
        g.Heading("基本情况", 1),
        g.Paragraph(BODY),
        g.Table(
            ["序号", "指标", "分值", "自评得分"],
            [["1", "抽检监测", "10", "9.5"], ["2", "责任落实", "10", "10"]],
            col_widths_mm=[20, 80, 26, 30],
        ),
        g.PageBreak(),
        g.Heading("存在问题", 1),
        g.Paragraph(BODY, indent=False, align="center", bold=True),
    ]


@pytest.fixture(params=["official", "bulletin", "report"])
def any_doc(request, tmp_path):
    blocks = {"official": official_blocks, "bulletin": bulletin_blocks, "report": report_blocks}
    return reopen(g.render(blocks[request.param]()), tmp_path)


@pytest.fixture
def official(tmp_path):
    return reopen(g.render(official_blocks()), tmp_path)


@pytest.fixture
def bulletin(tmp_path):
    return reopen(g.render(bulletin_blocks()), tmp_path)


@pytest.fixture
def report(tmp_path):
    return reopen(g.render(report_blocks()), tmp_path)


# --- formatting helpers ---------------------------------------------------------
@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (1, "一"),
        (2, "二"),
        (9, "九"),
        (10, "十"),
        (11, "十一"),
        (19, "十九"),
        (20, "二十"),
        (21, "二十一"),
        (30, "三十"),
        (45, "四十五"),
        (99, "九十九"),
    ],
)
def test_chinese_number(n, expected):
    assert g.chinese_number(n) == expected


@pytest.mark.parametrize("n", [0, -1, 100])
def test_chinese_number_out_of_range(n):
    with pytest.raises(ValueError):
        g.chinese_number(n)


def test_heading_prefix():
    assert [g.heading_prefix(level, 2) for level in (1, 2, 3, 4)] == ["二、", "（二）", "2.", "（2）"]
    assert g.heading_prefix(1, 12) == "十二、"
    with pytest.raises(ValueError):
        g.heading_prefix(5, 1)


def test_format_date_cn():
    assert g.format_date_cn(dt.date(2024, 5, 8)) == "2024年5月8日"
    assert g.format_date_cn(dt.date(2023, 12, 31)) == "2023年12月31日"
    assert g.format_date_cn(dt.datetime(2024, 1, 2, 15, 30)) == "2024年1月2日"


def test_format_doc_number():
    assert g.format_doc_number("食安办", 2024, 12) == "食安办〔2024〕12号"
    assert g.format_doc_number("某食安委", 2025, 1) == "某食安委〔2025〕1号"


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (75000, "7.5万元"),
        (10000, "1万元"),
        (100000, "10万元"),
        (123456, "12.35万元"),
        (1234567, "123.46万元"),
        (Decimal("25000.00"), "2.5万元"),
        (75000.0, "7.5万元"),
        ("30500", "3.05万元"),
        (8500, "8500元"),
        (9999.5, "9999.5元"),
        (500.00, "500元"),
        (0, "0元"),
        (-20000, "-2万元"),
    ],
)
def test_format_wan_yuan(amount, expected):
    assert g.format_wan_yuan(amount) == expected


def test_grid_constants():
    # 225 mm / 22 lines → 579 twips; 156 mm / 28 characters → −842/4096 pt below 16 pt.
    assert g.TEXT_WIDTH_TWIPS == 8845
    assert g.TEXT_HEIGHT_TWIPS == 12756
    assert g.LINE_PITCH_TWIPS == 579
    assert g.LINE_PITCH_TWIPS * 22 <= g.TEXT_HEIGHT_TWIPS < (g.LINE_PITCH_TWIPS + 1) * 22
    assert g.CHAR_SPACE == -842
    # The condensed advance fits 28 characters but not 29.
    advance = g.BODY_PT * 20 + g.CHAR_CONDENSE_TWIPS
    assert 28 * advance <= g.TEXT_WIDTH_TWIPS < 29 * advance


# --- page setup, shared by all document types ------------------------------------------
def test_page_size_and_margins(any_doc):
    section = any_doc.sections[0]
    expected = {
        "page_width": Mm(210),
        "page_height": Mm(297),
        "top_margin": Mm(37),
        "bottom_margin": Mm(35),
        "left_margin": Mm(28),
        "right_margin": Mm(26),
    }
    for attr, length in expected.items():
        assert abs(getattr(section, attr) - length) <= EMU_PER_TWIP, attr
    # The number lands about 7 mm below the text block (footer distance 35 − 7 − ~5 mm).
    assert Mm(20) < section.footer_distance < Mm(28)


def test_doc_grid(any_doc):
    grid = any_doc.sections[0]._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "linesAndChars"
    assert grid.get(qn("w:linePitch")) == "579"
    assert grid.get(qn("w:charSpace")) == "-842"


def test_normal_style(any_doc):
    normal = any_doc.styles["Normal"]
    assert east_asia(normal) == "仿宋_GB2312"
    assert normal.font.name == "Times New Roman"
    assert normal.font.size == Pt(16)
    pf = normal.paragraph_format
    assert pf.first_line_indent == Pt(32)
    assert pf.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert pf.line_spacing == Pt(28.95)  # 579 twips, fixed
    assert pf.line_spacing_rule is not None and pf.line_spacing_rule.name == "EXACTLY"


def test_heading_and_title_styles(any_doc):
    expected = {1: "黑体", 2: "楷体_GB2312", 3: "仿宋_GB2312", 4: "仿宋_GB2312"}
    for level, font in expected.items():
        style = any_doc.styles[f"GBT Heading {level}"]
        assert east_asia(style) == font
        assert style.font.size == Pt(16)
        assert bool(style.font.bold) == (level == 3)
        assert style.element.pPr.find(qn("w:outlineLvl")).get(qn("w:val")) == str(level - 1)
    title = any_doc.styles["GBT Title"]
    assert east_asia(title) == "方正小标宋简体"
    assert title.font.size == Pt(22)


def test_footer_page_numbers(any_doc):
    settings = any_doc.settings.element
    assert settings.find(qn("w:evenAndOddHeaders")) is not None
    section = any_doc.sections[0]
    for footer, odd in ((section.footer, True), (section.even_page_footer, False)):
        assert not footer.is_linked_to_previous
        xml = footer._element.xml
        assert "PAGE" in "".join(t.text for t in footer._element.iter(qn("w:instrText")))
        assert 'w:fldCharType="begin"' in xml and 'w:fldCharType="end"' in xml
        p = footer.paragraphs[0]
        assert p.text.startswith("— ") and p.text.endswith(" —")
        runs = [r for r in p.runs if r.text]
        assert {east_asia(r) for r in runs} == {"宋体"} and {ascii_font(r) for r in runs} == {"宋体"}
        assert {r.font.size for r in runs} == {Pt(14)}
        pf = p.paragraph_format
        if odd:
            assert pf.alignment == WD_ALIGN_PARAGRAPH.RIGHT and pf.right_indent == Pt(14)
        else:
            assert pf.alignment == WD_ALIGN_PARAGRAPH.LEFT and pf.left_indent == Pt(14)


def test_every_run_sets_fonts_explicitly(any_doc):
    runs = [r for p in any_doc.paragraphs for r in p.runs]
    runs += [
        r for t in any_doc.tables for row in t.rows for c in row.cells for p in c.paragraphs for r in p.runs
    ]
    assert runs
    for run in runs:
        assert east_asia(run), run.text
        assert ascii_font(run) == "Times New Roman", run.text


# --- body content ---------------------------------------------------------------
def test_body_paragraph_runs(official):
    p = paragraphs_with(official, "为深入贯彻落实")[0]
    assert p.paragraph_format.first_line_indent == Pt(32)
    for run in p.runs:
        assert east_asia(run) == "仿宋_GB2312"
        assert run.font.size == Pt(16)


def test_inline_bold_lead_ins(official):
    p = one(official, "一是落实属地管理责任")
    assert [(r.text, r.font.bold) for r in p.runs] == [
        ("一是", True),
        ("落实属地管理责任。", False),
        ("二是", True),
        ("强化部门协同。", False),
    ]


def test_title_runs(official):
    title = one(official, "工作进展情况的通报")
    assert title.style.name == "GBT Title"
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert title.paragraph_format.first_line_indent == Pt(0)
    (run,) = title.runs
    assert east_asia(run) == "方正小标宋简体" and run.font.size == Pt(22)
    assert run._r.find(qn("w:br")) is not None  # two-line title
    assert title.text == "关于2024年第一季度食品安全示范创建\n工作进展情况的通报"


def test_heading_prefixes_restart(official):
    headings = [p for p in official.paragraphs if p.style.name.startswith("GBT Heading")]
    assert [p.text for p in headings] == [
        "一、总体进展",
        "（一）工作成效",
        "1.监督抽检全年累计投入7.5万元。",
        "（1）快检筛查",
        "（2）农贸市场",
        "2.餐饮单位",
        "（1）快检复核",
        "（二）主要问题",
        "1.网格监管",
        "二、下一步工作",
        "（一）持续推进示范创建",
        "1.强化抽检",
    ]


def test_heading_fonts_per_level(official):
    expected = {
        "一、总体进展": ("黑体", False),
        "（一）工作成效": ("楷体_GB2312", False),
        "（1）快检筛查": ("仿宋_GB2312", False),
        "2.餐饮单位": ("仿宋_GB2312", True),
    }
    for text, (font, bold) in expected.items():
        p = one(official, text)
        assert p.paragraph_format.first_line_indent == Pt(32)
        (run,) = p.runs
        assert east_asia(run) == font and run.font.size == Pt(16) and run.font.bold is bold


def test_run_in_heading_body_is_not_bold(official):
    p = one(official, "1.监督抽检")
    head, body = p.runs
    assert head.text == "1.监督抽检" and head.font.bold is True
    assert body.text == "全年累计投入7.5万元。" and body.font.bold is False
    assert east_asia(body) == "仿宋_GB2312"


def test_bulletin_articles_restart_numbering(bulletin):
    headings = [p.text for p in bulletin.paragraphs if p.style.name == "GBT Heading 1"]
    assert headings == ["一、会议要求", "一、主要做法"]


# --- 公文 --------------------------------------------------------------------------
def test_official_masthead(official):
    authority = one(official, "某县食品安全委员会办公室文件")
    assert authority.alignment == WD_ALIGN_PARAGRAPH.CENTER
    (run,) = authority.runs
    assert str(run.font.color.rgb) == "FF0000"
    assert east_asia(run) == "方正小标宋简体"
    assert run.font.size > Pt(22)
    # The long name is shrunk to stay on one line of the text block.
    assert run.font.size.pt * 14 <= g.TEXT_WIDTH_PT
    number = one(official, "食安办〔2024〕12号")
    assert number.alignment == WD_ALIGN_PARAGRAPH.CENTER
    rule = bottom_border(number)
    assert rule is not None and rule.get(qn("w:color")) == "FF0000"
    # Two blank lines between the red rule and the title (GB/T 7.2.4).
    texts = [p.text for p in official.paragraphs]
    title_at = texts.index("关于2024年第一季度食品安全示范创建\n工作进展情况的通报")
    assert texts[title_at - 3 : title_at] == ["食安办〔2024〕12号", "", ""]


def test_official_addressee(official):
    p = one(official, "各乡镇人民政府")
    assert p.text == "各乡镇人民政府，县食安委各成员单位："
    assert p.paragraph_format.first_line_indent == Pt(0)
    texts = [q.text for q in official.paragraphs]
    assert texts[texts.index(p.text) - 2 :][:2] == [
        "关于2024年第一季度食品安全示范创建\n工作进展情况的通报",
        "",
    ]


def test_official_attachment_and_signature(official):
    first = one(official, "附件：1.工作进展统计表")
    second = one(official, "2.责任清单")
    # Wrapped names align: the second item starts where the first item's number does.
    assert first.paragraph_format.left_indent == second.paragraph_format.left_indent
    assert first.paragraph_format.first_line_indent < second.paragraph_format.first_line_indent
    org = [p for p in official.paragraphs if p.text == "某县食品安全委员会办公室"]
    assert len(org) == 1
    (date,) = [p for p in official.paragraphs if p.text == "2024年5月8日"]
    assert org[0].alignment == date.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert date.paragraph_format.right_indent == Pt(64)  # four characters from the right


def framed(document):
    """Paragraphs in a frame anchored to the bottom of the type area (the 版记 / 简报 end block)."""
    out = []
    for p in document.paragraphs:
        fp = p._p.pPr.find(qn("w:framePr")) if p._p.pPr is not None else None
        if fp is not None:
            assert fp.get(qn("w:vAnchor")) == "margin"
            assert fp.get(qn("w:yAlign")) == "bottom" or int(fp.get(qn("w:y"))) > g.TEXT_HEIGHT_TWIPS // 2
            assert int(fp.get(qn("w:w"))) == g.TEXT_WIDTH_TWIPS
            out.append(p)
    return out


def rule(p, side):
    pbdr = p._p.pPr.find(qn("w:pBdr"))
    el = pbdr.find(qn(f"w:{side}")) if pbdr is not None else None
    return None if el is None else int(el.get(qn("w:sz")))


def test_official_imprint(official):
    lines = framed(official)
    assert [p.text for p in lines] == [
        "抄送：县委办公室，县政府办公室。",
        "某县食品安全委员会办公室\t2024年5月8日印发",
    ]
    for p in lines:
        run = p.runs[0]
        assert east_asia(run) == "仿宋_GB2312" and run.font.size == Pt(14)
        assert p.paragraph_format.right_indent == Pt(14)
    first, last = lines
    assert rule(first, "top") == g.IMPRINT_OUTER_SZ and rule(last, "bottom") == g.IMPRINT_OUTER_SZ
    assert rule(first, "bottom") == g.IMPRINT_INNER_SZ < g.IMPRINT_OUTER_SZ  # thin middle rule
    # stacked from the bottom of the type area: the last line's frame ends on its bottom edge
    y = int(last._p.pPr.find(qn("w:framePr")).get(qn("w:y")))
    assert y == g.TEXT_HEIGHT_TWIPS - g.LINE_PITCH_TWIPS - g.STACKED_RULE_TWIPS


def test_inline_imprint_option(tmp_path):
    doc = reopen(g.render([g.Paragraph(BODY), g.Imprint(cc="县委办公室", at_page_bottom=False)]), tmp_path)
    assert doc.tables[0]._tbl.tblPr.find(qn("w:tblpPr")) is None
    assert doc.tables[0].rows[0].cells[0].text == "抄送：县委办公室。"


def test_signer_for_upward_documents(tmp_path):
    doc = reopen(g.render([g.Masthead("某县人民政府", "某政〔2024〕3号", signer="张三")]), tmp_path)
    p = one(doc, "签发人")
    assert p.text == "某政〔2024〕3号\t签发人：张三"
    assert east_asia(p.runs[-1]) == "楷体_GB2312"
    assert bottom_border(p).get(qn("w:color")) == "FF0000"


# --- 简报 --------------------------------------------------------------------------
def test_bulletin_masthead(bulletin):
    name = one(bulletin, "食品安全示范创建工作简报")
    (run,) = name.runs
    assert str(run.font.color.rgb) == "FF0000"
    assert run.font.size >= Pt(26)
    issue = one(bulletin, "第3期")
    assert issue.text == "第3期（总第27期）" and issue.alignment == WD_ALIGN_PARAGRAPH.CENTER
    office_line = one(bulletin, "2024年5月8日")
    assert office_line.text == "某县食品安全委员会办公室\t2024年5月8日"
    stop = office_line.paragraph_format.tab_stops[0]
    assert stop.alignment.name == "RIGHT" and abs(stop.position - Mm(156)) <= Mm(0.5)
    rule = bottom_border(office_line)
    assert rule.get(qn("w:color")) == "FF0000"
    assert int(rule.get(qn("w:sz"))) >= 18  # thick


def test_bulletin_articles_and_distribution(bulletin):
    for title in ("县食安办召开第一季度工作推进会", "某镇扎实推进农村集体聚餐管理"):
        p = one(bulletin, title)
        assert p.alignment == WD_ALIGN_PARAGRAPH.CENTER and p.runs[0].font.size == Pt(18)
    lines = framed(bulletin)
    assert [p.text for p in lines] == [
        "报：市食安办",
        "送：县食安委各成员单位",
        "发：各乡镇人民政府",
        "\t（共印60份）",
    ]
    # one frame: the same outer rules on every line, drawn once above and once below the group
    assert {(rule(p, "top"), rule(p, "bottom")) for p in lines} == {(g.IMPRINT_OUTER_SZ, g.IMPRINT_OUTER_SZ)}


# --- report and tables -------------------------------------------------------------
def test_report_subtitle(report):
    p = one(report, "（某县食品安全委员会办公室")
    assert p.alignment == WD_ALIGN_PARAGRAPH.CENTER and east_asia(p.runs[0]) == "楷体_GB2312"


def test_report_table(report):
    (table,) = report.tables
    assert [c.text for c in table.rows[0].cells] == ["序号", "指标", "分值", "自评得分"]
    assert [c.text for c in table.rows[2].cells] == ["2", "责任落实", "10", "10"]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert table.rows[1]._tr.trPr.find(qn("w:tblHeader")) is None
    borders = table._tbl.tblPr.find(qn("w:tblBorders"))
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        border = borders.find(qn(f"w:{side}"))
        assert (border.get(qn("w:val")), border.get(qn("w:sz")), border.get(qn("w:color"))) == (
            "single",
            "4",
            "000000",
        )
    assert abs(table.rows[0].cells[1].width - Mm(80)) <= Mm(0.1)
    for r, row in enumerate(table.rows):
        for cell in row.cells:
            assert cell.vertical_alignment.name == "CENTER"
            (run,) = cell.paragraphs[0].runs
            assert east_asia(run) == "仿宋_GB2312" and run.font.size == Pt(12)
            assert run.font.bold is (r == 0)


def test_page_break_and_paragraph_options(report):
    assert 'w:type="page"' in report.element.body.xml
    last = paragraphs_with(report, "为深入贯彻落实")[-1]
    assert last.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert last.paragraph_format.first_line_indent == Pt(0)
    assert all(r.font.bold for r in last.runs)


def test_core_title_from_first_title(report):
    assert report.core_properties.title == "某县创建国家食品安全示范城市自评报告"


# --- API edges -----------------------------------------------------------------------
def test_fallback_fonts(tmp_path):
    doc = reopen(g.render([g.Heading("概况", 2), g.Paragraph(BODY)], fonts=g.FALLBACK_FONTS), tmp_path)
    assert east_asia(one(doc, "（一）概况").runs[0]) == "楷体"
    assert east_asia(one(doc, "为深入").runs[0]) == "仿宋"
    assert east_asia(doc.styles["Normal"]) == "仿宋"


def test_to_bytes_roundtrip():
    data = g.to_bytes(g.render(report_blocks()))
    assert data[:2] == b"PK"
    assert "自评报告" in all_text(docx.Document(io.BytesIO(data)))


def test_rejects_unknown_blocks_and_levels():
    with pytest.raises(TypeError):
        g.render(["not a block"])
    with pytest.raises(ValueError):
        g.render([g.Heading("x", 5)])


def test_no_leading_empty_paragraph(report):
    assert report.paragraphs[0].text.startswith("某县创建国家食品安全示范城市")
