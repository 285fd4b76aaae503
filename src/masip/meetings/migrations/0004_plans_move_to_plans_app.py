from django.db import migrations


class Migration(migrations.Migration):
    """RiskManagementPlan and PlanStrategy now belong to the plans app (plans 0001): Django forgets
    them here without touching their tables, which the plans app goes on using under the same names."""

    dependencies = [
        ("meetings", "0003_actionnote_agendaitem_referral_and_more"),
        ("plans", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="PlanStrategy"),
                migrations.DeleteModel(name="RiskManagementPlan"),
            ],
            database_operations=[],
        ),
    ]
