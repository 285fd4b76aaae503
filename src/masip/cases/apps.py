from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "masip.cases"

    def ready(self) -> None:
        from masip.cases import audited, party_records, services, timeline_sources, triage  # noqa: F401  (registers timeline entries, triage panel)
        from masip.referrals.registry import CaseHandler, register_case_handler

        audited.register()  # the case log and export of the audit screens (audit/registry.py)
        party_records.register()  # a person's cases, for subject access (people/records.py)
        register_case_handler(  # accepting a referral opens or joins a case (referrals/registry.py)
            CaseHandler(
                open_case_of_suspect=services.open_case_of_suspect,
                note_new_referral=services.case_note_new_referral,
                take_referral=services.case_take_referral,
                release_referral=services.case_release_referral,
            )
        )
