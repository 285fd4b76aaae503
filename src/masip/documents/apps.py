from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "masip.documents"
    verbose_name = "Documents and evidence"

    def ready(self) -> None:
        # The documents panel on the case page and retention, registered with cases.
        from masip.cases.retention import CaseData, register_case_data
        from masip.documents import panels  # noqa: F401
        from masip.documents.services import case_anonymise_documents, case_erase_documents

        register_case_data(
            CaseData("documents", order=65, anonymise=case_anonymise_documents, erase=case_erase_documents,
                     prefix="document_")
        )
