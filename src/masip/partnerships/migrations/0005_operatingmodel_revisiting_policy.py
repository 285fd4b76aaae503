from django.db import migrations, models

# The three shipped partnerships' revisiting, which their operating models held as prose
# (report section 7). Other partnerships keep the defaults, which behave as before.
SHIPPED = {
    "cheshire": {"revisiting_policy": "life_of_case", "reassess_on_trigger": True, "rereview_instrument": "cas"},
    "hampshire": {"revisiting_policy": "until_concluded", "reassess_on_trigger": True, "rereview_instrument": ""},
    "london": {"revisiting_policy": "no_formal", "reassess_on_trigger": False, "rereview_instrument": ""},
}


def shipped_policies(apps, schema_editor):
    OperatingModel = apps.get_model("partnerships", "OperatingModel")
    for slug, fields in SHIPPED.items():
        models_ = OperatingModel.objects.filter(partnership__slug=slug)
        if fields["revisiting_policy"] != "life_of_case":
            models_ = models_.filter(tracking_months_after_closure=0)
        if fields["rereview_instrument"]:
            models_ = [m for m in models_ if fields["rereview_instrument"] in (m.case_instruments or [])]
        for model in models_:
            for name, value in fields.items():
                setattr(model, name, value)
            model.save(update_fields=list(fields))


class Migration(migrations.Migration):

    dependencies = [
        ('partnerships', '0004_acceptance_requirement_by_source'),
    ]

    operations = [
        migrations.AddField(
            model_name='operatingmodel',
            name='reassess_on_trigger',
            field=models.BooleanField(default=True, help_text='Whether a re-review trigger (a new incident, offence, referral or concern) asks for a reassessment. Without it the trigger is recorded and goes to the next meeting.'),
        ),
        migrations.AddField(
            model_name='operatingmodel',
            name='rereview_instrument',
            field=models.CharField(blank=True, help_text="The instrument each re-review asks for (e.g. 'cas': a new Case Analysis Summary); blank means any signed-off assessment answers the reassessment.", max_length=40),
        ),
        migrations.AddField(
            model_name='operatingmodel',
            name='revisiting_policy',
            field=models.CharField(choices=[('no_formal', 'No formal revisiting: a trigger is recorded and goes to the next meeting'), ('until_concluded', 'Tracked until a charge or another outcome concludes the investigation'), ('life_of_case', 'Tracked for the life of the case and a period after it closes')], default='life_of_case', help_text='How long a case is tracked, which decides whether new incidents still bring it back.', max_length=20),
        ),
        migrations.AlterField(
            model_name='operatingmodel',
            name='revisiting',
            field=models.TextField(blank=True, help_text='Notes for staff on how cases come back; the rules read the fields above.'),
        ),
        migrations.AlterField(
            model_name='operatingmodel',
            name='tracking_months_after_closure',
            field=models.PositiveSmallIntegerField(default=0, help_text='For tracking over the life of the case: how many months a closed case stays under tracking.'),
        ),
        migrations.RunPython(shipped_policies, migrations.RunPython.noop),
    ]
