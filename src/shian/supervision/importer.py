"""Ledger import at scale: stream rows with core.spreadsheets, validate in Python, write raw.

All-or-nothing: everything happens in one transaction. Rows are validated in chunks; while no
error has been seen each chunk is written at once (SQLite: `executemany` upsert; PostgreSQL: COPY
into a temporary table, merged with one INSERT … ON CONFLICT at the end), so memory stays flat. Any
rejected row rolls the whole transaction back and an error report (sheet, row, column, value,
reason) is written instead. Idempotent by the ledger's natural key (`number`): re-importing the
same file updates the same rows, a correction file updates them in place; a file without some
required columns can only correct existing rows.
"""

import datetime
import json
import os
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from shian.core.spreadsheets import CellError, RowError, SpreadsheetError, errors_to_xlsx, iter_rows, parse_text
from shian.supervision.ledgers import columns_for, ledger_spec

CHUNK = 5000
MAX_REPORTED_ERRORS = 20000


@dataclass
class ImportResult:
    kind: str
    rows_read: int = 0
    created: int = 0
    updated: int = 0
    rejected: int = 0
    errors: list = field(default_factory=list)
    ignored_columns: list = field(default_factory=list)
    mode: str = "upsert"

    @property
    def ok(self):
        return not self.errors

    def summary(self) -> str:
        return (f"读取 {self.rows_read} 行，新增 {self.created} 行，更新 {self.updated} 行，"
                f"拒绝 {self.rejected} 行")


class _Rejected(Exception):
    pass


def region_lookup(scope_path: str = ""):
    """{code or name → (id, path)} over the regions under `scope_path`; ambiguous names map to None."""
    from shian.organisation.models import Region

    regions = list(Region.objects.filter(path__startswith=scope_path or "/").values_list("id", "code", "name", "path",
                                                                                        "parent__name"))
    table, names = {}, {}
    for pk, code, name, path, parent_name in regions:
        table[code] = (pk, path)
        for key in {name, f"{parent_name}{name}" if parent_name else name}:
            names.setdefault(key, []).append((pk, path))
    for key, hits in names.items():
        if key not in table:
            table[key] = hits[0] if len(hits) == 1 else None
    return table


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


def import_ledger(kind, source, *, actor=None, mapping=None, scope_path="", progress=None, filename=None,
                  batch=None):
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
    columns = columns_for(spec, columns_map, region_parser(region_lookup(scope_path)))
    result = ImportResult(kind)
    try:
        stream = iter_rows(source, columns, fill_merged=False)
    except SpreadsheetError as exc:
        result.errors.append(RowError(filename or "", None, None, None, None, str(exc)))
        return result
    if any(e.row_number is None for e in stream.errors):
        result.errors.extend(stream.errors)
        return result
    present = [f for f in spec.fields if f.key in stream.columns_found]
    missing_required = [f for f in spec.fields if f.required and f.key not in stream.columns_found]
    result.mode = "update" if missing_required else "upsert"
    total = _estimate_rows(source)
    writer = _Writer(spec, present, result.mode)
    try:
        with transaction.atomic():
            before = writer.count()
            seen: dict[str, int] = {}
            chunk = []
            for rec in stream:
                result.rows_read += 1
                number = rec["number"]
                if number in seen:
                    stream.errors.append(RowError(rec["_sheet"], rec["_row"], None, "编号", number,
                                                  f"编号与第{seen[number]}行重复"))
                    continue
                seen[number] = rec["_row"]
                chunk.append(rec)
                if len(chunk) >= CHUNK:
                    _flush(writer, chunk, stream, missing_required)
                    chunk = []
                    if progress:
                        progress(result.rows_read, total)
            if chunk:
                _flush(writer, chunk, stream, missing_required)
            result.rows_read += _bad_rows(stream.errors)
            if stream.errors:
                raise _Rejected
            writer.finish()
            after = writer.count()
            result.created = after - before
            result.updated = result.rows_read - result.created
            _log_summary(spec, result, actor, filename, batch)
    except _Rejected:
        result.errors = stream.errors[:MAX_REPORTED_ERRORS]
        result.rejected = len({(e.sheet, e.row_number) for e in stream.errors})
    return result


