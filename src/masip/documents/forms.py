from __future__ import annotations

from django import forms

from masip.access.models import Category
from masip.core.forms import GovukDateField, GovukFormMixin
from masip.documents.filetypes import ALLOWED_DESCRIPTION


class DocumentForm(GovukFormMixin, forms.Form):
    file = forms.FileField(
        label="File", max_length=255, allow_empty_file=True,
        help_text=f"It must be {ALLOWED_DESCRIPTION}. The file's content is checked, not its name",
    )
    description = forms.CharField(
        label="Description", max_length=2000, widget=forms.Textarea,
        help_text="What it is and why it matters, for example Screenshots of 14 text messages sent on 3 May",
    )
    category = forms.ChoiceField(
        label="Information category", choices=Category.choices, widget=forms.RadioSelect,
        help_text="Decides who else may see it: only agencies that need to know this category, under an information sharing agreement",
    )
    obtained_on = GovukDateField(label="Date obtained", label_for_errors="Date obtained", help_text="For example, 27 3 2026")
    provided_by = forms.CharField(
        label="Who provided it", max_length=200, help_text="For example, the victim, or Hampshire Constabulary"
    )

    def __init__(self, *args, max_bytes: int, size_label: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_bytes = max_bytes
        self.size_label = size_label
        self.fields["file"].help_text += f". Up to {size_label}"
        self.fields["file"].error_messages.update(
            required="Select a file", empty="The selected file is empty", invalid="Select a file",
            max_length="The file name must be 255 characters or fewer",
        )
        self.fields["category"].error_messages["required"] = "Select the information category of the document"

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.max_bytes:
            raise forms.ValidationError(f"The selected file must be smaller than {self.size_label}")
        if upload.size == 0:
            raise forms.ValidationError("The selected file is empty")
        return upload


class DeleteForm(GovukFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why are you deleting it?", max_length=2000, widget=forms.Textarea,
        help_text="Kept with the record of the deletion, for example Uploaded to the wrong case",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_messages["required"] = "Enter why the document is being deleted"
