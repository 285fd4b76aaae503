from __future__ import annotations

from django import forms

from masip.audit.models import Operation
from masip.core.forms import GovukDateField, GovukFormMixin


class ExportForm(GovukFormMixin, forms.Form):
    recipient = forms.CharField(
        label="Who will receive it", max_length=300,
        help_text="For example, the Information Commissioner's Office, or the complainant's solicitor",
    )
    reason = forms.CharField(label="Why it is being disclosed", max_length=2000, widget=forms.Textarea)
    format = forms.ChoiceField(
        label="Format", choices=[("csv", "CSV (spreadsheet)"), ("json", "JSON")], widget=forms.RadioSelect,
        initial="csv",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipient"].error_messages["required"] = "Enter who will receive the export"
        self.fields["reason"].error_messages["required"] = "Enter why the log is being disclosed"


class ActivityFilterForm(GovukFormMixin, forms.Form):
    since = GovukDateField(label="From", label_for_errors="The from date", required=False)
    until = GovukDateField(label="To", label_for_errors="The to date", required=False)
    operation = forms.ChoiceField(
        label="Operation", required=False, choices=[("", "All operations"), *Operation.choices]
    )

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", "The to date must be on or after the from date")
        return data
