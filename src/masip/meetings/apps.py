from django.apps import AppConfig

from masip.meetings.agenda import AgendaRule, AgendaRuleError  # pure: no models, safe at start-up


def agenda_rule_error(rule):
    """Why a meeting series' agenda rule cannot be read, or None (checked by partnerships)."""
    try:
        AgendaRule.from_json(rule)
    except AgendaRuleError as exc:
        return str(exc)
    return None


class MeetingsConfig(AppConfig):
    name = "masip.meetings"
    verbose_name = "Meetings"

    def ready(self) -> None:
        # Register the case-page panel, timeline entries, the case list filter and retention
        # with cases, and the agenda-rule check with partnerships.
        from masip.cases.retention import CaseData, register_case_data
        from masip.meetings import case_filters, panels, timeline  # noqa: F401
        from masip.meetings.services import case_anonymise_meeting_records
        from masip.partnerships.registry import register_agenda_rule_check

        register_agenda_rule_check(agenda_rule_error)
        register_case_data(
            CaseData("meetings", order=10, anonymise=case_anonymise_meeting_records, prefix="meeting_")
        )
