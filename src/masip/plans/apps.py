from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "masip.plans"
    verbose_name = "Risk management plans"

    def ready(self) -> None:
        # Register the timeline entries and retention with cases, and the plan-review
        # section with the monitoring queue.
        from masip.cases.retention import CaseData, register_case_data
        from masip.plans import queue, timeline  # noqa: F401
        from masip.plans.services import case_anonymise_plans

        register_case_data(CaseData("plans", order=14, anonymise=case_anonymise_plans, prefix="meeting_"))
