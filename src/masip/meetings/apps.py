from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "masip.meetings"
    verbose_name = "Meetings, actions and risk management plans"

    def ready(self) -> None:
        # Register the caseload rule, case-page panels and timeline entries with cases.
        from masip.meetings import caseload, panels, timeline  # noqa: F401
