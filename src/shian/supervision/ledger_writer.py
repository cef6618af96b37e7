"""The ledger import's writer: validated columns into one ledger table, raw and fast (COPY on PostgreSQL, a
staging file merged in one statement on SQLite), with the roll-up marks in the same transaction."""

import datetime
import json

from django.db import connection
from django.utils import timezone

from shian.core import pagecache
from shian.supervision import rollup
from shian.supervision.staging import SqliteStaging


def _json(v):
    """A value as the extra-columns JSON keeps it."""
    if isinstance(v, datetime.date):
        return v.isoformat()
    if hasattr(v, "as_tuple"):
        return float(v)
    return v


class LedgerWriter(SqliteStaging):
    """Raw, fast writes of validated columns into one ledger table."""

    def __init__(self, spec, present, mode):
        self.model = spec.model
        self.table = spec.model._meta.db_table
        self.mode = mode
        self.sqlite = connection.vendor == "sqlite"
        self.pg = connection.vendor == "postgresql"
        present_keys = {f.key for f in present}
        self.extra_keys = [f.key for f in present if f.extra]
        # (db column, function(cols) -> list of values)
        plan = [("number", lambda c: c["number"])]
        fields = [f for f in present if f.key != "number" and not f.extra]
        if mode == "upsert":  # new rows get the defaults of the columns the file lacks
            fields += [f for f in spec.fields if not f.extra and f.key not in present_keys]
        self.update_cols = []
        for f in fields:
            is_present = f.key in present_keys
            if f.key == "region":
                plan += [
                    ("region_id", lambda c: [v[0] for v in c["region"]]),
                    ("region_path", lambda c: [v[1] for v in c["region"]]),
                ]
                self.update_cols += ["region_id", "region_path"]
                continue
            mf = self.model._meta.get_field(f.key)
            default = mf.get_default() if mf.has_default() else (None if mf.null else "")
            plan.append((mf.column, self._column(f.key, mf, default)))
            if is_present:
                self.update_cols.append(mf.column)
            if f.key == spec.date_field:
                plan += [
                    ("year", lambda c, k=f.key: [d.year for d in c[k]]),
                    ("ym", lambda c, k=f.key: [d.year * 100 + d.month for d in c[k]]),
                ]
                if is_present:
                    self.update_cols += ["year", "ym"]
        keys = self.extra_keys
        if keys:
            plan.append(
                (
                    "extra",
                    lambda c: [
                        json.dumps(
                            {k: _json(v) for k, v in zip(keys, vals, strict=True) if v is not None},
                            ensure_ascii=False,
                        )
                        for vals in zip(*(c[k] for k in keys), strict=True)
                    ],
                )
            )
        else:
            plan.append(("extra", lambda c: ["{}"] * len(c["number"])))
        self.plan = plan
        self.cols = [name for name, _f in plan]
        self._tmp = False
        # SQLite outside a transaction: stage to a private file (see the module docstring). Inside an
        # outer transaction (tests, callers that need one) the rows go straight into the table.
        self.staged = self.sqlite and not connection.in_atomic_block
        self.touched = set()  # months whose indicator roll-ups the import changes
        # A first load into an empty ledger (inside the import's transaction, the file's own numbers
        # already checked for repeats) has no existing numbers to look up.
        self.empty_at_start = None
        self.stage = None
        self.stage_path = None

    def _column(self, key, mf, default):
        from django.db import models

        if isinstance(mf, models.DateField):
            if self.sqlite:
                return lambda c: [None if d is None else d.isoformat() for d in c[key]]
            return lambda c: c[key]
        if isinstance(mf, models.DecimalField):
            if self.sqlite:
                return lambda c: [str(default) if v is None else str(v) for v in c[key]]
        return lambda c: [default if v is None else v for v in c[key]]

    def count(self):
        with connection.cursor() as c:
            c.execute(f'SELECT COUNT(*) FROM "{self.table}"')
            n = c.fetchone()[0]
        if self.empty_at_start is None:  # the importer counts before the first chunk
            self.empty_at_start = n == 0
        return n

    def existing(self, numbers):
        found = set()
        for i in range(0, len(numbers), 900):
            part = numbers[i : i + 900]
            found.update(self.model.objects.filter(number__in=part).values_list("number", flat=True))
        return found

    def _rows(self, cols):
        now = timezone.now()
        if self.sqlite:
            now = connection.ops.adapt_datetimefield_value(now)
        n = len(cols["number"])
        lists = [f(cols) for _name, f in self.plan]
        if "ym" in self.cols:
            self.touched.update(lists[self.cols.index("ym")])
        return list(zip(*lists, [now] * n, [now] * n, [1] * n, strict=True)), now

    def write(self, cols):
        rows, now = self._rows(cols)
        if self.pg:
            return self._copy(rows)
        all_cols = self._all_cols()
        if self.staged:
            marks = ", ".join(["?"] * len(all_cols))
            self._stage_db().executemany(f"INSERT INTO stage VALUES ({marks})", rows)
            return
        q = ", ".join(f'"{c}"' for c in all_cols)
        marks = ", ".join(["?"] * len(all_cols))
        if self.mode == "update":
            assign = "".join(f'"{c}" = ?, ' for c in self.cols[1:-1])
            sql = (
                f'UPDATE "{self.table}" SET {assign}"extra" = json_patch("extra", ?), "updated_at" = ?, '
                f'"version" = "version" + 1 WHERE "number" = ?'
            )
            n = len(self.cols)
            params = [(*row[1:n], now, row[0]) for row in rows]
        else:
            t = f'"{self.table}"'
            sets = self._sets("excluded", t, patch="json_patch({t}.extra, {e}.extra)")
            # Unchanged rows are left alone (no new version): re-importing a file is nearly free.
            changed = " OR ".join(
                [f'{t}."{c}" IS NOT excluded."{c}"' for c in self.update_cols]
                + [f"json_patch({t}.extra, excluded.extra) IS NOT {t}.extra"]
            )
            sql = (
                f'INSERT INTO {t} ({q}) VALUES ({marks}) ON CONFLICT("number") DO UPDATE SET {sets} '
                f"WHERE {changed}"
            )
            params = rows
        import sqlite3

        for i in range(0, len(rows), 900):  # the months of rows about to be overwritten
            self.touched.update(self._yms_of([r[0] for r in rows[i : i + 900]]))
        with connection.cursor() as c:
            # Straight to sqlite3: Django's wrapper re-parses placeholders and peeks at every batch.
            sqlite3.Cursor.executemany(c.cursor, sql, params)

    def _yms_of(self, numbers):
        return (
            self.model.objects.filter(number__in=numbers).order_by().values_list("ym", flat=True).distinct()
        )

    def _sets(self, e, t, patch):
        parts = [f'"{c}" = {e}."{c}"' for c in self.update_cols]
        parts.append('"extra" = ' + patch.format(t=t, e=e))
        parts.append(f'"updated_at" = {e}."updated_at"')
        parts.append(f'"version" = {t}."version" + 1')
        return ", ".join(parts)

    def _copy(self, rows):
        """New rows are COPied straight into the table; rows whose number exists go to a temporary
        table and are merged by one UPDATE … FROM at the end (see finish)."""
        all_cols = [*self.cols, "created_at", "updated_at", "version"]
        q = ", ".join(f'"{c}"' for c in all_cols)
        with connection.cursor() as c:
            if self.empty_at_start:
                existing = set()
            else:
                c.execute(
                    f'SELECT "number" FROM "{self.table}" WHERE "number" = ANY(%s)', [[r[0] for r in rows]]
                )
                existing = {n for (n,) in c.fetchall()}  # their old months: _touched_from at the end
            new = [r for r in rows if r[0] not in existing] if existing else rows
            old = [r for r in rows if r[0] in existing] if existing else []
            if new and self.mode == "upsert":
                with c.cursor.copy(f'COPY "{self.table}" ({q}) FROM STDIN') as copy:
                    write = copy.write_row
                    for row in new:
                        write(row)
            if old:
                if not self._tmp:
                    c.execute(
                        f'CREATE TEMP TABLE "_imp" ON COMMIT DROP AS SELECT {q} FROM "{self.table}" '
                        f"WITH NO DATA"
                    )
                    self._tmp = True
                with c.cursor.copy(f'COPY "_imp" ({q}) FROM STDIN') as copy:
                    write = copy.write_row
                    for row in old:
                        write(row)

    def finish(self):
        if self.staged:
            self._touched_from("shian_stage.stage")
            self._merge_stage()
        elif self.pg and self._tmp:
            self._touched_from('"_imp"')
            self._merge_temp()
        pagecache.touch(self.table)  # COPY passes Django's cursor by: say the table changed
        # Same transaction as the rows: the indicator roll-ups of these months are recomputed on the next read.
        rollup.mark_dirty(self.model.source, self.touched)

    def _touched_from(self, table):
        """The months the rows about to be overwritten sat in (a corrected date moves a row)."""
        with connection.cursor() as c:
            c.execute(
                f'SELECT DISTINCT t."ym" FROM "{self.table}" AS t JOIN {table} AS s ON t."number" = s."number"'
            )
            self.touched.update(ym for (ym,) in c.fetchall())

    def _merge_temp(self):
        assign = "".join(f'"{col}" = i."{col}", ' for col in self.update_cols)
        with connection.cursor() as c:
            changed = " OR ".join(
                [f't."{col}" IS DISTINCT FROM i."{col}"' for col in self.update_cols]
                + ['t."extra" || i."extra" IS DISTINCT FROM t."extra"']
            )
            c.execute(
                f'UPDATE "{self.table}" AS t SET {assign}"extra" = t."extra" || i."extra", '
                f'"updated_at" = i."updated_at", "version" = t."version" + 1 '
                f'FROM "_imp" AS i WHERE t."number" = i."number" AND ({changed})'
            )
            c.execute('DROP TABLE "_imp"')
        self._tmp = False
