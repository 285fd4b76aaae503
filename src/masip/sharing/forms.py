from __future__ import annotations

from django import forms

from masip.access.models import Category
from masip.core.forms import GovukFormMixin, ModelChoiceField


class InformationForm(GovukFormMixin, forms.Form):
    category = forms.ChoiceField(
        label="Category", choices=Category.choices, widget=forms.RadioSelect,
        help_text="Decides who else may read it: only agencies that need to know this category, under an information sharing agreement",
    )
    title = forms.CharField(label="Summary line", max_length=200, help_text="For example, Known to the community mental health team since 2017")
    body = forms.CharField(label="What your agency holds", max_length=10000, widget=forms.Textarea)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].error_messages["required"] = "Select the category of the information"


class HealthSummaryForm(GovukFormMixin, forms.Form):
    recipient = ModelChoiceField(label="Share with", queryset=None, empty_label="Select an agency")
    purpose = forms.CharField(
        label="Purpose of sharing", max_length=2000, widget=forms.Textarea,
        help_text="Why this agency needs it, for example to plan the risk management strategy at the clinic",
    )
    summary = forms.CharField(
        label="Summary", max_length=5000, widget=forms.Textarea,
        help_text="Only what the purpose needs. Detailed clinical records stay with health",
    )

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipient"].queryset = agencies
        self.fields["recipient"].error_messages["required"] = "Select the agency to share with"
