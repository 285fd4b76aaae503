from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "masip.sharing"
    verbose_name = "Information shared by partner agencies"

    def ready(self) -> None:
        from masip.cases.registry import register_detail_context
        from masip.sharing import timeline  # noqa: F401  (registers timeline entries)
        from masip.sharing.selectors import case_page_context

        register_detail_context(case_page_context)  # information and health summaries on the case page
