from __future__ import annotations

from django import forms
from django.utils import timezone

from masip.core.forms import GovukDateField, GovukFormMixin
from masip.monitoring.models import ReportedBy, SeverityLevel
from masip.monitoring.services import IncidentInput
from masip.people.services import PersonDetails
from masip.referrals.choices import Behaviour, Relationship

NEW_VICTIM = "new"


class IncidentForm(GovukFormMixin, forms.Form):
    victim = forms.ChoiceField(label="Who was the victim?", widget=forms.RadioSelect, choices=[])
    new_victim_name = forms.CharField(label="Full name", max_length=200, required=False)
    new_victim_description = forms.CharField(
        label="Or a description, if the name is not known", max_length=500, required=False
    )
    new_victim_relationship = forms.ChoiceField(
        label="The suspect is their",
        choices=Relationship.choices,
        required=False,
        initial=Relationship.UNKNOWN,
    )
    occurred_on = GovukDateField(
        label="Date of the incident",
        label_for_errors="Date of the incident",
        help_text="For example, 27 3 2026",
    )
    occurred_at = forms.TimeField(
        label="Time (optional)",
        required=False,
        input_formats=["%H:%M", "%H.%M", "%H%M"],
        help_text="24-hour clock, for example 21:30",
    )
    reported_by = forms.ChoiceField(
        label="Who reported it?", choices=ReportedBy.choices, widget=forms.RadioSelect
    )
    reporter_detail = forms.CharField(
        label="Which agency (if another agency)", max_length=200, required=False
    )
    behaviour = forms.ChoiceField(
        label="Contact method or behaviour", choices=[("", "Select a behaviour"), *Behaviour.choices]
    )
    severity = forms.TypedChoiceField(
        label="Severity: the harm caused to the victim",
        coerce=int,
        choices=SeverityLevel.choices,
        widget=forms.RadioSelect,
    )
    description = forms.CharField(label="What happened", max_length=4000, widget=forms.Textarea)
    breach_of = forms.TypedChoiceField(
        label="Was it a breach of an order?", coerce=int, empty_value=None, required=False, choices=[]
    )
    confirmed_not_duplicate = forms.BooleanField(
        label="This is a separate contact, not one already recorded", required=False
    )

    def __init__(self, *args, victims, orders, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["victim"].choices = [(str(p.pk), p.display_name) for p in victims] + [
            (NEW_VICTIM, "Someone new")
        ]
        self.fields["breach_of"].choices = [("", "No")] + [
            (str(o.pk), f"Yes: {o.label}{f' made {o.decided_on:%-d %b %Y}' if o.decided_on else ''}")
            for o in orders
        ]
        self.fields["victim"].error_messages["required"] = "Select the victim, or someone new"
        self.fields["reported_by"].error_messages["required"] = "Select who reported the incident"
        self.fields["severity"].error_messages["required"] = "Select how severe it was"
        self.fields["behaviour"].error_messages["required"] = "Select the contact method or behaviour"
        self.fields["occurred_at"].error_messages["invalid"] = (
            "Enter the time as hours and minutes, like 21:30"
        )

    def clean(self):
        data = super().clean()
        if data.get("victim") == NEW_VICTIM and not (
            (data.get("new_victim_name") or "").strip() or (data.get("new_victim_description") or "").strip()
        ):
            self.add_error("new_victim_name", "Enter the new victim's name or a description")
        day, at = data.get("occurred_on"), data.get("occurred_at")
        if day and at and day == timezone.localdate() and at > timezone.localtime().time():
            self.add_error("occurred_at", "Time of the incident must be now or in the past")
        return data

    def to_input(self) -> IncidentInput:
        d = self.cleaned_data
        new = d["victim"] == NEW_VICTIM
        return IncidentInput(
            occurred_on=d["occurred_on"],
            occurred_at=d["occurred_at"],
            reported_by=d["reported_by"],
            reporter_detail=d["reporter_detail"],
            behaviour=d["behaviour"],
            severity=d["severity"],
            description=d["description"],
            victim_id=None if new else int(d["victim"]),
            new_victim=PersonDetails(full_name=d["new_victim_name"], description=d["new_victim_description"])
            if new
            else None,
            new_victim_relationship=d["new_victim_relationship"] or Relationship.UNKNOWN,
            breach_of_id=d["breach_of"],
            confirmed_not_duplicate=d["confirmed_not_duplicate"],
        )


class ReviewRequestForm(GovukFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why does the case need a re-review?",
        max_length=2000,
        widget=forms.Textarea,
        help_text="For example, the victim reports the suspect has found her new address",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_messages["required"] = "Enter why the case needs a re-review"
