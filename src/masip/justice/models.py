"""Criminal-justice outcomes: events in the prosecution of the suspect, and the
orders that protect a victim (bail conditions, restraining orders, Stalking
Protection Orders).

The evaluation measures these (docs/domain.md, "Criminal justice outcomes";
hypotheses 2-4 and 6): arrest, charge, prosecution, conviction, restraining
order, and the offence level charged - s.4A rather than s.2A. So each event
carries its date and the offence concerned.

Criminal-justice events and orders are case-management information: every
agency working the case needs to know what the courts decided, and probation
and advocates plan around order conditions. A breach of an order is recorded
as an incident (monitoring.Incident.breach_of), which brings the case back
for re-review.
"""

from __future__ import annotations

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from django.db import models
from django.utils import timezone

from masip.core.models import Recorded
from masip.referrals.choices import Offence


class EventKind(models.TextChoices):
    ARREST = "arrest", "Arrest"
    CHARGE = "charge", "Charge"
    NFA = "nfa", "No further action"
    PROSECUTION = "prosecution", "Prosecution (first hearing)"
    CONVICTION = "conviction", "Conviction"
    ACQUITTAL = "acquittal", "Acquittal"
    SENTENCE = "sentence", "Sentence"


class ChargedOffence(models.TextChoices):
    """Protection from Harassment Act 1997 offences, as the evaluation compares them."""

    HARASSMENT_S2 = Offence.HARASSMENT_S2.value, "Harassment (s.2)"
    STALKING_S2A = Offence.STALKING_S2A.value, "Stalking (s.2A)"
    HARASSMENT_S4 = Offence.HARASSMENT_S4.value, "Harassment with fear of violence (s.4)"
    STALKING_S4A = (
        Offence.STALKING_S4A.value,
        "Stalking involving fear of violence or serious alarm or distress (s.4A)",
    )
    OTHER = Offence.OTHER.value, "Another offence"


class NfaReason(models.TextChoices):
    EVIDENTIAL = "evidential", "Evidential difficulties"
    VICTIM_NOT_SUPPORTING = "victim_not_supporting", "Victim does not support a prosecution"
    PUBLIC_INTEREST = "public_interest", "Not in the public interest"
    SUSPECT_NOT_IDENTIFIED = "suspect_not_identified", "Suspect not identified"
    OTHER = "other", "Another reason"


class SentenceKind(models.TextChoices):
    CUSTODY = "custody", "Custody"
    SUSPENDED = "suspended", "Suspended sentence order"
    COMMUNITY = "community", "Community order"
    FINE = "fine", "Fine"
    DISCHARGE = "discharge", "Discharge"
    OTHER = "other", "Other"


# Outcomes that conclude the police investigation: a charge (or what can only follow one)
# or no further action. Hampshire tracks a case until one is recorded.
INVESTIGATION_CONCLUDED = frozenset(
    {
        EventKind.CHARGE,
        EventKind.NFA,
        EventKind.PROSECUTION,
        EventKind.CONVICTION,
        EventKind.ACQUITTAL,
        EventKind.SENTENCE,
    }
)

# Events that concern one offence, so the offence must be given.
EVENTS_WITH_OFFENCE = frozenset(
    {
        EventKind.ARREST,
        EventKind.CHARGE,
        EventKind.NFA,
        EventKind.PROSECUTION,
        EventKind.CONVICTION,
        EventKind.ACQUITTAL,
        EventKind.SENTENCE,
    }
)


