from django.db import migrations


def install(apps, schema_editor):
    from masip.audit import triggers

    triggers.install(schema_editor.connection)


class Migration(migrations.Migration):
    """Irreversible: unapplying it would drop the triggers that keep the log append-only."""

    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(install)]
