"""On PostgreSQL, make the (region, ym) ledger indexes covering, so indicator counts over a county or
a city are index-only scans, and drop the unused LIKE index on `number`. Same index names as the models declare: Django's state stays true and a
later RemoveIndex still works. SQLite has no INCLUDE and keeps the plain index."""

from django.db import migrations

COVERING = {
    "supervision_samplingrecord": ("samp_region_ym", "task_type, result, disposal_status, stage"),
    "supervision_complaintrecord": ("comp_region_ym", "deadline, closed_on"),
    "supervision_caserecord": ("case_region_ym", "fine_amount, confiscation_amount, transferred_police"),
}


def covering(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, (name, include) in COVERING.items():
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')
        schema_editor.execute(f'CREATE INDEX "{name}" ON "{table}" ("region_id", "ym") INCLUDE ({include})')
        # The varchar_pattern_ops twin Django adds to unique CharFields serves LIKE 'x%' only; numbers are
        # searched with icontains (no index) and matched with =, so it would just slow every import.
        with schema_editor.connection.cursor() as c:
            c.execute("SELECT indexname FROM pg_indexes WHERE tablename = %s AND indexname LIKE %s",
                      [table, f"{table}_number_%_like"])
            for (index,) in c.fetchall():
                schema_editor.execute(f'DROP INDEX IF EXISTS "{index}"')


def plain(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, (name, _include) in COVERING.items():
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')
        schema_editor.execute(f'CREATE INDEX "{name}" ON "{table}" ("region_id", "ym")')


class Migration(migrations.Migration):
    dependencies = [("supervision", "0002_ledger_region_ym_index")]
    operations = [migrations.RunPython(covering, plain)]
