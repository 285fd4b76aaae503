from __future__ import annotations

from django import forms
from django.utils import timezone

from masip.core.forms import GovukDateField, GovukFormMixin, ModelChoiceField, VersionField
from masip.interventions.models import (
    Attendance,
    Engagement,
    InterventionMode,
    InterventionOutcome,
    InterventionType,
    ServiceStatus,
)
from masip.interventions.services import InterventionInput


def _staff_label(user) -> str:
    return f"{user.get_full_name() or user.username} ({user.agency})" if user.agency_id else str(user)


class InterventionForm(GovukFormMixin, forms.Form):
    intervention_type = ModelChoiceField(
        label="Type of intervention", queryset=InterventionType.objects.none(), empty_label="Select a type"
    )
    mode = forms.ChoiceField(
        label="Direct or indirect", choices=InterventionMode.choices, widget=forms.RadioSelect
    )
    delivered_by = ModelChoiceField(
        label="Delivered by (direct interventions)",
        queryset=None,
        required=False,
        empty_label="Not the unit's staff",
    )
    external_service = forms.CharField(
        label="Service or agency (indirect interventions)",
        max_length=200,
        required=False,
        help_text="For example, the community mental health team of the local NHS trust",
    )
    offered_on = GovukDateField(
        label="Date offered to the suspect",
        label_for_errors="Date offered",
        required=False,
        help_text="Leave blank for advice to the officer in charge, consultations and MAPPA referrals",
    )
    start_on = GovukDateField(
        label="Start date (optional)", label_for_errors="The start date", required=False, allow_future=True
    )
    end_on = GovukDateField(
        label="End date (optional)", label_for_errors="The end date", required=False, allow_future=True
    )
    planned_sessions = forms.IntegerField(
        label="Sessions planned (optional)", min_value=1, max_value=200, required=False
    )
    follow_up_on = GovukDateField(
        label="Follow up the referral on (referrals to a service)",
        label_for_errors="The follow-up date",
        required=False,
        allow_future=True,
    )
    assessment_before = ModelChoiceField(
        label="Assessment before (optional)",
        queryset=None,
        required=False,
        empty_label="None linked",
        help_text="The signed-off assessment it starts from, so the assessment after can show change",
    )
    details = forms.CharField(
        label="Details (optional)", max_length=4000, required=False, widget=forms.Textarea
    )

    def __init__(self, *args, staff, assessments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessment_before"].queryset = assessments
        self.fields["assessment_before"].label_from_instance = _assessment_label
        self.fields["intervention_type"].queryset = InterventionType.objects.filter(is_active=True)
        self.fields["delivered_by"].queryset = staff
        self.fields["delivered_by"].label_from_instance = _staff_label
        self.fields["mode"].error_messages["required"] = (
            "Select whether the intervention is direct or indirect"
        )
        self.fields["intervention_type"].error_messages["required"] = "Select the type of intervention"
        self.fields["planned_sessions"].error_messages.update(
            invalid="Enter the sessions planned as a whole number",
            min_value="Sessions planned must be at least 1",
            max_value="Sessions planned must be 200 or fewer",
        )

    def to_input(self) -> InterventionInput:
        d = self.cleaned_data
        return InterventionInput(
            intervention_type=d["intervention_type"],
            mode=d["mode"],
            delivered_by=d["delivered_by"],
            external_service=d["external_service"],
            start_on=d["start_on"],
            end_on=d["end_on"],
            planned_sessions=d["planned_sessions"],
            details=d["details"],
            offered_on=d["offered_on"],
            follow_up_on=d["follow_up_on"],
            assessment_before=d["assessment_before"],
        )


def _assessment_label(assessment) -> str:
    when = assessment.signed_off_at or assessment.started_at
    return f"{assessment.instrument_name}, signed off {when:%-d %b %Y}"


class EngagementStateField(forms.ChoiceField):
    """Offers the states the engagement can move to next, but accepts any state: whether the
    move is allowed is the service's rule, so a move the record no longer allows (it changed
    since the page was opened) gets the service's explanation, not "select a valid option"."""

    def valid_value(self, value) -> bool:
        return value in Engagement.values


class EngagementForm(GovukFormMixin, forms.Form):
    version = VersionField()
    state = EngagementStateField(
        label="The suspect's consent or engagement is now", widget=forms.RadioSelect, choices=[]
    )
    on = GovukDateField(label="Date", label_for_errors="Date")
    note = forms.CharField(label="Note (optional)", max_length=2000, required=False, widget=forms.Textarea)

    def __init__(self, *args, states: list[str], version: int, **kwargs):
        super().__init__(*args, initial={"on": timezone.localdate(), "version": version}, **kwargs)
        field = self.fields["state"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(s, Engagement(s).label) for s in states]
        self.fields["state"].error_messages["required"] = "Select the engagement state"


class FollowUpForm(GovukFormMixin, forms.Form):
    version = VersionField()
    status = forms.ChoiceField(
        label="Where the referral stands", choices=ServiceStatus.choices, widget=forms.RadioSelect
    )
    on = GovukDateField(label="Date", label_for_errors="Date")
    next_follow_up_on = GovukDateField(
        label="Follow up again on",
        label_for_errors="The next follow-up",
        required=False,
        allow_future=True,
        help_text="Not needed once the referral is completed, declined or not taken up",
    )
    note = forms.CharField(label="Note (optional)", max_length=2000, required=False, widget=forms.Textarea)

    def __init__(self, *args, version: int, **kwargs):
        super().__init__(*args, initial={"on": timezone.localdate(), "version": version}, **kwargs)
        self.fields["status"].error_messages["required"] = "Select where the referral stands"


class SessionForm(GovukFormMixin, forms.Form):
    held_on = GovukDateField(label="Date of the session", label_for_errors="Date of the session")
    attendance = forms.ChoiceField(label="Attendance", choices=Attendance.choices, widget=forms.RadioSelect)
    notes = forms.CharField(label="Session notes", max_length=10000, required=False, widget=forms.Textarea)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendance"].error_messages["required"] = "Select whether the suspect attended"


class OutcomeForm(GovukFormMixin, forms.Form):
    version = VersionField()
    end_on = GovukDateField(label="End date", label_for_errors="The end date")
    outcome = forms.ChoiceField(
        label="Outcome", choices=InterventionOutcome.choices, widget=forms.RadioSelect
    )
    notes = forms.CharField(
        label="Outcome notes (optional)", max_length=4000, required=False, widget=forms.Textarea
    )
    assessment_before = ModelChoiceField(
        label="Assessment before (optional)", queryset=None, required=False, empty_label="None linked"
    )
    assessment_after = ModelChoiceField(
        label="Assessment after (optional)",
        queryset=None,
        required=False,
        empty_label="None yet",
        help_text="If there is none yet, the case is marked as due a reassessment",
    )

    def __init__(self, *args, intervention, assessments, **kwargs):
        super().__init__(
            *args,
            initial={
                "assessment_before": intervention.assessment_before_id,
                "end_on": intervention.end_on,
                "version": intervention.version,
            },
            **kwargs,
        )
        for name in ("assessment_before", "assessment_after"):
            self.fields[name].queryset = assessments
            self.fields[name].label_from_instance = _assessment_label
        self.fields["outcome"].error_messages["required"] = "Select the outcome"
