from __future__ import annotations

from django import forms
from django.utils import timezone

from masip.cases.models import CaseStatus, RiskRank, StalkerType
from masip.cases.registry import case_filters
from masip.core.forms import (
    GovukDateField,
    GovukFormMixin,
    ModelChoiceField,
    ModelMultipleChoiceField,
    VersionField,
)

ACCESS_REASONS = [
    ("meeting", "Preparing for or discussing it at a multi-agency meeting"),
    ("triage", "Triage or screening of a new referral"),
    ("cover", "Covering for a colleague"),
    ("supervision", "Supervision or quality assurance"),
    ("other", "Another reason"),
]


class AccessReasonForm(GovukFormMixin, forms.Form):
    reason = forms.ChoiceField(label="Why are you opening this case?", choices=ACCESS_REASONS, widget=forms.RadioSelect)
    detail = forms.CharField(label="Give the reason", max_length=500, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_messages["required"] = "Select why you are opening this case"

    def clean(self):
        data = super().clean()
        if data.get("reason") == "other" and not (data.get("detail") or "").strip():
            self.add_error("detail", "Give the reason for opening this case")
        return data

    def reason_text(self) -> str:
        label = dict(ACCESS_REASONS)[self.cleaned_data["reason"]]
        detail = (self.cleaned_data.get("detail") or "").strip()
        return f"{label}: {detail}" if detail else label


class CaseDetailsForm(GovukFormMixin, forms.Form):
    version = VersionField()
    lead_officer = ModelChoiceField(label="Lead", queryset=None, required=False, empty_label="Not assigned")
    allocated_staff = ModelMultipleChoiceField(
        label="Staff working the case", queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, staff_queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_officer"].queryset = staff_queryset
        self.fields["allocated_staff"].queryset = staff_queryset
        self.fields["lead_officer"].label_from_instance = _staff_label
        self.fields["allocated_staff"].label_from_instance = _staff_label


class CaseAreaForm(GovukFormMixin, forms.Form):
    version = VersionField()
    area = forms.ChoiceField(
        label="Area where the suspect lives",
        required=False,
        help_text="The operating model offers direct work with the suspect only in some areas",
    )
    reason = forms.CharField(
        label="Why are you setting or correcting it?", max_length=2000, widget=forms.Textarea,
        help_text="For example: the suspect's address on the police system is in Halton",
    )

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [("", "Not known"), *[(a, a) for a in partnership.areas]]
        self.fields["area"].error_messages["invalid_choice"] = f"Select an area of {partnership}"
        self.fields["reason"].error_messages["required"] = "Enter why the area is being set or corrected"


def _staff_label(user) -> str:
    return f"{user.get_full_name() or user.username} ({user.agency})" if user.agency_id else str(user)


class RetentionProposalForm(GovukFormMixin, forms.Form):
    action = forms.ChoiceField(label="What should happen to the records?", widget=forms.RadioSelect, choices=[])
    keep_months = forms.IntegerField(
        label="For how many more months", min_value=1, max_value=120, required=False,
        help_text="Between 1 and 120 months",
    )
    reason = forms.CharField(label="Reason", max_length=2000, widget=forms.Textarea)

    def __init__(self, *args, **kwargs):
        from masip.cases.models import RetentionAction

        super().__init__(*args, **kwargs)
        self.fields["action"].choices = RetentionAction.choices
        self.fields["action"].error_messages["required"] = "Select what should happen to the records"
        self.fields["reason"].error_messages["required"] = "Enter the reason for the proposal"
        self.fields["keep_months"].error_messages.update(
            min_value="Keep the records for at least 1 month", max_value="Keep the records for at most 120 months",
            invalid="Enter a whole number of months",
        )

    def clean(self):
        data = super().clean()
        if data.get("action") == "keep" and not data.get("keep_months"):
            self.add_error("keep_months", "Enter how many more months to keep the records")
        return data


class RetentionDecisionForm(GovukFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label="Your decision", widget=forms.RadioSelect,
        choices=[("approve", "Approve, and carry it out now"), ("reject", "Reject")],
    )
    note = forms.CharField(label="Note (required if you reject)", max_length=2000, required=False, widget=forms.Textarea)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].error_messages["required"] = "Select whether you approve"

    def clean(self):
        data = super().clean()
        if data.get("decision") == "reject" and not (data.get("note") or "").strip():
            self.add_error("note", "Enter why the proposal is rejected")
        return data


CASE_SORTS = [
    ("newest", "Newest first"),
    ("oldest", "Oldest first"),
    ("risk", "Highest risk first"),
    ("reference", "Case reference"),
]


class CaseFilterForm(GovukFormMixin, forms.Form):
    """The case list's filters and sort order, read from the URL (a GET form)."""

    show = forms.ChoiceField(
        label="Cases", required=False, widget=forms.RadioSelect,
        choices=[("mine", "My cases (I lead or work on them)"), ("all", "All the unit's cases")],
    )
    status = forms.ChoiceField(label="Status", required=False, choices=[("", "Open or closed"), *CaseStatus.choices])
    lead = ModelChoiceField(label="Lead", queryset=None, required=False, empty_label="Anyone")
    agency = ModelChoiceField(label="Agency working the case", queryset=None, required=False, empty_label="Any agency")
    risk = forms.TypedChoiceField(
        label="Risk", required=False, coerce=int, empty_value=None, choices=[("", "Any risk"), *RiskRank.choices]
    )
    stalker_type = forms.ChoiceField(
        label="Stalker type", required=False, choices=[("", "Any type"), *StalkerType.choices, ("none", "Not typed")]
    )
    area = forms.ChoiceField(label="Area", required=False)
    reassessment_due = forms.BooleanField(label="Reassessment due", required=False)
    sort = forms.ChoiceField(label="Sort by", required=False, choices=CASE_SORTS)

    def __init__(self, *args, staff_queryset, agency_queryset, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = staff_queryset
        self.fields["lead"].label_from_instance = _staff_label
        self.fields["agency"].queryset = agency_queryset
        self.fields["area"].choices = [("", "Any area"), *((a, a) for a in areas)]
        for extra in case_filters():  # registered by the contexts above cases (cases/registry.py)
            self.fields[extra.name] = forms.BooleanField(label=extra.label, required=False)

    def extra_filter_names(self) -> list[str]:
        return [f.name for f in case_filters()]

    def extra_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.extra_filter_names()]

    def sort_label(self) -> str:
        chosen = self.cleaned_data.get("sort") if hasattr(self, "cleaned_data") else None
        return dict(CASE_SORTS).get(chosen or "newest", "Newest first").lower()


class CloseForm(GovukFormMixin, forms.Form):
    closed_on = GovukDateField(label="Date closed", label_for_errors="Date closed")
    reason = forms.CharField(label="Why is the case closing?", max_length=2000, widget=forms.Textarea)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, initial={"closed_on": timezone.localdate()}, **kwargs)
        self.fields["reason"].error_messages["required"] = "Enter why the case is closing"


class ReopenForm(GovukFormMixin, forms.Form):
    reason = forms.CharField(label="Why is the case reopening?", max_length=2000, widget=forms.Textarea)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_messages["required"] = "Enter why the case is reopening"
