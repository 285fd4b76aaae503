from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "masip.meetings"
    verbose_name = "Meetings, actions and risk management plans"

    def ready(self) -> None:
        from masip.meetings import panels, timeline  # noqa: F401  (register case-page panels and timeline entries)
