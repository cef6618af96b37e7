"""Ledger import at scale: read, validate in Python column by column, write raw, all or nothing.

Rows are validated in chunks; while no error has been seen each chunk is written at once, so memory
stays flat. PostgreSQL: everything in one transaction (COPY into the table or a temporary table,
merged at the end; other writers are not blocked). SQLite has one write lock for the whole database,
so the chunks go to a private staging file instead while the file is read (no lock held), and one
short final transaction merges the staging table with a single INSERT … SELECT … ON CONFLICT (or
UPDATE … FROM) — other users' saves wait for that statement only, not for the whole read. Either
way the counters and the audit summary are written on the batch in that same final transaction, so
a crash can never leave "0 rows" beside stored rows. Any rejected row writes nothing and an error
report (sheet, row, column, value, reason) is written instead. Idempotent by the ledger's natural key (`number`): re-importing the
same file updates the same rows, a correction file updates them in place; a file without some
required columns can only correct existing rows.

Reading: `core.spreadsheets` finds the header (title rows, synonyms, saved mappings) and parses
cells. For .xlsx/.xls the rows after the header are then converted column by column with a cache per
column (ledger columns repeat the same few values: 流通, 合格, 城关镇 …), which keeps a 100,000-row
file close to the bare calamine read time; CSV goes through `spreadsheets.iter_rows` record by record.
"""

import io
import os
import unicodedata
from dataclasses import dataclass, field

from django.utils import timezone

from shian.core.spreadsheets import (
    HEADER_SCAN_ROWS,
    CellError,
    RowError,
    RowStream,
    SpreadsheetError,
    errors_to_xlsx,
    iter_rows,
    parse_text,
)
from shian.core.spreadsheets import _clean as clean_cell  # the same cell clean-up as the generic reader
from shian.supervision.ledger_writer import LedgerWriter
from shian.supervision.ledgers import REGION_PART_KEYS, REGION_PARTS, columns_for, ledger_spec

CHUNK = 5000
MAX_REPORTED_ERRORS = 20000
NOTE_PREFIXES = ("备注", "注：", "注:", "说明：", "说明:", "填表说明", "填表人", "制表人", "填报人", "审核人")


@dataclass
class ImportResult:
    kind: str
    rows_read: int = 0
    created: int = 0
    updated: int = 0
    rejected: int = 0
    errors: list = field(default_factory=list)
    mode: str = "upsert"
    report_path: str = ""

    @property
    def ok(self):
        return not self.errors

    def summary(self) -> str:
        return (
            f"读取 {self.rows_read} 行，新增 {self.created} 行，更新 {self.updated} 行，"
            f"拒绝 {self.rejected} 行"
        )


class _Rejected(Exception):
    pass


def region_lookup(scope_path: str = ""):
    """{code or name → (id, path)} over the regions under `scope_path`; ambiguous names map to None."""
    from shian.organisation.models import Region

    regions = list(
        Region.objects.filter(path__startswith=scope_path or "/").values_list(
            "id", "code", "name", "path", "parent__name"
        )
    )
    table, names = {}, {}
    for pk, code, name, path, parent_name in regions:
        table[code] = (pk, path)
        for key in {name, f"{parent_name}{name}" if parent_name else name}:
            names.setdefault(key, []).append((pk, path))
    for key, hits in names.items():
        if key not in table:
            table[key] = hits[0] if len(hits) == 1 else None
    return table


def parts_region(table, province, city, county):
    """(id, path) of the region named by split columns, or an error message: the most specific part
    first, with its parent's name when two places share a name."""
    parts = [p.strip() for p in (province, city, county) if p and p.strip()]
    if not parts:
        return "未填写区划（省/地市/县（区））"
    for i in range(len(parts) - 1, -1, -1):
        own = parts[i]
        hit = table.get(f"{parts[i - 1]}{own}") if i else None
        if hit is None:
            hit = table.get(own, False)
        if hit:
            return hit
        if hit is None:
            return f"区划名称“{own}”重名，请填写区划代码"
    return f"区划“{'/'.join(parts)}”不存在或不在您的管辖范围内"


