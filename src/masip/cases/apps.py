from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "masip.cases"

    def ready(self) -> None:
        from masip.cases import timeline_sources, triage  # noqa: F401  (registers timeline entries, triage panel)
