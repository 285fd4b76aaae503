from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "masip.assessments"
    verbose_name = "Risk assessments"

    def ready(self) -> None:
        from masip.assessments import checks, panels, registrations, timeline, triage  # noqa: F401  (registers them)
        from masip.assessments.services import case_anonymise_assessments
        from masip.cases.retention import CaseData, register_case_data

        registrations.register()
        # At retention review, anonymisation blanks the free text of the case's assessments and
        # keeps their scores; erasure deletes them with the case (CASCADE).
        register_case_data(CaseData("assessments", order=70, anonymise=case_anonymise_assessments))
