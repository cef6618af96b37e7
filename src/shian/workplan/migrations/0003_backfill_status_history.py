"""Back-fill task status history from what exists: the progress log (TaskUpdate: status_after at its
time), completed_at for a done task whose log lacks it, and the current status at updated_at when
the log does not end in it (a reassignment, a direct edit)."""

from django.db import migrations


def backfill(apps, schema_editor):
    Task = apps.get_model("workplan", "Task")
    TaskUpdate = apps.get_model("workplan", "TaskUpdate")
    Change = apps.get_model("workplan", "TaskStatusChange")
    done_ids = set(Change.objects.values_list("subject_id", flat=True).distinct())
    rows = []
    log = {}
    for u in TaskUpdate.objects.order_by("task_id", "at", "id").values("task_id", "status_after", "at", "author_id"):
        log.setdefault(u["task_id"], []).append(u)
    for t in Task.objects.values("id", "status", "completed_at", "updated_at", "created_at"):
        if t["id"] in done_ids:
            continue
        last = None
        for u in log.get(t["id"], []):
            if u["status_after"] and u["status_after"] != last:
                rows.append(Change(subject_id=t["id"], status=u["status_after"], at=u["at"], actor_id=u["author_id"]))
                last = u["status_after"]
        if t["status"] == "done" and t["completed_at"] and last != "done":
            rows.append(Change(subject_id=t["id"], status="done", at=t["completed_at"]))
            last = "done"
        if last is not None and last != t["status"] or last is None and t["status"] != "pending":
            rows.append(Change(subject_id=t["id"], status=t["status"], at=t["updated_at"] or t["created_at"]))
    Change.objects.bulk_create(rows, batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [("workplan", "0002_status_history")]
    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
