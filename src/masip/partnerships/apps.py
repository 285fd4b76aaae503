from django.apps import AppConfig
from django.db.models.signals import post_migrate

UNIT_MANAGER_GROUP = "Unit managers"
# What a unit manager may maintain in the admin: their partnership's reference data.
UNIT_MANAGER_PERMISSIONS = [
    ("partnerships", "view_partnership"),
    ("partnerships", "change_partnership"),
    ("partnerships", "view_agency"),
    ("partnerships", "add_agency"),
    ("partnerships", "change_agency"),
    ("partnerships", "view_partneragency"),
    ("partnerships", "add_partneragency"),
    ("partnerships", "change_partneragency"),
    ("partnerships", "view_operatingmodel"),
    ("partnerships", "add_operatingmodel"),
    ("partnerships", "change_operatingmodel"),
    ("partnerships", "view_meetingseries"),
    ("partnerships", "add_meetingseries"),
    ("partnerships", "change_meetingseries"),
    ("partnerships", "delete_meetingseries"),
    ("partnerships", "view_membership"),
    ("partnerships", "add_membership"),
    ("partnerships", "change_membership"),
    ("accounts", "view_user"),
    ("access", "view_informationsharingagreement"),
    ("access", "add_informationsharingagreement"),
    ("access", "change_informationsharingagreement"),
    ("access", "view_needtoknowrule"),
    ("access", "add_needtoknowrule"),
    ("access", "change_needtoknowrule"),
    ("access", "delete_needtoknowrule"),
]


def ensure_unit_manager_group(**kwargs) -> None:
    from django.contrib.auth.models import Group, Permission

    group, _ = Group.objects.get_or_create(name=UNIT_MANAGER_GROUP)
    wanted = [
        Permission.objects.filter(content_type__app_label=app, codename=codename).first()
        for app, codename in UNIT_MANAGER_PERMISSIONS
    ]
    group.permissions.add(*[p for p in wanted if p is not None])


class PartnershipsConfig(AppConfig):
    name = "masip.partnerships"
    verbose_name = "Partnerships and operating models"

    def ready(self) -> None:
        post_migrate.connect(ensure_unit_manager_group, sender=self)
