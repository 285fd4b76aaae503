from django.apps import AppConfig


class ActionsConfig(AppConfig):
    name = "masip.actions"
    verbose_name = "Actions"

    def ready(self) -> None:
        # Register the caseload rule, the timeline entries, the case list filter and retention with cases.
        from masip.actions import case_filters, caseload, timeline  # noqa: F401
        from masip.actions.services import case_anonymise_actions
        from masip.cases.retention import CaseData, register_case_data

        register_case_data(CaseData("actions", order=12, anonymise=case_anonymise_actions, prefix="meeting_"))
