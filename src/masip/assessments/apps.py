from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "masip.assessments"
    verbose_name = "Risk assessments"

    def ready(self) -> None:
        from masip.assessments import checks, panels, registrations, timeline, triage  # noqa: F401  (registers them)
        from masip.cases.retention import CaseData, register_case_data

        registrations.register()
        # At retention review, anonymisation leaves a case's assessments as they are (as it did
        # before this registry: their answers and judgement reasons are not blanked); erasure
        # deletes them with the case.
        register_case_data(CaseData("assessments", order=70, anonymise=None))
