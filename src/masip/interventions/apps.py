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
        from masip.interventions import panels, timeline  # noqa: F401  (registers case page panels and timeline entries)

        post_migrate.connect(grant_unit_managers, sender=self)
