from django.db import migrations


class Migration(migrations.Migration):
    """CaseAction, ActionNote and ActionReminder now belong to the actions app (actions 0001): Django
    forgets them here without touching their tables, which the actions app goes on using under the
    same names."""

    dependencies = [
        ("meetings", "0004_plans_move_to_plans_app"),
        ("actions", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="ActionNote"),
                migrations.DeleteModel(name="ActionReminder"),
                migrations.DeleteModel(name="CaseAction"),
            ],
            database_operations=[],
        ),
    ]
