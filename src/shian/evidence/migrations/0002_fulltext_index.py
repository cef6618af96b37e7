"""Full-text index over MaterialText.segmented: FTS5 (kept in step by triggers) on SQLite, a GIN
index on to_tsvector('simple', segmented) on PostgreSQL. Other databases fall back to LIKE."""

from django.db import migrations

SQLITE_UP = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS evidence_material_fts USING fts5(segmented, tokenize='unicode61')",
    """CREATE TRIGGER IF NOT EXISTS evidence_materialtext_ai AFTER INSERT ON evidence_materialtext BEGIN
         INSERT INTO evidence_material_fts(rowid, segmented) VALUES (new.material_id, new.segmented);
       END""",
    """CREATE TRIGGER IF NOT EXISTS evidence_materialtext_ad AFTER DELETE ON evidence_materialtext BEGIN
         DELETE FROM evidence_material_fts WHERE rowid = old.material_id;
       END""",
    """CREATE TRIGGER IF NOT EXISTS evidence_materialtext_au AFTER UPDATE ON evidence_materialtext BEGIN
         DELETE FROM evidence_material_fts WHERE rowid = old.material_id;
         INSERT INTO evidence_material_fts(rowid, segmented) VALUES (new.material_id, new.segmented);
       END""",
    "INSERT INTO evidence_material_fts(rowid, segmented) SELECT material_id, segmented FROM evidence_materialtext",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS evidence_materialtext_ai",
    "DROP TRIGGER IF EXISTS evidence_materialtext_ad",
    "DROP TRIGGER IF EXISTS evidence_materialtext_au",
    "DROP TABLE IF EXISTS evidence_material_fts",
]
PG_UP = ["CREATE INDEX IF NOT EXISTS evidence_materialtext_fts ON evidence_materialtext "
         "USING GIN (to_tsvector('simple', segmented))"]
PG_DOWN = ["DROP INDEX IF EXISTS evidence_materialtext_fts"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("evidence", "0001_initial")]

    operations = [
        migrations.RunPython(_run({"sqlite": SQLITE_UP, "postgresql": PG_UP}),
                             _run({"sqlite": SQLITE_DOWN, "postgresql": PG_DOWN})),
    ]
