from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "masip.assessments"
    verbose_name = "Risk assessments"

    def ready(self) -> None:
        from masip.assessments import checks, panels, registrations, timeline, triage  # noqa: F401  (registers them)

        registrations.register()
