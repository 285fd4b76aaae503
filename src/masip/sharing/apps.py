from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "masip.sharing"
    verbose_name = "Information shared by partner agencies"

    def ready(self) -> None:
        # Register the case page context, timeline entries and retention with cases.
        from masip.cases.registry import register_detail_context
        from masip.cases.retention import CaseData, register_case_data
        from masip.sharing import timeline  # noqa: F401
        from masip.sharing.selectors import case_page_context
        from masip.sharing.services import case_anonymise_shared_information

        register_detail_context(case_page_context)  # information and health summaries on the case page
        register_case_data(CaseData("sharing", order=60, anonymise=case_anonymise_shared_information))
