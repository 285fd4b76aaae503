"""The intervention types the programme ships with (interventions/reference.py)."""

from django.db import migrations


def load(apps, schema_editor):
    from masip.interventions.reference import load_shipped_types

    load_shipped_types(apps.get_model("interventions", "InterventionType"))


class Migration(migrations.Migration):
    dependencies = [("interventions", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
