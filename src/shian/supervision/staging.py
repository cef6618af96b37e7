"""The transaction structure of a ledger import (issue 10): on SQLite, stage while reading, merge once.

SQLite has a single write lock for the whole database; holding it while a 600,000-row file is read
makes every other user's save wait (and fail after 20 s). So, outside an outer transaction, the
validated chunks go to a private staging file (its own sqlite3 connection, no lock on the main
database); the final step attaches that file and merges it with one statement inside one short
transaction, in which the caller also writes the batch counters and the audit summary. PostgreSQL
(and SQLite inside an outer transaction) keeps the single import transaction.
"""

import contextlib
import os
import sqlite3
import tempfile

from django.db import connection, transaction


class SqliteStaging:
    """Mixed into the importer's writer; expects table, cols, mode, update_cols, _sets() and `staged`."""

    @contextlib.contextmanager
    def reading(self):
        """While the file is read: PostgreSQL / unstaged SQLite hold the one import transaction."""
        if self.staged:
            yield
        else:
            with transaction.atomic():
                yield

    @contextlib.contextmanager
    def committing(self):
        """The final step: for staged SQLite, attach the staging file and merge in one short transaction."""
        if not self.staged:
            yield
            return
        self._stage_db().commit()
        self.stage.close()
        self.stage = None
        connection.ensure_connection()
        with connection.cursor() as c:
            c.execute("ATTACH DATABASE %s AS shian_stage", [self.stage_path])
        try:
            with transaction.atomic():
                yield
        finally:
            with connection.cursor() as c:
                c.execute("DETACH DATABASE shian_stage")

    def _all_cols(self):
        return [*self.cols, "created_at", "updated_at", "version"]

    def _stage_db(self):
        if self.stage is None:
            fd, self.stage_path = tempfile.mkstemp(prefix="shian-import-", suffix=".sqlite3")
            os.close(fd)
            self.stage = sqlite3.connect(self.stage_path)
            self.stage.execute("PRAGMA journal_mode=OFF")
            self.stage.execute("PRAGMA synchronous=OFF")
            q = ", ".join(f'"{c}"' for c in self._all_cols())
            self.stage.execute(f"CREATE TABLE stage ({q})")
        return self.stage

    def close(self):
        if self.stage is not None:
            self.stage.close()
            self.stage = None
        if self.stage_path:
            with contextlib.suppress(OSError):
                os.unlink(self.stage_path)
            self.stage_path = None

    def _merge_stage(self):
        """One statement from the attached staging table (inside the final transaction)."""
        t = f'"{self.table}"'
        q = ", ".join(f'"{c}"' for c in self._all_cols())
        if self.mode == "update":
            assign = "".join(f'"{c}" = s."{c}", ' for c in self.cols[1:-1])
            sql = (
                f'UPDATE {t} SET {assign}"extra" = json_patch({t}."extra", s."extra"), '
                f'"updated_at" = s."updated_at", "version" = {t}."version" + 1 '
                f'FROM shian_stage.stage AS s WHERE {t}."number" = s."number"'
            )
        else:
            sets = self._sets("excluded", t, patch="json_patch({t}.extra, {e}.extra)")
            changed = " OR ".join(
                [f'{t}."{c}" IS NOT excluded."{c}"' for c in self.update_cols]
                + [f"json_patch({t}.extra, excluded.extra) IS NOT {t}.extra"]
            )
            sql = (
                f"INSERT INTO {t} ({q}) SELECT {q} FROM shian_stage.stage WHERE true "
                f'ON CONFLICT("number") DO UPDATE SET {sets} WHERE {changed}'
            )
        with connection.cursor() as c:
            c.execute(sql)
