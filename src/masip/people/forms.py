from __future__ import annotations

from datetime import date

from django import forms

from masip.core.forms import GovukDateField, GovukFormMixin, VersionField
from masip.people.models import AgeRange, Sex


class PersonEditForm(GovukFormMixin, forms.Form):
    version = VersionField()
    full_name = forms.CharField(label="Full name", max_length=200, required=False)
    description = forms.CharField(label="Description, if the name is not known", max_length=500, required=False)
    date_of_birth = GovukDateField(
        label="Date of birth (optional)", label_for_errors="Date of birth", required=False, earliest=date(1900, 1, 1)
    )
    age_range = forms.ChoiceField(
        label="Age range, if the date of birth is not known", required=False,
        choices=[("", "Not known"), *AgeRange.choices],
    )
    sex = forms.ChoiceField(label="Sex", choices=Sex.choices, widget=forms.RadioSelect)
    reason = forms.CharField(label="Why you are changing the record", max_length=1000, widget=forms.Textarea)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_messages["required"] = "Enter why you are changing the record"

    def clean(self):
        data = super().clean()
        if not ((data.get("full_name") or "").strip() or (data.get("description") or "").strip()):
            self.add_error("full_name", "Enter a name, or a description if the name is not known")
        if data.get("date_of_birth") and data.get("age_range"):
            self.add_error("age_range", "Enter a date of birth or an age range, not both")
        return data


class SubjectAccessForm(GovukFormMixin, forms.Form):
    request_reference = forms.CharField(
        label="Subject access request reference", max_length=100,
        help_text="The reference your information governance team gave the request",
    )
    format = forms.ChoiceField(
        label="Format", choices=[("pdf", "PDF (for the requester)"), ("json", "JSON")], widget=forms.RadioSelect,
        initial="pdf",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["request_reference"].error_messages["required"] = "Enter the subject access request reference"
