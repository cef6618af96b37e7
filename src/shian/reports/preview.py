"""HTML preview of the same blocks the .docx is made of (approximate layout, same words and numbers)."""

from django.utils.html import conditional_escape, format_html, mark_safe

from shian.core import gbt9704 as g
from shian.reports.documents.base import Narrative, paragraphs_of


def _runs(text):
    if isinstance(text, str):
        return conditional_escape(text)
    return mark_safe(
        "".join(format_html("<b>{}</b>", t) if bold else conditional_escape(t) for t, bold in text)
    )


def _lines(text):
    return mark_safe("<br>".join(conditional_escape(line) for line in str(text).split("\n")))


def _masthead_pt(text, size):
    """The size the .docx uses (as large as fits one line, at most 42 pt), a little smaller on screen."""
    return round((size or g._fit_size(text, 42)) * 0.9, 1)


def render_html(blocks, texts=None) -> str:
    """Blocks to HTML; Narrative sections are shown with their current text and marked editable."""
    texts = texts or {}
    counters = [0, 0, 0, 0]
    out = []
    for b in blocks:
        if isinstance(b, Narrative):
            text = texts.get(b.key)
            paras = paragraphs_of(b.default if text is None else text)
            inner = mark_safe("".join(format_html('<p class="gb-p">{}</p>', _runs(p.text)) for p in paras))
            out.append(
                format_html(
                    '<div class="gb-narrative" title="可编辑：{}" data-section="{}">{}</div>',
                    b.label,
                    b.key,
                    inner or mark_safe('<p class="gb-empty">（此段为空，不出现在文件中）</p>'),
                )
            )
        elif isinstance(b, g.Masthead):
            out.append(
                format_html(
                    '<div class="gb-masthead" data-style="font-size:{}pt">{}</div><div class="gb-docno">{}</div>'
                    '<hr class="gb-red">',
                    _masthead_pt(b.authority, b.size_pt),
                    b.authority,
                    b.doc_number,
                )
            )
        elif isinstance(b, g.BulletinMasthead):
            out.append(
                format_html(
                    '<div class="gb-masthead" data-style="font-size:{}pt">{}</div><div class="gb-center">第{}期</div>'
                    '<div class="gb-bulletin-line"><span>{}</span><span>{}</span></div><hr class="gb-red gb-thick">',
                    _masthead_pt(b.name, b.size_pt),
                    b.name,
                    b.issue,
                    b.office,
                    g._as_text(b.date),
                )
            )
        elif isinstance(b, g.Title):
            counters = [0, 0, 0, 0]
            out.append(
                format_html(
                    '<h2 class="gb-title" data-style="font-size:{}pt">{}</h2>',
                    b.size_pt * 0.8,
                    _lines(b.text),
                )
            )
        elif isinstance(b, g.Subtitle):
            out.append(format_html('<div class="gb-subtitle">{}</div>', b.text))
        elif isinstance(b, g.Heading):
            counters[b.level - 1] += 1
            counters[b.level :] = [0] * (4 - b.level)
            prefix = g.heading_prefix(b.level, counters[b.level - 1])
            out.append(
                format_html(
                    '<p class="gb-p gb-h{}">{}{}{}</p>',
                    b.level,
                    prefix,
                    b.text,
                    format_html('<span class="gb-body">{}</span>', b.body) if b.body else "",
                )
            )
        elif isinstance(b, g.Paragraph):
            out.append(
                format_html('<p class="gb-p{}">{}</p>', "" if b.indent else " gb-noindent", _runs(b.text))
            )
        elif isinstance(b, g.Table):
            head = mark_safe("".join(format_html("<th>{}</th>", h) for h in b.header))
            rows = mark_safe(
                "".join(
                    format_html("<tr>{}</tr>", mark_safe("".join(format_html("<td>{}</td>", c) for c in row)))
                    for row in b.rows
                )
            )
            out.append(
                format_html(
                    '<table class="gb-table"><thead><tr>{}</tr></thead><tbody>{}</tbody></table>', head, rows
                )
            )
        elif isinstance(b, g.Addressee):
            out.append(format_html('<p class="gb-p gb-noindent">{}：</p>', b.text.rstrip("：:")))
        elif isinstance(b, g.Signature):
            out.append(
                format_html(
                    '<div class="gb-signature"><div>{}</div><div>{}</div></div>',
                    b.organisation,
                    g._as_text(b.date),
                )
            )
        elif isinstance(b, g.Imprint):
            lines = ([format_html("<div>抄送：{}。</div>", b.cc.rstrip("。"))] if b.cc else []) + [
                format_html(
                    '<div class="gb-split"><span>{}</span><span>{}印发</span></div>',
                    b.printer,
                    g._as_text(b.print_date),
                )
            ]
            out.append(format_html('<div class="gb-imprint">{}</div>', mark_safe("".join(lines))))
        elif isinstance(b, g.Distribution):
            lines = [
                format_html("<div>{}：{}</div>", k, v)
                for k, v in (("报", b.report_to), ("送", b.send_to), ("发", b.issue_to))
                if v
            ]
            out.append(format_html('<div class="gb-imprint">{}</div>', mark_safe("".join(lines))))
        elif isinstance(b, g.AttachmentNote):
            out.append(format_html('<p class="gb-p">附件：{}</p>', "；".join(b.items)))
        elif isinstance(b, g.BlankLine):
            out.append(mark_safe('<div class="gb-blank"></div>' * b.count))
        elif isinstance(b, g.PageBreak):
            out.append(mark_safe('<hr class="gb-pagebreak">'))
    return mark_safe("".join(out))
