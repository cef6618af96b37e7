"""Read the spreadsheets government offices really keep and turn them into clean records.

An importer declares its columns once::

    COLUMNS = [
        Column("category", "类别", synonyms=["项目", "一级指标"], fill_down=True),
        Column("score", "分值", synonyms=["标准分"], parser=parse_decimal),
        Column("note", "备注", required=False),
    ]
    result = read_workbook(upload, COLUMNS)        # small files, every sheet with a header
    for rec in iter_rows(path, COLUMNS, fill_merged=False): ...   # 100k-row ledgers

Values come from python-calamine (xlsx/xls/ods) or the csv module (UTF-8, UTF-8-BOM,
GBK/GB18030, UTF-16). Framework-free: no Django imports.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import chain, islice
from typing import Any

from shian.core.cells import (  # noqa: F401  (re-exported: importers use them from here)
    _HALF,
    _NOTE_PREFIXES,
    _SPACE_RE,
    _UNIT_RE,
    CellError,
    SpreadsheetError,
    _clean,
    _col_letter,
    _norm_header,
    parse_bool,
    parse_choice,
    parse_date,
    parse_decimal,
    parse_int,
    parse_list,
    parse_text,
)

HEADER_SCAN_ROWS = 15


@dataclass(frozen=True)
class Column:
    """One declared column. ``label`` and ``synonyms`` are the accepted header texts;
    ``required`` means the header must exist (use ``allow_blank=False`` to forbid empty cells)."""

    key: str
    label: str
    synonyms: Sequence[str] = ()
    required: bool = True
    parser: Callable[[Any], Any] = parse_text
    fill_down: bool = False
    allow_blank: bool = True

    def __post_init__(self):
        object.__setattr__(self, "synonyms", tuple(self.synonyms))

    @property
    def names(self) -> list[str]:
        """Label and synonyms, without duplicates, as written."""
        return list(dict.fromkeys((self.label, *self.synonyms)))


@dataclass(frozen=True)
class RowError:
    """One problem. ``row_number`` is the 1-based row Excel shows; ``column_letter`` like "C".
    Sheet-level problems (missing column, no header) have ``row_number=None``."""

    sheet: str
    row_number: int | None
    column_letter: str | None
    column_label: str | None
    value: Any
    message: str

    def __str__(self) -> str:
        return format_error(self)


def _display(v: Any) -> str:
    if v is None:
        return ""
    s = parse_text(v).replace("\n", " ")
    return s if len(s) <= 60 else s[:59] + "…"


def format_error(e: RowError) -> str:
    """``工作表“Sheet1”第12行C列（分值）：“abc”不是有效的数字``."""
    out = f"工作表“{e.sheet}”" if e.sheet else ""
    if e.row_number is None:
        return out + e.message
    out += f"第{e.row_number}行"
    if e.column_letter:
        out += f"{e.column_letter}列"
    if e.column_label:
        out += f"（{e.column_label}）"
    value = f"“{_display(e.value)}”" if e.value is not None and e.value != "" else ""
    return f"{out}：{value}{e.message}"


def errors_to_xlsx(errors: Iterable[RowError], path_or_buffer: Any) -> None:
    """Write a downloadable error report (工作表, 行, 列, 列名, 值, 原因) with xlsxwriter."""
    import xlsxwriter

    # User data must stay data: no formulas, URLs or numbers guessed from text.
    options = {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    wb = xlsxwriter.Workbook(path_or_buffer, options)
    ws = wb.add_worksheet("错误报告")
    bold = wb.add_format({"bold": True, "bg_color": "#F2F2F2", "border": 1})
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    for col, (title, width) in enumerate(
        [("工作表", 16), ("行", 6), ("列", 6), ("列名", 14), ("值", 30), ("原因", 50)]
    ):
        ws.write_string(0, col, title, bold)
        ws.set_column(col, col, width)
    n = 0
    for n, e in enumerate(errors, start=1):
        if e.row_number is not None:
            ws.write_number(n, 1, e.row_number)
        cells = [
            (0, e.sheet),
            (2, e.column_letter),
            (3, e.column_label),
            (4, None if e.value is None else parse_text(e.value)),
            (5, e.message),
        ]
        for col, text in cells:
            if text:  # leave blanks truly empty so filters show "(空白)"
                ws.write_string(n, col, text, wrap if col >= 4 else None)
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(n, 1), 5)
    wb.close()


@dataclass
class SheetReadResult:
    """Records (dicts: key -> value, plus ``_row``, ``_sheet``, ``_section``) of the rows
    without errors, and every error of the sheet."""

    sheet: str
    records: list[dict] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    header_row: int | None = None
    columns_found: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class WorkbookReadResult:
    sheets: list[SheetReadResult] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)  # all sheets' errors, in order

    @property
    def records(self) -> list[dict]:
        return [r for s in self.sheets for r in s.records]

    @property
    def ok(self) -> bool:
        return not self.errors


# ------------------------------------------------------------------------------------- sources


class _Book:
    """One opened file: sheet names, raw row iterators (absolute coordinates) and merges."""

    def __init__(self, source: Any, fill_merged: bool):
        self.fill_merged = fill_merged
        self.path: str | None = None
        self.data: bytes | None = None
        self._opx = None
        name = None
        if isinstance(source, str | os.PathLike):
            self.path = name = os.fspath(source)
            with open(self.path, "rb") as fh:
                head = fh.read(8)
        else:
            if not isinstance(source, bytes | bytearray | memoryview):
                name = getattr(source, "name", None)  # Django's UploadedFile has one
                if getattr(source, "seekable", lambda: False)():
                    source.seek(0)
                source = source.read()
            self.data = source.encode("utf-8") if isinstance(source, str) else bytes(source)
            head = self.data[:8]
        # Sniff instead of trusting the extension: offices rename .xlsx to .xls and back.
        self.kind = {b"PK\x03\x04": "xlsx", b"\xd0\xcf\x11\xe0": "xls"}.get(head[:4], "csv")
        if self.kind == "csv":
            stem = os.path.splitext(os.path.basename(str(name)))[0] if name else "Sheet1"
            self.sheet_names = self.visible = [stem]
            return
        from python_calamine import CalamineWorkbook, SheetVisibleEnum

        try:
            self.wb = (
                CalamineWorkbook.from_path(self.path)
                if self.path
                else CalamineWorkbook.from_filelike(io.BytesIO(self.data))
            )
        except Exception as exc:
            raise SpreadsheetError(f"无法读取文件，请确认是有效的 Excel 文件（{exc}）")
        self.sheet_names = list(self.wb.sheet_names)
        meta = getattr(self.wb, "sheets_metadata", None) or []
        hidden = {m.name for m in meta if m.visible != SheetVisibleEnum.Visible}
        self.visible = [n for n in self.sheet_names if n not in hidden]

    def _bytes(self) -> bytes:
        if self.data is None:
            with open(self.path, "rb") as fh:
                self.data = fh.read()
        return self.data

    def rows(self, sheet: str) -> tuple[Iterator[list], list[tuple[int, int, int, int]]]:
        """Rows from row 0 (Excel row 1) and column A, and merged ranges (r0, c0, r1, c1)."""
        if self.kind == "csv":
            return self._csv_rows(), []
        try:
            sh = self.wb.get_sheet_by_name(sheet)
        except Exception as exc:
            raise SpreadsheetError(f"无法读取工作表“{sheet}”（{exc}）")
        start = sh.start
        if start is None:
            return iter(()), []
        rows = sh.iter_rows()  # calamine yields rows from row 0 but columns from start[1]
        if start[1]:
            pad = [""] * start[1]
            rows = (pad + row for row in rows)
        return rows, (self._merges(sh, sheet) if self.fill_merged else [])

    def _merges(self, sh: Any, sheet: str) -> list[tuple[int, int, int, int]]:
        ranges = _calamine_merges(sh)
        if ranges is not None:
            return [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in ranges]
        if self.kind == "xlsx":  # older calamine: openpyxl has to parse the whole sheet
            import openpyxl

            if self._opx is None:
                self._opx = openpyxl.load_workbook(self.path or io.BytesIO(self._bytes()), data_only=True)
            return [
                (m.min_row - 1, m.min_col - 1, m.max_row - 1, m.max_col - 1)
                for m in self._opx[sheet].merged_cells.ranges
            ]
        try:
            import xlrd
        except ImportError:  # fill_down columns still cover the usual case
            return []
        book = xlrd.open_workbook(file_contents=self._bytes(), formatting_info=True, on_demand=True)
        return [(rlo, clo, rhi - 1, chi - 1) for rlo, rhi, clo, chi in book.sheet_by_name(sheet).merged_cells]

    def _csv_rows(self) -> Iterator[list]:
        data = self._bytes()
        if data.lstrip()[:1] == b"<":
            raise SpreadsheetError("文件是网页（HTML/XML）格式，请在 Excel 或 WPS 中另存为 .xlsx 后再导入")
        if data.startswith(b"\xef\xbb\xbf"):
            text = data[3:].decode("utf-8", errors="replace")
        elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
            text = data.decode("utf-16", errors="replace")
        else:
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:  # GB18030 is a superset of GBK and GB2312
                text = data.decode("gb18030", errors="replace")
        first = text[: text.find("\n")] if "\n" in text else text
        delimiter = "\t" if first.count("\t") > first.count(",") else ","
        return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def _calamine_merges(sh: Any) -> list | None:
    """Merged ranges as calamine reports them (None where this calamine cannot)."""
    return getattr(sh, "merged_cell_ranges", None)


def _apply_merges(
    rows: Iterable[list], merges: list[tuple[int, int, int, int]]
) -> Iterator[tuple[int, list]]:
    """Enumerate rows, copying each merged range's top-left value into all its cells."""
    if not merges:
        yield from enumerate(rows)
        return
    pending = sorted(m for m in merges if m[0] != m[2] or m[1] != m[3])
    pi, active = 0, []
    for r, row in enumerate(rows):
        while pi < len(pending) and pending[pi][0] <= r:
            r0, c0, r1, c1 = pending[pi]
            pi += 1
            active.append((r1, c0, c1, row[c0] if c0 < len(row) else ""))
        if active:
            need = max(a[2] for a in active) + 1
            if len(row) < need:
                row = list(row) + [""] * (need - len(row))
            for _r1, c0, c1, val in active:
                row[c0 : c1 + 1] = [val] * (c1 - c0 + 1)
            active = [a for a in active if a[0] > r]
        yield r, row


