from django.db import migrations, models


def area_from_referrals(apps, schema_editor):
    """Existing cases take the area of their latest referral that records one (what the
    intervention rules read until now), so no case loses the area it was judged by."""
    Case = apps.get_model("cases", "Case")
    Referral = apps.get_model("referrals", "Referral")
    latest: dict[int, str] = {}
    for case_id, area in (
        Referral.objects.exclude(area="").exclude(case=None).order_by("received_on", "id").values_list("case_id", "area")
    ):
        latest[case_id] = area
    for case_id, area in latest.items():
        Case.objects.filter(pk=case_id).update(area=area)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0006_case_team_version"),
        ("referrals", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="area",
            field=models.CharField(blank=True, max_length=100),
        ),
        migrations.RunPython(area_from_referrals, migrations.RunPython.noop),
        migrations.AddField(
            model_name="case",
            name="reassessment_instrument",
            field=models.CharField(blank=True, max_length=40),
        ),
    ]