def _bad_rows(errors):
    """Rows the stream skipped because a cell failed to parse (they never reached us)."""
    return len({e.row_number for e in errors if e.row_number is not None and e.column_letter is not None})


def _estimate_rows(source):
    try:
        from python_calamine import CalamineWorkbook

        if isinstance(source, str | os.PathLike) and not str(source).lower().endswith((".csv", ".txt")):
            wb = CalamineWorkbook.from_path(os.fspath(source))
            return wb.get_sheet_by_index(0).height
    except Exception:  # only a progress estimate
        pass
    return 0


def _flush(writer, chunk, stream, missing_required):
    if missing_required:
        existing = writer.existing([r["number"] for r in chunk])
        labels = "、".join(f.label for f in missing_required)
        for rec in chunk:
            if rec["number"] not in existing:
                stream.errors.append(RowError(rec["_sheet"], rec["_row"], None, "编号", rec["number"],
                                              f"系统中没有此编号的记录；文件缺少必需的列（{labels}），只能更正已有记录"))
    if not stream.errors:
        writer.write(chunk)


def _log_summary(spec, result, actor, filename, batch):
    """Bulk writes bypass save(): one summary event on the batch stands for them in the audit log."""
    from shian.core.audit import log_event
    from shian.supervision.choices import ImportStatus
    from shian.supervision.models import ImportBatch

    if batch is None:
        batch = ImportBatch.objects.create(ledger=spec.kind, filename=(filename or "")[:200], created_by=actor,
                                           status=ImportStatus.DONE, rows_read=result.rows_read,
                                           created_count=result.created, updated_count=result.updated)
    log_event(batch, "ledger_imported", note=result.summary())


