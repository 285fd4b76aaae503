"""Forms of the risk management plan page: the plan and its strategies (a formset)."""

from __future__ import annotations

from django import forms

from masip.core.forms import GovukDateField, GovukFormMixin, ModelChoiceField, PickField, VersionField
from masip.core.ids import parse_id
from masip.partnerships.models import Agency
from masip.plans.models import PlanArea


class StrategyForm(GovukFormMixin, forms.Form):
    area = forms.ChoiceField(
        label="Area", choices=[("", "Select an area"), *PlanArea.choices], required=False
    )
    description = forms.CharField(
        label="What will be done", max_length=5000, required=False, widget=forms.Textarea
    )
    owner_agency = PickField(label="Agency responsible", required=False)
    review_on = GovukDateField(
        label="Review by", label_for_errors="Review date", allow_future=True, required=False
    )

    def __init__(self, *args, agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_agency"].choices = [("", "Select an agency")] + [
            (str(a.pk), str(a)) for a in agencies
        ]

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not any(
            [
                data.get("area"),
                (data.get("description") or "").strip(),
                data.get("owner_agency"),
                data.get("review_on"),
            ]
        )

    def clean(self):
        data = super().clean()
        if self.is_blank():
            return data
        if not data.get("area"):
            self.add_error("area", "Select the area of the plan this strategy belongs to")
        if not (data.get("description") or "").strip():
            self.add_error("description", "Enter what will be done")
        agency = Agency.objects.filter(pk=parse_id(data.get("owner_agency"))).first()
        if agency is None:
            self.add_error("owner_agency", "Select the agency responsible")
        else:
            data["owner_agency"] = agency
        if not data.get("review_on") and "review_on" not in self.errors:
            self.add_error("review_on", "Enter the review date")
        return data


class PlanForm(GovukFormMixin, forms.Form):
    # The version the new one is built on (0 before the first plan).
    version = VersionField()
    aim = forms.CharField(
        label="Aim of the plan",
        max_length=2000,
        required=False,
        widget=forms.Textarea,
        help_text="What the plan is for, in a sentence or two",
    )
    responds_to = ModelChoiceField(
        label="Responds to the assessment (optional)",
        queryset=None,
        required=False,
        empty_label="No assessment",
    )
    change_reason = forms.CharField(
        label="Why is the plan changing?", max_length=2000, required=False, widget=forms.Textarea
    )

    def __init__(self, *args, assessments, first_version, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responds_to"].queryset = assessments
        self.fields["responds_to"].label_from_instance = lambda a: (
            f"{a.instrument_name}, signed off {a.signed_off_at:%-d %b %Y}"
            + (f": {a.level_label}" if a.level_label else "")
        )
        if first_version:
            self.fields["change_reason"].label = "Why is the plan being made? (optional)"


StrategyFormSet = forms.formset_factory(StrategyForm, extra=0, max_num=40, validate_max=True)