# --------------------------------------------------------------------------------- the reader


def _lookup(columns: Sequence[Column]) -> dict[str, str]:
    keys = [c.key for c in columns]
    if len(set(keys)) != len(keys) or any(k.startswith("_") for k in keys):
        raise ValueError("column keys must be unique and must not start with '_'")
    table: dict[str, str] = {}
    for col in columns:  # exact names first, unit-stripped ones only where free
        for name in col.names:
            table.setdefault(_norm_header(name) or "", col.key)
    for col in columns:
        for name in col.names:
            table.setdefault(_UNIT_RE.sub("", _norm_header(name) or ""), col.key)
    table.pop("", None)
    return table


def _match(v: Any, table: dict[str, str]) -> str | None:
    n = _norm_header(v)
    if n is None:
        return None
    return table.get(n) or table.get(_UNIT_RE.sub("", n))


def _groupish(row: list, c: int) -> bool:
    """True if the header cell may sit above sub-headers: blank, the start of an unfilled
    merged group (blank to its right), or a merged group copied into its neighbours."""
    v = row[c] if c < len(row) else ""
    if _clean(v) is None:
        return True
    if c + 1 < len(row) and _clean(row[c + 1]) is None:
        return True
    return (c > 0 and row[c - 1] == v) or (c + 1 < len(row) and row[c + 1] == v)


