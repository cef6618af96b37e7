"""On PostgreSQL, index the ledgers' `region_path` for prefix filters (scope of a city or province
office, the region filter of the lists): LIKE '/510000/5101%' needs varchar_pattern_ops; without it
every scoped list page scanned the whole ledger (seen in bench/province.py). SQLite cannot use such
an index for LIKE, so it gets none (it would only slow imports); indicator counts use region_id there."""

from django.db import migrations

TABLES = {
    "supervision_samplingrecord": "samp_region_path_like",
    "supervision_complaintrecord": "comp_region_path_like",
    "supervision_caserecord": "case_region_path_like",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, name in TABLES.items():
        schema_editor.execute(f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" ("region_path" varchar_pattern_ops, "ym")')


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in TABLES.values():
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("supervision", "0003_ledger_covering_indexes_pg")]
    operations = [migrations.RunPython(create, drop)]
