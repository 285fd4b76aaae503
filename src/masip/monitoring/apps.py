from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "masip.monitoring"
    verbose_name = "Incidents, episodes and revisiting cases"

    def ready(self) -> None:
        # Register case page panels, timeline entries, tracking and retention with cases; the queue's own sections.
        from masip.cases.registry import register_case_tracking
        from masip.cases.retention import CaseData, register_case_data
        from masip.monitoring import panels, queue, timeline  # noqa: F401
        from masip.monitoring.services import case_anonymise_monitoring_records
        from masip.monitoring.tracking import case_tracking

        register_case_tracking(case_tracking)  # how long a closed case is tracked (closing, reopening)

        register_case_data(
            CaseData("monitoring", order=20, anonymise=case_anonymise_monitoring_records, prefix="casework_")
        )
