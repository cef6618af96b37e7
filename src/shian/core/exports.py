"""xlsx export of table rows, written with xlsxwriter in constant memory."""

import tempfile
from urllib.parse import quote

import xlsxwriter
from django.http import FileResponse

WIDTH_SAMPLE = 500


def write_xlsx(rows, path_or_file, sheet_title="Sheet1", header_rows=1):
    """Write an iterable of rows (first `header_rows` rows bold) to an .xlsx file."""
    book = xlsxwriter.Workbook(path_or_file, {"constant_memory": True, "strings_to_numbers": False})
    bold = book.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1, "text_wrap": True})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    sheet = book.add_worksheet(_safe_sheet_name(sheet_title))
    widths = {}
    count = 0
    for r, row in enumerate(rows):
        count = r + 1
        if r < WIDTH_SAMPLE:  # the first rows tell the widths well enough; measuring every cell cost a third
            for c, value in enumerate(row):
                text = "" if value is None else str(value)
                widths[c] = max(
                    widths.get(c, 6), min(60, max(len(line) for line in text.split("\n")) * 2 + 2)
                )
        if r < header_rows:
            sheet.write_row(r, 0, row, bold)
        else:
            sheet.write_row(r, 0, row)  # the columns carry the wrap format: no style on every cell
    for c, width in widths.items():
        sheet.set_column(c, c, width, wrap)
    sheet.freeze_panes(header_rows, 0)
    book.close()
    return count


def _safe_sheet_name(name: str) -> str:
    for ch in "[]:*?/\\":
        name = name.replace(ch, "_")
    return name[:31] or "Sheet1"


def attachment_header(filename: str) -> str:
    """Content-Disposition that keeps a Chinese filename in every browser."""
    ascii_name = filename.encode("ascii", "ignore").decode() or "download"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


def audit_export(filename: str, rows: int | None = None, note: str = ""):
    """Every export is an audit event of the user who made it (等保 安全审计: data leaving the system)."""
    from shian.core.audit import current_actor, log_security_event

    actor = current_actor()
    if actor is None or not actor.pk:
        return
    text = f"导出“{filename}”" + (f"，{rows} 行" if rows is not None else "") + (f"；{note}" if note else "")
    log_security_event("exported", target=actor, note=text, data={"filename": filename, "rows": rows})


def xlsx_response(rows, filename: str, sheet_title="Sheet1", audit_note=""):
    tmp = tempfile.TemporaryFile()
    written = write_xlsx(rows, tmp, sheet_title=sheet_title)
    audit_export(filename, max(0, (written or 0) - 1), audit_note)
    tmp.seek(0)
    response = FileResponse(
        tmp, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = attachment_header(filename)
    return response
