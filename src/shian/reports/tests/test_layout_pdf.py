"""Where things land on the page, measured in the PDF LibreOffice renders (`pdftotext -bbox`):
the 发文机关标志 35 mm below the type area's top, the 版记 and the 简报 end block at the foot of the
last page, 抄送 and 印发 lines, no signature alone on a page, titles without an orphan line."""

import os
import re
import shutil
import subprocess
import tempfile

import pytest

from shian.core import gbt9704 as g
from shian.reports import services

pytestmark = pytest.mark.skipif(
    not (shutil.which("soffice") and shutil.which("pdftotext")), reason="未安装 LibreOffice 或 poppler-utils"
)

PT_MM = 25.4 / 72
TYPE_TOP_MM = g.MARGIN_TOP_MM
TYPE_BOTTOM_MM = g.PAGE_HEIGHT_MM - g.MARGIN_BOTTOM_MM


def pages_of(pdf: bytes) -> list[list[tuple[float, float, str]]]:
    """Each page's lines as (top mm, bottom mm, text), top to bottom."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "x.pdf")
        with open(path, "wb") as fh:
            fh.write(pdf)
        html = subprocess.run(
            ["pdftotext", "-bbox", path, "-"], capture_output=True, check=True, text=True
        ).stdout
    out = []
    for page in html.split("<page ")[1:]:
        lines: dict[float, list] = {}
        for y0, y1, word in re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)<', page):
            key = round(float(y1) * PT_MM, 0)
            lines.setdefault(key, [float(y0) * PT_MM, float(y1) * PT_MM, ""])[2] += word
        out.append(sorted((a, b, t) for a, b, t in lines.values()))
    return out


def body(page):
    """Lines of the type area (not the page number)."""
    return [line for line in page if line[1] <= TYPE_BOTTOM_MM + 0.5]


def test_circular_masthead_and_imprint_sit_where_gbt9704_puts_them(cast, dispatch_round):
    doc = services.create_document(cast.campaign, "circular", actor=cast.office_user, round=dispatch_round)
    pages = pages_of(services.docx_to_pdf(services.render(doc)[1]))
    authority = next(line for line in pages[0] if line[2].endswith("文件"))
    assert abs(authority[0] - (TYPE_TOP_MM + 35)) <= 1.0, authority  # §7.2.4: 35 mm below the type area's top
    last = body(pages[-1])
    printed, copied = last[-1], last[-2]
    assert printed[2].endswith("印发") and copied[2].startswith("抄送：")
    assert TYPE_BOTTOM_MM - 12 <= printed[1] <= TYPE_BOTTOM_MM  # on the foot of the last page
    date = next(line for line in last if re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", line[2]))
    assert copied[0] - date[1] > 20  # not right under the signature: the blank space stays between
    # the title's lines are balanced: none is a character or two on its own
    title = [line for line in pages[0] if 100 < line[0] < 160 and "通报" in "".join(x[2] for x in pages[0])]
    assert all(len(line[2]) >= 3 for line in title)


def test_bulletin_end_block_at_the_foot_of_the_last_page(cast, dispatch_round):
    doc = services.create_document(cast.campaign, "bulletin", actor=cast.office_user)
    last = body(pages_of(services.docx_to_pdf(services.render(doc)[1]))[-1])
    assert [line[2][:2] for line in last[-3:]] == ["报：", "送：", "发："]
    assert TYPE_BOTTOM_MM - 12 <= last[-1][1] <= TYPE_BOTTOM_MM


@pytest.mark.parametrize("n", [19, 20, 21])
def test_no_signature_alone_on_a_page(n):
    """With n one-line paragraphs the signature would start on, or spill onto, a new page by itself."""
    blocks = [g.Paragraph(f"第{i}段正文内容。") for i in range(1, n + 1)]
    blocks += [g.Signature("某县食品安全委员会办公室", "2026年5月8日")]
    pages = pages_of(services.docx_to_pdf(g.to_bytes(g.render(blocks))))
    with_signature = next(p for p in pages if any(line[2] == "某县食品安全委员会办公室" for line in p))
    assert any(line[2].startswith("第") for line in with_signature), [line[2] for line in with_signature]
    assert any(line[2] == "2026年5月8日" for line in with_signature)
