from django.apps import AppConfig


class JusticeConfig(AppConfig):
    name = "masip.justice"
    verbose_name = "Criminal-justice outcomes"

    def ready(self) -> None:
        from masip.justice import panels, timeline, triage  # noqa: F401  (registers case page panels, timeline entries, triage panel)
