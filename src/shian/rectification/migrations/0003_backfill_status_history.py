"""Back-fill problem status history from the timeline (ProblemNote.status_after at its time), the
销号 time for a verified problem, and the current status at updated_at when the timeline lacks it."""

from django.db import migrations


def backfill(apps, schema_editor):
    Problem = apps.get_model("rectification", "Problem")
    Note = apps.get_model("rectification", "ProblemNote")
    Change = apps.get_model("rectification", "ProblemStatusChange")
    have = set(Change.objects.values_list("subject_id", flat=True).distinct())
    log = {}
    for n in Note.objects.order_by("problem_id", "at", "id").values("problem_id", "status_after", "at", "author_id",
                                                                    "kind"):
        log.setdefault(n["problem_id"], []).append(n)
    rows = []
    for p in Problem.objects.values("id", "status", "verified_at", "updated_at", "created_at"):
        if p["id"] in have:
            continue
        last = None
        for n in log.get(p["id"], []):
            status = n["status_after"]
            at = p["verified_at"] if n["kind"] == "verify" and p["verified_at"] and status == "verified" else n["at"]
            if status and status != last:
                rows.append(Change(subject_id=p["id"], status=status, at=at, actor_id=n["author_id"]))
                last = status
        if p["status"] == "verified" and p["verified_at"] and last != "verified":
            rows.append(Change(subject_id=p["id"], status="verified", at=p["verified_at"]))
            last = "verified"
        if last is not None and last != p["status"] or last is None and p["status"] != "open":
            rows.append(Change(subject_id=p["id"], status=p["status"], at=p["updated_at"] or p["created_at"]))
    Change.objects.bulk_create(rows, batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [("rectification", "0002_status_history")]
    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