class _Writer:
    """Raw, fast writes of validated rows into one ledger table."""

    def __init__(self, spec, present, mode):
        self.model = spec.model
        self.table = spec.model._meta.db_table
        self.mode = mode
        self.vendor = connection.vendor
        self.fields = [f for f in present if f.key != "number" and not f.extra]
        self.extra_keys = [f.key for f in present if f.extra]
        cols, getters = ["number"], [lambda r: r["number"]]
        for f in self.fields:
            if f.key == "region":
                cols += ["region_id", "region_path"]
                getters += [lambda r: r["region"][0], lambda r: r["region"][1]]
                continue
            model_field = self.model._meta.get_field(f.key)
            cols.append(model_field.column)
            getters.append(self._getter(f.key, model_field))
            if f.key == spec.date_field:
                cols += ["year", "ym"]
                getters += [lambda r, k=f.key: r[k].year, lambda r, k=f.key: r[k].year * 100 + r[k].month]
        cols.append("extra")
        keys = self.extra_keys
        getters.append(lambda r: json.dumps({k: _json(r[k]) for k in keys if r.get(k) is not None},
                                            ensure_ascii=False))
        self.cols, self.getters = cols, getters
        self._tmp = False

    def _getter(self, key, model_field):
        from django.db import models

        default = model_field.get_default() if model_field.has_default() else ("" if not model_field.null else None)
        sqlite = self.vendor == "sqlite"
        if isinstance(model_field, models.DateField):
            return (lambda r: r[key].isoformat() if r[key] is not None else None) if sqlite else (lambda r: r[key])
        if isinstance(model_field, models.DecimalField):
            return (lambda r: str(r[key]) if r[key] is not None else str(default)) if sqlite else \
                (lambda r: r[key] if r[key] is not None else default)
        return lambda r: r[key] if r[key] is not None else default

    def count(self):
        with connection.cursor() as c:
            c.execute(f'SELECT COUNT(*) FROM "{self.table}"')
            return c.fetchone()[0]

    def existing(self, numbers):
        found = set()
        for i in range(0, len(numbers), 900):
            part = numbers[i:i + 900]
            found.update(self.model.objects.filter(number__in=part).values_list("number", flat=True))
        return found

    def _now(self):
        now = timezone.now()
        return connection.ops.adapt_datetimefield_value(now) if self.vendor == "sqlite" else now

    def rows(self, chunk, now):
        getters = self.getters
        for r in chunk:
            yield (*(g(r) for g in getters), now, now, 1)

    def write(self, chunk):
        now = self._now()
        if self.vendor == "postgresql":
            return self._copy(chunk, now)
        all_cols = [*self.cols, "created_at", "updated_at", "version"]
        q = ", ".join('"%s"' % c for c in all_cols)
        marks = ", ".join(["%s"] * len(all_cols))
        sets = self._sets("excluded", f'"{self.table}"', patch="json_patch({t}.extra, {e}.extra)")
        if self.mode == "update":
            assign = ", ".join(f'"{c}" = %s' for c in self.cols[1:-1])
            assign = (assign + ", " if assign else "") + '"extra" = json_patch("extra", %s), "updated_at" = %s, ' \
                '"version" = "version" + 1'
            sql = f'UPDATE "{self.table}" SET {assign} WHERE "number" = %s'
            n = len(self.cols)
            params = [(*row[1:n - 1], row[n - 1], now, row[0]) for row in self.rows(chunk, now)]
        else:
            sql = f'INSERT INTO "{self.table}" ({q}) VALUES ({marks}) ON CONFLICT("number") DO UPDATE SET {sets}'
            params = self.rows(chunk, now)
        with connection.cursor() as c:
            c.executemany(sql, params)

    def _sets(self, e, t, patch):
        parts = [f'"{c}" = {e}."{c}"' for c in self.cols[1:-1]]
        parts.append('"extra" = ' + patch.format(t=t, e=e))
        parts.append(f'"updated_at" = {e}."updated_at"')
        parts.append(f'"version" = {t}."version" + 1')
        return ", ".join(parts)

    def _copy(self, chunk, now):
        all_cols = [*self.cols, "created_at", "updated_at", "version"]
        q = ", ".join('"%s"' % c for c in all_cols)
        with connection.cursor() as c:
            if not self._tmp:
                c.execute(f'CREATE TEMP TABLE "_imp" ON COMMIT DROP AS SELECT {q} FROM "{self.table}" WITH NO DATA')
                self._tmp = True
            raw = c.cursor
            with raw.copy(f'COPY "_imp" ({q}) FROM STDIN') as copy:
                for row in self.rows(chunk, now):
                    copy.write_row(row)

    def finish(self):
        if self.vendor != "postgresql" or not self._tmp:
            return
        all_cols = [*self.cols, "created_at", "updated_at", "version"]
        q = ", ".join('"%s"' % c for c in all_cols)
        with connection.cursor() as c:
            if self.mode == "update":
                assign = ", ".join(f'"{col}" = i."{col}"' for col in self.cols[1:-1])
                assign = (assign + ", " if assign else "") + \
                    f'"extra" = t."extra" || i."extra", "updated_at" = i."updated_at", "version" = t."version" + 1'
                c.execute(f'UPDATE "{self.table}" AS t SET {assign} FROM "_imp" AS i WHERE t."number" = i."number"')
            else:
                sets = self._sets("EXCLUDED", f'"{self.table}"', patch="{t}.extra || {e}.extra")
                c.execute(f'INSERT INTO "{self.table}" ({q}) SELECT {q} FROM "_imp" '
                          f'ON CONFLICT ("number") DO UPDATE SET {sets}')
            c.execute('DROP TABLE "_imp"')
        self._tmp = False


def _json(v):
    if isinstance(v, datetime.date):
        return v.isoformat()
    if hasattr(v, "as_tuple"):
        return float(v)
    return v


def write_error_report(errors, path_or_buffer):
    errors_to_xlsx(errors, path_or_buffer)


def report_path_for(path) -> str:
    stem, _ext = os.path.splitext(os.fspath(path))
    return f"{stem}.错误报告.xlsx"
