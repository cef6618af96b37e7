# Runs computed before drafts existed were published the moment they were computed.
from django.db import migrations


def forwards(apps, schema_editor):
    RankingRun = apps.get_model("rankings", "RankingRun")
    for run in RankingRun.objects.filter(status="draft", published_at__isnull=True):
        run.status = "published"
        run.published_at = run.computed_at
        run.published_by_id = run.computed_by_id
        run.save(update_fields=["status", "published_at", "published_by"])


class Migration(migrations.Migration):
    dependencies = [("rankings", "0002_periods_rules_drafts_adjustments_appeals")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
