"""Back-fill material review history: 待审核 at the (last) submission, then the current decision at
reviewed_at (an earlier decision overwritten by a resubmission cannot be recovered: the audit log
keeps it, the status history starts from what the row says)."""

from django.db import migrations


def backfill(apps, schema_editor):
    Material = apps.get_model("evidence", "Material")
    Change = apps.get_model("evidence", "MaterialStatusChange")
    have = set(Change.objects.values_list("subject_id", flat=True).distinct())
    rows = []
    for m in Material.objects.values("id", "status", "submitted_at", "reviewed_at", "reviewed_by_id", "updated_at"):
        if m["id"] in have:
            continue
        if m["status"] == "pending":
            continue  # the initial status: nothing to record
        rows.append(Change(subject_id=m["id"], status=m["status"], at=m["reviewed_at"] or m["updated_at"],
                           actor_id=m["reviewed_by_id"]))
    Change.objects.bulk_create(rows, batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [("evidence", "0003_status_history")]
    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
