from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "masip.people"

    def ready(self) -> None:
        from masip.people import audited

        audited.register()  # the export of a person's audit log entries (audit/registry.py)