class _RegionFromParts:
    """A sheet without a 区划 column but with 省份/地市/县（区） columns: `region` made from them."""

    def __init__(self, sheet, table):
        self._sheet, self._table = sheet, table
        self.errors = sheet.errors
        self.sheet = sheet.sheet
        self.columns_found = {
            **sheet.columns_found,
            "region": "/".join(sheet.columns_found[k] for k in REGION_PART_KEYS if k in sheet.columns_found),
        }

    def chunks(self, size=CHUNK):
        for rownums, cols, read in self._sheet.chunks(size):
            regions, keep = [], []
            parts = [cols.get(k) or [None] * len(rownums) for k in REGION_PART_KEYS]
            for i, (r, *names) in enumerate(zip(rownums, *parts, strict=True)):
                hit = parts_region(self._table, *names)
                if isinstance(hit, str):
                    self.errors.append(
                        RowError(
                            self.sheet,
                            r,
                            None,
                            self.columns_found["region"],
                            "/".join(n for n in names if n),
                            hit,
                        )
                    )
                    continue
                regions.append(hit)
                keep.append(i)
            cols = {k: [vs[i] for i in keep] for k, vs in cols.items() if k not in REGION_PART_KEYS}
            cols["region"] = regions
            yield [rownums[i] for i in keep], cols, read


def region_parser(table):
    def parse(v):
        text = parse_text(v).strip()
        hit = table.get(text, False)
        if hit is None:
            raise CellError("区划名称重名，请填写区划代码")
        if hit is False:
            raise CellError("区划不存在或不在您的管辖范围内")
        return hit

    return parse


# ------------------------------------------------------------------------------------ reading


class _Err:
    __slots__ = ("message",)

    def __init__(self, message):
        self.message = message


def _norm(text):
    return unicodedata.normalize("NFKC", text or "").replace(" ", "").strip()


class _FastSheet:
    """Header found by spreadsheets.RowStream on the first rows; the rest converted column-wise."""

    def __init__(self, source, columns):
        from python_calamine import CalamineWorkbook

        try:
            if isinstance(source, str | os.PathLike):
                book = CalamineWorkbook.from_path(os.fspath(source))
            else:
                source.seek(0)
                book = CalamineWorkbook.from_filelike(io.BytesIO(source.read()))
        except Exception as exc:
            raise SpreadsheetError(f"无法读取文件，请确认是有效的 Excel 文件（{exc}）")
        self.columns = {c.key: c for c in columns}
        self.errors = []
        self.header_stream = None
        for name in book.sheet_names:
            sheet = book.get_sheet_by_name(name)
            rows = sheet.iter_rows()
            pad = (sheet.start or (0, 0))[1]
            prefix = []
            for _ in range(HEADER_SCAN_ROWS + 1):
                row = next(rows, None)
                if row is None:
                    break
                prefix.append([""] * pad + row if pad else row)
            stream = RowStream(name, iter(list(enumerate(prefix))), columns)
            if stream.header_found:
                self.sheet, self.rows, self.prefix, self.pad, self.header_stream = (
                    name,
                    rows,
                    prefix,
                    pad,
                    stream,
                )
                break
        if self.header_stream is None:
            wanted = "、".join(c.label for c in columns)
            self.errors = [
                RowError("", None, None, None, None, f"文件中没有找到包含表头的工作表（应包含列：{wanted}）")
            ]
            return
        self.errors = list(stream.errors)
        self.columns_found = stream.columns_found
        # Column positions: the header cell (in the header row or the row below it) with that text.
        h = stream.header_row - 1
        self.index = {}
        for key, text in self.columns_found.items():
            target = _norm(text)
            for r in (h, h + 1):
                if r >= len(prefix):
                    continue
                for c, v in enumerate(prefix[r]):
                    if (
                        v not in ("", None)
                        and _norm(parse_text(v)) == target
                        and c not in self.index.values()
                    ):
                        self.index[key] = c
                        break
                if key in self.index:
                    break
        self.data_start = h + 1
        if h + 1 < len(prefix) and self._is_header_like(prefix[h + 1]):
            self.data_start = h + 2

    def _is_header_like(self, row):
        idx = self.index.get("number")
        if idx is None or idx >= len(row) or type(row[idx]) is not str:
            return False
        return _norm(row[idx]) in {_norm(n) for n in self.columns["number"].names}

    def chunks(self, size=CHUNK):
        """Yield (row_numbers, {key: values}) per chunk of non-blank rows; bad cells go to self.errors."""
        from itertools import chain, islice

        specs = [(key, idx, self.columns[key]) for key, idx in self.index.items()]
        caches = {key: {} for key, _i, _c in specs}
        rest = chain(
            ((r, row) for r, row in enumerate(self.prefix) if r >= self.data_start),
            (
                (r, [""] * self.pad + row if self.pad else row)
                for r, row in enumerate(self.rows, start=len(self.prefix))
            ),
        )
        idxs = [idx for _k, idx, _c in specs]
        number_names = {_norm(n) for n in self.columns["number"].names}
        number_idx = self.index.get("number")
        while True:
            block = list(islice(rest, size))
            if not block:
                return
            kept_rows = []
            for r, row in block:
                n = len(row)
                first = None
                for i in idxs:
                    if i < n:
                        v = row[i]
                        if v != "" and v is not None:
                            first = v
                            break
                if first is None:
                    continue
                if type(first) is str:
                    s = first.strip()
                    if not s or s.startswith(NOTE_PREFIXES):
                        if not s and all(clean_cell(row[i]) is None for i in idxs if i < n):
                            continue
                        if s:
                            continue
                    if (
                        number_idx is not None
                        and number_idx < n
                        and type(row[number_idx]) is str
                        and not row[number_idx].isascii()
                        and _norm(row[number_idx]) in number_names
                    ):
                        continue  # a header repeated on every printed page
                kept_rows.append((r, row))
            bad = set()
            out = {}
            for key, idx, col in specs:
                cache = caches[key]
                parser, allow_blank, label = col.parser, col.allow_blank, col.label
                letter = _letter(idx)
                values = []
                append = values.append
                use_cache = key != "number"  # natural keys never repeat
                for r, row in kept_rows:
                    v = row[idx] if idx < len(row) else ""
                    tv = type(v)
                    if use_cache and tv is not float and tv is not int and tv is not bool:
                        # str, date, datetime: safe dict keys (1 == 1.0 == True would collide)
                        res = cache.get(v)
                        if res is None:
                            res = _convert(v, parser, allow_blank)
                            if len(cache) < 50_000:
                                cache[v] = res
                    else:
                        res = _convert(v, parser, allow_blank)
                    if type(res) is _Err:
                        self.errors.append(
                            RowError(self.sheet, r + 1, letter, label, clean_cell(v), res.message)
                        )
                        bad.add(r)
                        append(None)
                    else:
                        append(res[0])
                out[key] = values
            for key in self.columns:
                if key not in out:
                    out[key] = [None] * len(kept_rows)
            rownums = [r + 1 for r, _row in kept_rows]
            if bad:
                keep = [i for i, (r, _row) in enumerate(kept_rows) if r not in bad]
                rownums = [rownums[i] for i in keep]
                out = {k: [vs[i] for i in keep] for k, vs in out.items()}
            yield rownums, out, len(kept_rows)


