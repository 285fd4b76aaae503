from django.apps import AppConfig


class JusticeConfig(AppConfig):
    name = "masip.justice"
    verbose_name = "Criminal-justice outcomes"

    def ready(self) -> None:
        # Register case page panels, timeline entries, the triage panel and retention with cases;
        # the order-notification section, the orders an incident may breach and the conclusion of
        # an investigation (which ends tracking under some revisiting policies) with monitoring.
        from masip.cases.retention import CaseData, register_case_data
        from masip.justice import panels, queue, timeline, triage  # noqa: F401
        from masip.justice.selectors import (
            conclusions_before,
            investigation_concluded_on,
            order_on_case,
            orders_an_incident_may_breach,
        )
        from masip.justice.services import case_anonymise_justice_records
        from masip.monitoring.breaches import BreachableOrders, register_breachable_orders
        from masip.monitoring.tracking import InvestigationConclusions, register_investigation_conclusions

        register_case_data(
            CaseData("justice", order=40, anonymise=case_anonymise_justice_records, prefix="casework_")
        )
        register_breachable_orders(BreachableOrders(offered=orders_an_incident_may_breach, find=order_on_case))
        register_investigation_conclusions(
            InvestigationConclusions(concluded_on=investigation_concluded_on, concluded_before=conclusions_before)
        )
