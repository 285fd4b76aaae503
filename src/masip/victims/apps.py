from django.apps import AppConfig


class VictimsConfig(AppConfig):
    name = "masip.victims"
    verbose_name = "Victim support"

    def ready(self) -> None:
        # Register case page panels, timeline entries and retention with cases, the
        # safety-plan review section with the monitoring queue, and support from referrals.
        from masip.cases.retention import CaseData, register_case_data
        from masip.victims import panels, queue, registrations, timeline  # noqa: F401
        from masip.victims.services import case_anonymise_victim_records

        register_case_data(
            CaseData("victims", order=50, anonymise=case_anonymise_victim_records, prefix="casework_")
        )
        registrations.register()
