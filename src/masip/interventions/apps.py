from django.apps import AppConfig
from django.db.models.signals import post_migrate

# Intervention types are programme-wide reference data: unit managers read them in
# the admin; superusers (programme administration) add and rename them, and none are
# deleted (interventions/admin.py).
UNIT_MANAGER_PERMISSIONS = ["view_interventiontype"]


def grant_unit_managers(**kwargs) -> None:
    from django.contrib.auth.models import Group, Permission

    from masip.partnerships.apps import UNIT_MANAGER_GROUP

    group, _ = Group.objects.get_or_create(name=UNIT_MANAGER_GROUP)
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="interventions", codename__in=UNIT_MANAGER_PERMISSIONS
        )
    )


class InterventionsConfig(AppConfig):
    name = "masip.interventions"
    verbose_name = "Perpetrator interventions"

    def ready(self) -> None:
        # Register case page panels, timeline entries and retention with cases, and the
        # follow-up section with the monitoring queue.
        from masip.cases.retention import CaseData, register_case_data
        from masip.interventions import panels, queue, timeline  # noqa: F401
        from masip.interventions.services import case_anonymise_intervention_records

        register_case_data(
            CaseData("interventions", order=30, anonymise=case_anonymise_intervention_records, prefix="casework_")
        )

        post_migrate.connect(grant_unit_managers, sender=self)