def _convert(v, parser, allow_blank):
    """(value,) or _Err; the tuple keeps a parsed None apart from "not cached"."""
    v = clean_cell(v)
    if v is None:
        return (None,) if allow_blank else _Err("不能为空")
    try:
        return (parser(v),)
    except CellError as exc:
        return _Err(str(exc))
    except ValueError:
        return _Err("格式不正确")


def _letter(idx):
    letters, idx = "", idx + 1
    while idx:
        idx, rem = divmod(idx - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


class _GenericSheet:
    """CSV (and anything calamine cannot stream): spreadsheets.iter_rows, regrouped into columns."""

    def __init__(self, source, columns):
        self.keys = [c.key for c in columns]
        self.stream = iter_rows(source, columns, fill_merged=False)
        self.errors = self.stream.errors
        self.columns_found = self.stream.columns_found
        self.sheet = self.stream.sheet

    def chunks(self, size=CHUNK):
        from itertools import islice

        it = iter(self.stream)
        while True:
            before = {e.row_number for e in self.errors}
            block = list(islice(it, size))
            failed = {e.row_number for e in self.errors} - before
            if not block and not failed:
                return
            yield (
                [r["_row"] for r in block],
                {k: [r.get(k) for r in block] for k in self.keys},
                len(block) + len(failed),
            )


def _open(source, columns):
    if isinstance(source, str | os.PathLike):
        with open(source, "rb") as fh:
            head = fh.read(8)
    else:
        source.seek(0)
        head = source.read(8)
        source.seek(0)
    is_csv = not (head.startswith(b"PK\x03\x04") or head.startswith(b"\xd0\xcf\x11\xe0"))
    return _GenericSheet(source, columns) if is_csv else _FastSheet(source, columns)


# ------------------------------------------------------------------------------------- import


def import_ledger(
    kind, source, *, actor=None, mapping=None, scope_path="", progress=None, filename=None, batch=None
):
    """Import `source` (path or file object) into ledger `kind`. Returns an ImportResult; on any
    rejected row nothing is written and `result.errors` holds every problem found."""
    from shian.supervision.models import ImportMapping

    spec = ledger_spec(kind)
    columns_map = None
    if mapping:
        m = ImportMapping.objects.filter(ledger=kind, name=mapping).first()
        if m is None:
            from django.core.exceptions import ValidationError

            raise ValidationError({"mapping": f"列对应“{mapping}”不存在"})
        columns_map = m.columns
    regions = region_lookup(scope_path)
    columns = [*columns_for(spec, columns_map, region_parser(regions)), *REGION_PARTS]
    result = ImportResult(kind)
    try:
        sheet = _open(source, columns)
    except SpreadsheetError as exc:
        result.errors.append(RowError(filename or "", None, None, None, None, str(exc)))
        return result
    if "region" not in getattr(sheet, "columns_found", {"region": ""}) and any(
        k in sheet.columns_found for k in REGION_PART_KEYS
    ):
        sheet = _RegionFromParts(sheet, regions)
    if any(e.row_number is None for e in sheet.errors):
        result.errors.extend(sheet.errors)
        return result
    present = [f for f in spec.fields if f.key in sheet.columns_found]
    missing_required = [f for f in spec.fields if f.required and f.key not in sheet.columns_found]
    result.mode = "update" if missing_required else "upsert"
    total = _estimate_rows(source)
    writer = LedgerWriter(spec, present, result.mode)
    errors = sheet.errors
    try:
        with writer.reading():
            before = None if writer.staged else writer.count()
            seen: dict[str, int] = {}
            for rownums, cols, read in sheet.chunks():
                result.rows_read += read
                numbers = cols["number"]
                dup = []
                for i, (number, r) in enumerate(zip(numbers, rownums, strict=True)):
                    first = seen.setdefault(number, r)
                    if first != r:
                        errors.append(
                            RowError(sheet.sheet, r, None, "编号", number, f"编号与第{first}行重复")
                        )
                        dup.append(i)
                if dup:
                    drop = set(dup)
                    keep = [i for i in range(len(numbers)) if i not in drop]
                    cols = {k: [vs[i] for i in keep] for k, vs in cols.items()}
                    rownums = [rownums[i] for i in keep]
                if missing_required and cols["number"]:
                    existing = writer.existing(cols["number"])
                    labels = "、".join(f.label for f in missing_required)
                    for number, r in zip(cols["number"], rownums, strict=True):
                        if number not in existing:
                            errors.append(
                                RowError(
                                    sheet.sheet,
                                    r,
                                    None,
                                    "编号",
                                    number,
                                    f"系统中没有此编号的记录；文件缺少必需的列（{labels}），只能更正已有记录",
                                )
                            )
                if not errors and cols["number"]:
                    writer.write(cols)
                if progress:
                    progress(result.rows_read, total)
            if errors:
                raise _Rejected
            with writer.committing():
                if before is None:
                    before = writer.count()
                writer.finish()
                after = writer.count()
                result.created = after - before
                result.updated = result.rows_read - result.created
                _log_summary(spec, result, actor, filename, batch)
    except _Rejected:
        result.errors = sorted(errors, key=lambda e: e.row_number or 0)[:MAX_REPORTED_ERRORS]
        result.rejected = len({(e.sheet, e.row_number) for e in errors})
    finally:
        writer.close()
    return result


def _estimate_rows(source):
    """A rough row count for the progress bar, from the file size (reading the sheet twice would cost
    as much as the import itself): about 45 bytes a row in a zipped xlsx, 110 in a csv."""
    try:
        if isinstance(source, str | os.PathLike):
            size, name = os.path.getsize(source), str(source)
        else:
            size, name = len(source.getbuffer()), getattr(source, "name", "") or ""
    except Exception:  # only a progress estimate
        return 0
    return int(size / (110 if name.lower().endswith((".csv", ".txt")) else 45))


def _log_summary(spec, result, actor, filename, batch):
    """Bulk writes bypass save(): one summary event on the batch stands for them in the audit log."""
    from shian.core.audit import log_event
    from shian.supervision.choices import ImportStatus
    from shian.supervision.models import ImportBatch

    if batch is None:
        batch = ImportBatch.objects.create(
            ledger=spec.kind,
            filename=(filename or "")[:200],
            created_by=actor,
            status=ImportStatus.DONE,
            rows_read=result.rows_read,
            created_count=result.created,
            updated_count=result.updated,
        )
    else:
        # Counters and status in the transaction that stores the rows: committed together or not at all.
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=ImportStatus.DONE,
            rows_read=result.rows_read,
            created_count=result.created,
            updated_count=result.updated,
            rejected_count=0,
            message=result.summary(),
            updated_at=timezone.now(),
        )
    log_event(batch, "ledger_imported", note=result.summary())


def write_error_report(errors, path_or_buffer):
    errors_to_xlsx(errors, path_or_buffer)


def report_path_for(path) -> str:
    stem, _ext = os.path.splitext(os.fspath(path))
    return f"{stem}.错误报告.xlsx"