class JusticeEvent(Recorded):
    audit_type = "justice_event"

    partnership = models.ForeignKey("partnerships.Partnership", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="justice_events")
    suspect = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=16, choices=EventKind.choices)
    occurred_on = models.DateField()
    offence = models.CharField(max_length=8, choices=ChargedOffence.choices)
    offence_detail = models.CharField(
        max_length=200, blank=True, help_text="The offence, when it is another one."
    )
    nfa_reason = models.CharField(max_length=32, choices=NfaReason.choices, blank=True)
    sentence_kind = models.CharField(max_length=16, choices=SentenceKind.choices, blank=True)
    custody_months = models.PositiveSmallIntegerField(null=True, blank=True)
    court = models.CharField(max_length=200, blank=True)
    notes = models.TextField(blank=True)
    recorded_agency = models.ForeignKey(
        "partnerships.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-occurred_on", "-id"]
        indexes = [
            models.Index(fields=["partnership", "kind", "occurred_on"], name="justice_event_kind"),
            # The dashboards count a period's events of every kind.
            models.Index(fields=["partnership", "occurred_on"], name="justice_event_date"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.occurred_on:%d %b %Y}"

    @property
    def offence_label(self) -> str:
        if self.offence == ChargedOffence.OTHER and self.offence_detail:
            return self.offence_detail
        return self.get_offence_display()

    @property
    def headline(self) -> str:
        text = f"{self.get_kind_display()}: {self.offence_label}"
        if self.kind == EventKind.NFA and self.nfa_reason:
            text += f" ({self.get_nfa_reason_display().lower()})"
        if self.kind == EventKind.SENTENCE and self.sentence_kind:
            text += f" - {self.get_sentence_kind_display().lower()}"
            if self.sentence_kind == SentenceKind.CUSTODY and self.custody_months:
                text += f", {self.custody_months} months"
        return text


class OrderKind(models.TextChoices):
    BAIL = "bail", "Bail conditions"
    RESTRAINING_ORDER = "restraining_order", "Restraining order"
    SPO = "spo", "Stalking Protection Order"


class OrderBasis(models.TextChoices):
    """Protection from Harassment Act 1997 s.5 (on conviction) and s.5A (on acquittal)."""

    ON_CONVICTION = "conviction", "On conviction (s.5)"
    ON_ACQUITTAL = "acquittal", "On acquittal (s.5A)"


class OrderStatus(models.TextChoices):
    APPLIED = "applied", "Applied for"
    GRANTED = "granted", "Granted"
    REFUSED = "refused", "Refused"


# Stalking Protection Act 2019 s.3(2): a fixed period "must be a period of at
# least two years beginning with the day on which the order is made".
SPO_MINIMUM_YEARS = 2
# s.9(1): notify the police "within the period of 3 days beginning with the
# date of service of the order" - the day of service is the first of the three.
SPO_NOTIFICATION_DAYS = 3


def spo_earliest_end(made_on: date) -> date:
    """The earliest last day of a fixed-period SPO made on `made_on` (two years, counting the day made)."""
    return made_on + relativedelta(years=SPO_MINIMUM_YEARS) - timedelta(days=1)


def spo_notification_deadline(served_on: date) -> date:
    """The last day for the subject to notify their name and home address to the police."""
    return served_on + timedelta(days=SPO_NOTIFICATION_DAYS - 1)


class ProtectiveOrder(Recorded):
    audit_type = "protective_order"

    partnership = models.ForeignKey("partnerships.Partnership", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="protective_orders")
    suspect = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    protected_person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=24, choices=OrderKind.choices)
    basis = models.CharField(max_length=16, choices=OrderBasis.choices, blank=True)  # restraining orders
    interim = models.BooleanField(default=False)  # Stalking Protection Orders
    # A full SPO that replaces an interim one: the subject has notified already (s.9(1)(a)).
    replaces = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    status = models.CharField(max_length=16, choices=OrderStatus.choices)
    applied_on = models.DateField(null=True, blank=True)
    decided_on = models.DateField(null=True, blank=True, help_text="The day it was made or refused.")
    ends_on = models.DateField(null=True, blank=True, help_text="The last day it has effect.")
    until_further_order = models.BooleanField(default=False)
    conditions = models.TextField(blank=True)
    served_on = models.DateField(null=True, blank=True)
    notified_on = models.DateField(
        null=True, blank=True, help_text="When the subject notified the police (SPO)."
    )
    court = models.CharField(max_length=200, blank=True)
    recorded_agency = models.ForeignKey(
        "partnerships.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Moves on with every update, so an update form opened before a colleague's
    # (the order made, served, varied) cannot silently undo it.
    version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["-decided_on", "-applied_on", "-id"]
        indexes = [
            models.Index(fields=["partnership", "kind", "status"], name="order_kind_status"),
            models.Index(fields=["partnership", "decided_on"], name="order_decided"),  # the dashboards' period
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def reference(self) -> str:
        return f"order {self.pk}"

    @property
    def short_label(self) -> str:
        if self.kind == OrderKind.SPO:
            return "interim Stalking Protection Order" if self.interim else "Stalking Protection Order"
        return self.get_kind_display().lower() if self.kind == OrderKind.BAIL else "restraining order"

    @property
    def label(self) -> str:
        if self.kind == OrderKind.SPO:
            return "Interim Stalking Protection Order" if self.interim else "Stalking Protection Order"
        if self.kind == OrderKind.RESTRAINING_ORDER and self.basis:
            return f"Restraining order {self.get_basis_display().split(' (')[0].lower()}"
        return self.get_kind_display()

    @property
    def notification_due(self) -> bool:
        """Whether the subject must notify the police after service (SPO, not replacing an interim order)."""
        return self.kind == OrderKind.SPO and self.status == OrderStatus.GRANTED and self.replaces_id is None

    @property
    def notification_deadline(self) -> date | None:
        if self.notification_due and self.served_on:
            return spo_notification_deadline(self.served_on)
        return None

    @property
    def notification_overdue(self) -> bool:
        deadline = self.notification_deadline
        return deadline is not None and self.notified_on is None and timezone.localdate() > deadline

    @property
    def duration_text(self) -> str:
        if self.status != OrderStatus.GRANTED:
            return ""
        if self.until_further_order:
            return "Until further order"
        if self.ends_on:
            return f"Until {self.ends_on:%-d %B %Y}"
        if self.kind == OrderKind.SPO and self.interim:
            return "Until the application for a full order is decided"
        return "End not recorded"

    def was_in_force_on(self, day: date) -> bool:
        if self.status != OrderStatus.GRANTED or self.decided_on is None or day < self.decided_on:
            return False
        return self.until_further_order or self.ends_on is None or day <= self.ends_on