class RowStream:
    """Records of one sheet, produced lazily. Header detection runs on construction, so
    ``header_row``, ``columns_found`` and header errors are known before iterating;
    ``errors`` grows while iterating. Iterate once."""

    def __init__(
        self,
        sheet: str,
        rows: Iterator[tuple[int, list]],
        columns: Sequence[Column],
        merges: Sequence[tuple[int, int, int, int]] = (),
        book: _Book | None = None,
    ):
        self.sheet = sheet
        self.columns = list(columns)
        self.errors: list[RowError] = []
        self.header_row: int | None = None
        self.columns_found: dict[str, str] = {}
        self.header_found = False
        self._book = book
        self._rest = rows
        self._buffer = list(islice(rows, HEADER_SCAN_ROWS + 1))
        self._detect(_lookup(self.columns), merges)

    def _detect(self, table: dict[str, str], merges: Sequence[tuple[int, int, int, int]]) -> None:
        buf, best = self._buffer, None
        for i in range(min(HEADER_SCAN_ROWS, len(buf))):
            row = buf[i][1]
            found: dict[str, tuple[int, Any]] = {}
            for c, v in enumerate(row):
                k = _match(v, table)
                if k and k not in found:
                    found[k] = (c, v)
            if not found:  # a title row may sit above the header; it must match by itself
                continue
            used, second = {c for c, _ in found.values()}, False
            if i + 1 < len(buf):
                for c, v in enumerate(buf[i + 1][1]):
                    if c in used or not _groupish(row, c):
                        continue
                    k = _match(v, table)
                    if k and k not in found:
                        found[k], second = (c, v), True
            if best is None or len(found) > len(best[1]):
                best = (i, found, second)
        wanted = "、".join(c.label for c in self.columns)
        if best is None or len(best[1]) < min(2, len(self.columns)):
            self.errors.append(
                RowError(
                    self.sheet,
                    None,
                    None,
                    None,
                    None,
                    f"未找到表头（前{HEADER_SCAN_ROWS}行中没有包含这些列名的行：{wanted}）",
                )
            )
            self._buffer = []
            return
        i, found, second = best
        self.header_found = True
        self.header_row = buf[i][0] + 1
        self.columns_found = {
            c.key: _clean(parse_text(found[c.key][1])) for c in self.columns if c.key in found
        }
        for col in self.columns:
            if col.required and col.key not in found:
                self.errors.append(
                    RowError(
                        self.sheet,
                        None,
                        None,
                        col.label,
                        None,
                        f"缺少必需的列“{col.label}”（可用列名：{'、'.join(col.names)}）",
                    )
                )
        header_rows = [buf[i][1]] + ([buf[i + 1][1]] if second else [])
        self._quick = {str(v).strip() for row in header_rows for v in row if v not in ("", None)}
        self._table = table
        self._specs = [
            (
                c.key,
                found[c.key][0],
                c.parser,
                c.fill_down,
                c.allow_blank,
                c.label,
                _col_letter(found[c.key][0]),
            )
            for c in self.columns
            if c.key in found
        ]
        self._missing = {c.key: None for c in self.columns if c.key not in found}
        idxs = [s[1] for s in self._specs]
        last_header = buf[i + (1 if second else 0)][0]
        # A merge spanning every declared column below the header is a section title row.
        self._sections = {
            r
            for r0, c0, r1, c1 in merges
            if len(idxs) >= 2 and r0 > last_header and c0 <= min(idxs) and c1 >= max(idxs)
            for r in range(r0, r1 + 1)
        }
        self._first_idx = min(idxs) if idxs else 0
        self._buffer = buf[i + (2 if second else 1) :]

    def _is_repeated_header(self, row: list) -> bool:
        hits = sum(
            1 for key, idx, *_ in self._specs if idx < len(row) and _match(row[idx], self._table) == key
        )
        return hits >= min(2, len(self._specs))

    def result(self) -> SheetReadResult:
        """Consume the stream into a SheetReadResult."""
        records = list(self)
        return SheetReadResult(self.sheet, records, self.errors, self.header_row, self.columns_found)

    def __iter__(self) -> Iterator[dict]:
        if not self.header_found or any(e.row_number is None for e in self.errors):
            return iter(())
        return self._records()

    def _records(self) -> Iterator[dict]:
        specs, missing, sheet, errors = self._specs, self._missing, self.sheet, self.errors
        quick, sections, notes = self._quick, self._sections, _NOTE_PREFIXES
        last: dict[str, Any] = {}
        section = None
        try:
            for r, row in chain(self._buffer, self._rest):
                first = None
                for v in row:
                    if v != "" and v is not None:
                        first = v
                        break
                if first is None:
                    continue
                if type(first) is str:
                    s = first.strip()
                    if s.startswith(notes) or (s in quick and self._is_repeated_header(row)):
                        continue
                if sections and r in sections:
                    v = row[self._first_idx] if self._first_idx < len(row) else None
                    section = None if _clean(v) is None else _clean(parse_text(v))
                    continue
                n = len(row)
                values = [_clean(row[s[1]]) if s[1] < n else None for s in specs]
                if all(v is None for v in values):
                    continue  # content only in undeclared columns
                rec, bad = {}, False
                for (key, _idx, parser, fill, allow_blank, label, letter), v in zip(
                    specs, values, strict=True
                ):
                    if fill:
                        if v is None:
                            v = last.get(key)
                        else:
                            last[key] = v
                    if v is None:
                        if not allow_blank:
                            errors.append(RowError(sheet, r + 1, letter, label, None, "不能为空"))
                            bad = True
                        rec[key] = None
                        continue
                    try:
                        rec[key] = parser(v)
                    except ValueError as exc:
                        msg = str(exc) if isinstance(exc, CellError) else "格式不正确"
                        errors.append(RowError(sheet, r + 1, letter, label, v, msg))
                        bad = True
                if bad:
                    continue
                if missing:
                    rec.update(missing)
                rec["_row"], rec["_sheet"], rec["_section"] = r + 1, sheet, section
                yield rec
        finally:
            self._buffer, self._rest = [], iter(())


