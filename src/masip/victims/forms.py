from __future__ import annotations

from django import forms
from django.utils import timezone

from masip.core.forms import GovukDateField, GovukFormMixin, ModelChoiceField, VersionField
from masip.victims.models import (
    SURVEY_QUESTIONS,
    Agreement,
    ContactMode,
    ContactPurpose,
    CourtSupportKind,
    MeasureKind,
    ReferralKind,
    ReferralStatus,
    SupportStatus,
    SurveyMode,
)


def _staff_label(user) -> str:
    return f"{user.get_full_name() or user.username} ({user.agency})" if user.agency_id else str(user)


class SupportForm(GovukFormMixin, forms.Form):
    version = VersionField()
    status = forms.ChoiceField(label="Support", choices=SupportStatus.choices, widget=forms.RadioSelect)
    on = GovukDateField(label="Date", label_for_errors="Date")
    advocate = ModelChoiceField(
        label="Advocate (when support is accepted)",
        queryset=None,
        required=False,
        empty_label="Select an advocate",
    )
    reason = forms.CharField(
        label="Why support is ending (when it ends)", max_length=2000, required=False, widget=forms.Textarea
    )

    def __init__(self, *args, advocates, support=None, **kwargs):
        initial = {"on": timezone.localdate(), "version": support.version if support is not None else 0}
        if support is not None:
            initial["advocate"] = support.advocate_id
        super().__init__(*args, initial=initial, **kwargs)
        self.fields["advocate"].queryset = advocates
        self.fields["advocate"].label_from_instance = _staff_label
        self.fields["status"].error_messages["required"] = "Select where the victim's support stands"


class ContactForm(GovukFormMixin, forms.Form):
    contact_on = GovukDateField(label="Date of the contact", label_for_errors="Date of the contact")
    mode = forms.ChoiceField(label="How", choices=ContactMode.choices, widget=forms.RadioSelect)
    purpose = forms.ChoiceField(label="Purpose", choices=ContactPurpose.choices, widget=forms.RadioSelect)
    notes = forms.CharField(label="Notes (optional)", max_length=4000, required=False, widget=forms.Textarea)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, initial={"contact_on": timezone.localdate()}, **kwargs)
        self.fields["mode"].error_messages["required"] = "Select how you were in contact"
        self.fields["purpose"].error_messages["required"] = "Select the purpose of the contact"


class SafetyPlanForm(GovukFormMixin, forms.Form):
    # The version the new one is built on (0 before the first plan).
    version = VersionField()
    agreed_on = GovukDateField(label="Date agreed", label_for_errors="Date agreed")
    review_on = GovukDateField(
        label="Review by (optional)", label_for_errors="The review date", required=False, allow_future=True
    )
    measures = forms.MultipleChoiceField(
        label="Safety measures", choices=MeasureKind.choices, widget=forms.CheckboxSelectMultiple
    )
    notes = forms.CharField(
        label="Details of the plan",
        max_length=6000,
        required=False,
        widget=forms.Textarea,
        help_text="Advocacy notes: seen by victim advocacy services only",
    )

    def __init__(self, *args, previous=None, based_on_version: int = 0, **kwargs):
        initial = {"agreed_on": timezone.localdate(), "version": based_on_version}
        if previous is not None:
            initial["measures"] = [m.kind for m in previous.measures.all()]
            initial["notes"] = previous.notes
        super().__init__(*args, initial=initial, **kwargs)
        self.fields["measures"].error_messages["required"] = "Select at least one safety measure"


class VictimReferralForm(GovukFormMixin, forms.Form):
    kind = forms.ChoiceField(label="Referral to", choices=ReferralKind.choices, widget=forms.RadioSelect)
    to_service = forms.CharField(label="Service", max_length=200)
    made_on = GovukDateField(label="Date of the referral", label_for_errors="Date of the referral")
    status = forms.ChoiceField(
        label="Where it stands", choices=ReferralStatus.choices, widget=forms.RadioSelect
    )
    notes = forms.CharField(label="Notes (optional)", max_length=4000, required=False, widget=forms.Textarea)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, initial={"status": ReferralStatus.MADE}, **kwargs)


class CourtSupportForm(GovukFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label="Support given", choices=CourtSupportKind.choices, widget=forms.RadioSelect
    )
    on = GovukDateField(label="Date", label_for_errors="Date")
    hearing_on = GovukDateField(
        label="Hearing date (optional)", label_for_errors="Hearing date", required=False, allow_future=True
    )
    outcome = forms.CharField(
        label="Outcome (optional)", max_length=4000, required=False, widget=forms.Textarea
    )


_ANSWERS = [("", "Not answered"), *[(str(v), label) for v, label in Agreement.choices]]


class SurveyForm(GovukFormMixin, forms.Form):
    consent_given = forms.ChoiceField(
        label="Does the victim consent to the survey?",
        widget=forms.RadioSelect,
        choices=[("yes", "Yes, they consent"), ("no", "No, they declined")],
    )
    on = GovukDateField(label="Date", label_for_errors="Date of the survey")
    mode = forms.ChoiceField(label="How", choices=SurveyMode.choices, widget=forms.RadioSelect)
    comments = forms.CharField(
        label="Comments (optional)", max_length=4000, required=False, widget=forms.Textarea
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, initial={"on": timezone.localdate()}, **kwargs)
        for name, text in SURVEY_QUESTIONS:
            self.fields[name] = forms.ChoiceField(label=text, choices=_ANSWERS, required=False)
        self.order_fields(
            ["consent_given", "on", "mode", *[name for name, _ in SURVEY_QUESTIONS], "comments"]
        )
        self.fields["consent_given"].error_messages["required"] = "Select whether the victim consents"
        self.fields["mode"].error_messages["required"] = "Select how the survey was done"

    def question_fields(self):
        return [self[name] for name, _ in SURVEY_QUESTIONS]

    def answers(self) -> dict[str, int | None]:
        return {
            name: int(self.cleaned_data[name]) if self.cleaned_data.get(name) else None
            for name, _ in SURVEY_QUESTIONS
        }
