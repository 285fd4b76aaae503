from __future__ import annotations

from django import forms

from masip.core.forms import GovukDateField, GovukFormMixin, ModelChoiceField, VersionField
from masip.justice.models import (
    ChargedOffence,
    EventKind,
    NfaReason,
    OrderBasis,
    OrderKind,
    OrderStatus,
    SentenceKind,
)
from masip.justice.services import EventInput, OrderInput


def _blank(label: str, choices) -> list[tuple[str, str]]:
    return [("", label), *choices]


class JusticeEventForm(GovukFormMixin, forms.Form):
    kind = forms.ChoiceField(label="What happened", choices=EventKind.choices, widget=forms.RadioSelect)
    occurred_on = GovukDateField(label="Date", label_for_errors="Date", help_text="For example, 27 3 2026")
    offence = forms.ChoiceField(label="Offence", choices=_blank("Select the offence", ChargedOffence.choices))
    offence_detail = forms.CharField(label="The offence, if another one", max_length=200, required=False)
    nfa_reason = forms.ChoiceField(
        label="Why no further action (if no further action)",
        choices=_blank("Not applicable", NfaReason.choices),
        required=False,
    )
    sentence_kind = forms.ChoiceField(
        label="Sentence (if a sentence)",
        choices=_blank("Not applicable", SentenceKind.choices),
        required=False,
    )
    custody_months = forms.IntegerField(
        label="Custody, in months (if custody)", min_value=1, max_value=600, required=False
    )
    court = forms.CharField(label="Court (optional)", max_length=200, required=False)
    notes = forms.CharField(label="Notes (optional)", max_length=4000, required=False, widget=forms.Textarea)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].error_messages["required"] = "Select what happened"
        self.fields["custody_months"].error_messages.update(
            invalid="Enter the length of custody as a whole number of months",
            min_value="Custody must be at least 1 month",
            max_value="Custody must be 600 months or fewer",
        )

    def to_input(self) -> EventInput:
        d = self.cleaned_data
        return EventInput(
            kind=d["kind"],
            occurred_on=d["occurred_on"],
            offence=d["offence"],
            offence_detail=d["offence_detail"],
            nfa_reason=d["nfa_reason"],
            sentence_kind=d["sentence_kind"],
            custody_months=d["custody_months"],
            court=d["court"],
            notes=d["notes"],
        )


class OrderDatesMixin(forms.Form):
    """The fields an order has whether it is new or being updated."""

    status = forms.ChoiceField(label="Where it stands", choices=OrderStatus.choices, widget=forms.RadioSelect)
    applied_on = GovukDateField(
        label="Date applied for (optional)", label_for_errors="Date applied for", required=False
    )
    decided_on = GovukDateField(
        label="Date made or refused",
        label_for_errors="Date made or refused",
        required=False,
        help_text="Leave blank while an application is waiting",
    )
    ends_on = GovukDateField(
        label="Last day it has effect",
        label_for_errors="The end date",
        required=False,
        allow_future=True,
        help_text="Leave blank for an order until further order",
    )
    until_further_order = forms.BooleanField(label="Until further order", required=False)
    conditions = forms.CharField(
        label="Conditions",
        max_length=4000,
        required=False,
        widget=forms.Textarea,
        help_text="Prohibitions and requirements. Do not write the victim's address here: the order goes to the suspect",
    )
    served_on = GovukDateField(label="Date served (optional)", label_for_errors="Date served", required=False)
    notified_on = GovukDateField(
        label="Date the subject notified the police (optional)",
        label_for_errors="Date the subject notified the police",
        required=False,
        help_text="Stalking Protection Orders: name and home address, within 3 days of service",
    )
    court = forms.CharField(label="Court (optional)", max_length=200, required=False)

    def order_input(self, kind: str) -> OrderInput:
        d = self.cleaned_data
        return OrderInput(
            kind=kind,
            status=d["status"],
            basis=d.get("basis", ""),
            interim=d.get("interim") == "interim",
            replaces_id=d["replaces"].pk if d.get("replaces") else None,
            protected_person_id=d["protected_person"].pk if d.get("protected_person") else None,
            applied_on=d["applied_on"],
            decided_on=d["decided_on"],
            ends_on=d["ends_on"],
            until_further_order=d["until_further_order"],
            conditions=d["conditions"],
            served_on=d["served_on"],
            notified_on=d["notified_on"],
            court=d["court"],
        )


class OrderForm(GovukFormMixin, OrderDatesMixin):
    kind = forms.ChoiceField(label="Kind of order", choices=OrderKind.choices, widget=forms.RadioSelect)
    basis = forms.ChoiceField(
        label="Restraining orders: made",
        choices=_blank("Not a restraining order", OrderBasis.choices),
        required=False,
    )
    interim = forms.ChoiceField(
        label="Stalking Protection Orders: interim or full",
        choices=[
            ("", "Not a Stalking Protection Order"),
            ("full", "Full order"),
            ("interim", "Interim order"),
        ],
        required=False,
    )
    replaces = ModelChoiceField(
        label="Replaces an interim order (optional)",
        queryset=None,
        required=False,
        empty_label="No",
    )
    protected_person = ModelChoiceField(
        label="Protects (optional)", queryset=None, required=False, empty_label="Not recorded"
    )

    field_order = [
        "kind",
        "basis",
        "interim",
        "replaces",
        "protected_person",
        "status",
        "applied_on",
        "decided_on",
        "ends_on",
        "until_further_order",
        "conditions",
        "served_on",
        "notified_on",
        "court",
    ]

    def __init__(self, *args, victims, interim_orders, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["protected_person"].queryset = victims
        self.fields["protected_person"].label_from_instance = lambda p: p.display_name
        self.fields["replaces"].queryset = interim_orders
        self.offers_replacing = interim_orders.exists()  # asked only when there is an interim order to replace
        self.fields["replaces"].label_from_instance = lambda o: (
            f"Interim order made {o.decided_on:%-d %b %Y}" if o.decided_on else "Interim order applied for"
        )
        self.fields["kind"].error_messages["required"] = "Select the kind of order"
        self.fields["status"].error_messages["required"] = "Select where the order stands"

    def to_input(self) -> OrderInput:
        return self.order_input(self.cleaned_data["kind"])


class OrderUpdateForm(GovukFormMixin, OrderDatesMixin):
    version = VersionField()

    def __init__(self, *args, order, **kwargs):
        initial = {
            "version": order.version,
            "status": order.status,
            "applied_on": order.applied_on,
            "decided_on": order.decided_on,
            "ends_on": order.ends_on,
            "until_further_order": order.until_further_order,
            "conditions": order.conditions,
            "served_on": order.served_on,
            "notified_on": order.notified_on,
            "court": order.court,
        }
        super().__init__(*args, initial=initial, **kwargs)
        self.order = order
        self.fields["status"].error_messages["required"] = "Select where the order stands"

    def to_input(self) -> OrderInput:
        order = self.order
        data = self.order_input(order.kind)
        data.basis, data.interim = order.basis, order.interim
        data.replaces_id, data.protected_person_id = order.replaces_id, order.protected_person_id
        return data