def _no_header_anywhere(columns: Sequence[Column]) -> RowError:
    wanted = "、".join(c.label for c in columns)
    return RowError("", None, None, None, None, f"文件中没有找到包含表头的工作表（应包含列：{wanted}）")


def _stream(book: _Book, sheet: str, columns: Sequence[Column]) -> RowStream:
    rows, merges = book.rows(sheet)
    return RowStream(sheet, _apply_merges(rows, merges), columns, merges, book)


def _pick_sheets(book: _Book, sheets: Sequence[str] | str | None) -> tuple[list[str], list[RowError]]:
    if sheets is None:
        return book.visible, []
    names = [sheets] if isinstance(sheets, str) else list(sheets)
    if book.kind == "csv":  # a CSV has one unnamed sheet; any requested name means it
        return book.sheet_names, []
    missing = [
        RowError(n, None, None, None, None, "不存在（文件中的工作表：" + "、".join(book.sheet_names) + "）")
        for n in names
        if n not in book.sheet_names
    ]
    return [n for n in names if n in book.sheet_names], missing


def iter_rows(
    source: Any, columns: Sequence[Column], sheet: str | None = None, *, fill_merged: bool = True
) -> RowStream:
    """Stream the records of one sheet (the first visible sheet with a header if ``sheet`` is
    None). Check ``stream.errors`` after construction (header problems) and after iterating."""
    book = _Book(source, fill_merged)
    names, errors = _pick_sheets(book, sheet)
    for name in names:
        stream = _stream(book, name, columns)
        if stream.header_found or sheet is not None:
            return stream
    empty = RowStream(sheet or "", iter(()), columns)
    empty.errors = errors or [_no_header_anywhere(columns)]
    return empty


def read_sheet(
    source: Any, columns: Sequence[Column], sheet: str | None = None, *, fill_merged: bool = True
) -> SheetReadResult:
    """Read one sheet completely (see ``iter_rows`` for which sheet)."""
    stream = iter_rows(source, columns, sheet, fill_merged=fill_merged)
    return stream.result()


def read_workbook(
    source: Any, columns: Sequence[Column], sheets: Sequence[str] | None = None, *, fill_merged: bool = True
) -> WorkbookReadResult:
    """Read every visible sheet that has a matching header (sheets without one, such as a
    cover sheet, are skipped), or exactly the named ``sheets``."""
    book = _Book(source, fill_merged)
    names, errors = _pick_sheets(book, sheets)
    result = WorkbookReadResult(errors=list(errors))
    for name in names:
        stream = _stream(book, name, columns)
        if not stream.header_found and sheets is None:
            continue
        result.sheets.append(stream.result())
        result.errors.extend(stream.errors)
    if not result.sheets and not result.errors:
        result.errors.append(_no_header_anywhere(columns))
    return result
