"""Forms of the action pages (and of the meeting page, which adds actions with ActionForm)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from masip.accounts.models import User
from masip.core.forms import GovukDateField, GovukFormMixin, PickField, VersionField, staff_label
from masip.core.ids import parse_id
from masip.partnerships.models import Agency


class ActionForm(GovukFormMixin, forms.Form):
    description = forms.CharField(label="What needs to be done", max_length=2000, widget=forms.Textarea)
    owner_agency = PickField(label="Agency responsible")
    owner_user = PickField(label="Person responsible (optional)", required=False)
    due_on = GovukDateField(
        label="Due date", label_for_errors="Due date", allow_future=True, help_text="For example, 12 12 2026"
    )

    def __init__(self, *args, agencies, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_agency"].choices = [("", "Select an agency")] + [
            (str(a.pk), str(a)) for a in agencies
        ]
        self.fields["owner_user"].choices = [("", "Anyone in the agency")] + [
            (str(u.pk), staff_label(u)) for u in staff
        ]
        self.fields["owner_agency"].error_messages["required"] = "Select the agency responsible"
        self.fields["due_on"].error_messages["required"] = "Enter the due date"

    def clean_owner_agency(self):
        agency = Agency.objects.filter(pk=parse_id(self.cleaned_data["owner_agency"])).first()
        if agency is None:
            raise ValidationError("Select the agency responsible")
        return agency

    def clean_owner_user(self):
        value = self.cleaned_data.get("owner_user")
        if not value:
            return None
        user = User.objects.select_related("agency").filter(pk=parse_id(value)).first()
        if user is None:
            raise ValidationError("Select the person responsible, or leave it to anyone in the agency")
        return user


class ActionUpdateForm(GovukFormMixin, forms.Form):
    """One change to an open action at a time: a progress note, a new due date (with why), a new
    owner, or its end (done, or cancelled with why). The version is the copy the user saw."""

    OUTCOMES = [
        ("progress", "Add a progress note"),
        ("reschedule", "Change the due date"),
        ("reassign", "Give it to another agency or person"),
        ("done", "It has been done"),
        ("cancelled", "It is no longer needed: cancel it"),
    ]

    version = VersionField()
    outcome = forms.ChoiceField(label="What has happened?", widget=forms.RadioSelect, choices=OUTCOMES)
    progress_note = forms.CharField(
        label="Progress so far", max_length=5000, required=False, widget=forms.Textarea
    )
    new_due_on = GovukDateField(
        label="New due date", label_for_errors="New due date", allow_future=True, required=False,
        help_text="For example, 12 12 2026",
    )
    due_reason = forms.CharField(
        label="Why the due date is changing", max_length=2000, required=False, widget=forms.Textarea
    )
    new_owner_agency = PickField(label="Agency responsible", required=False)
    new_owner_user = PickField(label="Person responsible (optional)", required=False)
    reassign_reason = forms.CharField(
        label="Why it is moving (optional)", max_length=2000, required=False, widget=forms.Textarea
    )
    completed_on = GovukDateField(
        label="Date it was done", label_for_errors="Date it was done", required=False
    )
    completion_note = forms.CharField(
        label="What was done (optional)", max_length=5000, required=False, widget=forms.Textarea
    )
    cancel_reason = forms.CharField(
        label="Why it is no longer needed", max_length=5000, required=False, widget=forms.Textarea
    )

    def __init__(self, *args, agencies=(), staff=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].error_messages["required"] = "Select what has happened"
        self.fields["new_owner_agency"].choices = [("", "Select an agency")] + [
            (str(a.pk), str(a)) for a in agencies
        ]
        self.fields["new_owner_user"].choices = [("", "Anyone in the agency")] + [
            (str(u.pk), staff_label(u)) for u in staff
        ]

    def clean(self):
        data = super().clean()
        outcome = data.get("outcome")
        # A note, a new date and a new owner are checked by the services (action_add_note,
        # action_reschedule, action_reassign), which say everything that is missing at once.
        if outcome == "reassign":
            data["new_owner_agency"] = Agency.objects.filter(pk=parse_id(data.get("new_owner_agency"))).first()
        if outcome == "done" and not data.get("completed_on") and "completed_on" not in self.errors:
            self.add_error("completed_on", "Enter the date it was done")
        if outcome == "cancelled" and not (data.get("cancel_reason") or "").strip():
            self.add_error("cancel_reason", "Enter why the action is no longer needed")
        return data

    def clean_new_owner_user(self):
        value = self.cleaned_data.get("new_owner_user")
        if not value:
            return None
        user = User.objects.select_related("agency").filter(pk=parse_id(value)).first()
        if user is None:
            raise ValidationError("Select the person responsible, or leave it to anyone in the agency")
        return user
