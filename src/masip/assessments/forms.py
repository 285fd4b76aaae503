"""A GOV.UK form built from an instrument definition, for one agency's view of it."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms

from masip.assessments.engine import InstrumentDefinition, ItemType
from masip.assessments.engine.definition import AnswerIn, Condition, Item, Section
from masip.core.forms import GovukDateField, GovukFormMixin, ModelChoiceField, VersionField


def describe_condition(definition: InstrumentDefinition, condition: Condition | None) -> str:
    if isinstance(condition, AnswerIn) and definition.has_item(condition.item_id):
        item = definition.item(condition.item_id)
        values = " or ".join(sorted(item.option_label(v).lower() for v in condition.values))
        return f"Only if “{item.label}” is {values}"
    return "Only where it applies"


def _field_for(item: Item) -> forms.Field:
    common: dict[str, Any] = {"label": item.label, "required": False, "help_text": item.help}
    if item.type in (
        ItemType.YES_NO_DONT_KNOW,
        ItemType.YES_NO,
        ItemType.LOW_MODERATE_HIGH,
        ItemType.SINGLE_CHOICE,
    ):
        return forms.ChoiceField(
            choices=[(o.value, o.label) for o in item.options], widget=forms.RadioSelect, **common
        )
    if item.type == ItemType.MULTIPLE_CHOICE:
        return forms.MultipleChoiceField(
            choices=[(o.value, o.label) for o in item.options], widget=forms.CheckboxSelectMultiple, **common
        )
    if item.type == ItemType.NUMBER:
        if item.integer:
            return forms.IntegerField(
                min_value=None if item.minimum is None else int(item.minimum),
                max_value=None if item.maximum is None else int(item.maximum),
                **common,
            )
        return forms.FloatField(min_value=item.minimum, max_value=item.maximum, **common)
    if item.type == ItemType.DATE:
        return GovukDateField(label_for_errors=item.label, earliest=date(1900, 1, 1), **common)
    return forms.CharField(max_length=item.max_length or 5000, widget=forms.Textarea, **common)


class AssessmentForm(GovukFormMixin, forms.Form):
    """Fields for the items the user's agency may see; judgement fields where the tool allows it."""

    def __init__(
        self,
        *args,
        definition: InstrumentDefinition,
        agency_kind: str | None,
        from_record: dict[str, tuple[str, str]] | None = None,
        **kwargs,
    ):
        """`from_record`: item id -> (answer, where it comes from) for the answers the record gives."""
        self.definition = definition
        self.sections: list[Section] = list(definition.sections_visible_to(agency_kind))
        self.hidden_sections: list[Section] = [s for s in definition.sections if s not in self.sections]
        super().__init__(*args, **kwargs)
        for section in self.sections:
            for item in section.items:
                self.fields[item.id] = _field_for(item)
                if from_record and item.id in from_record:
                    # Shown, not picked: a rule reads this answer, and the record decides it.
                    value, where = from_record[item.id]
                    self.fields[item.id].disabled = True
                    self.fields[item.id].help_text = where
                    self.initial[item.id] = value
        rules = definition.judgement
        if rules is not None and (rules.may_raise or rules.may_lower):
            self.fields["judgement_level"] = forms.ChoiceField(
                label="Professional judgement of the level (optional)",
                required=False,
                choices=[("", "Use the computed level"), *[(lvl.id, lvl.label) for lvl in definition.levels]],
                help_text=rules.note or "Judgement may raise the level, never lower it, and must say why",
            )
            self.fields["judgement_reason"] = forms.CharField(
                label="Why", required=False, max_length=2000, widget=forms.Textarea
            )
        self.fields["version"] = VersionField()
        # The fields were added after the mixin set its messages, so set them here.
        for name, field in self.fields.items():
            if isinstance(field, VersionField):
                continue
            label = str(field.label or name)
            if isinstance(field, forms.ChoiceField):
                field.error_messages["invalid_choice"] = f"{label}: select one of the options"
            if isinstance(field, (forms.IntegerField, forms.FloatField)):
                field.error_messages["invalid"] = f"{label}: enter a number"
                field.error_messages["min_value"] = f"{label}: enter %(limit_value)s or more"
                field.error_messages["max_value"] = f"{label}: enter %(limit_value)s or less"
            if isinstance(field, forms.CharField) and field.max_length:
                field.error_messages["max_length"] = f"{label} must be {field.max_length} characters or fewer"

    def section_rows(self) -> list[dict[str, Any]]:
        return [
            {
                "section": section,
                "condition": describe_condition(self.definition, section.ask_if) if section.ask_if else "",
                "fields": [
                    (self[item.id], describe_condition(self.definition, item.ask_if) if item.ask_if else "")
                    for item in section.items
                ],
            }
            for section in self.sections
        ]

    def answers(self) -> dict[str, Any]:
        """What was submitted for the visible items, as engine values (None = cleared)."""
        values: dict[str, Any] = {}
        for section in self.sections:
            for item in section.items:
                value = self.cleaned_data.get(item.id)
                if value in (None, "", []):
                    values[item.id] = None
                elif isinstance(value, date):
                    values[item.id] = value.isoformat()
                elif isinstance(value, float) and value.is_integer():
                    values[item.id] = int(value)
                else:
                    values[item.id] = value
        return values


def initial_from_answers(definition: InstrumentDefinition, answers: dict[str, Any]) -> dict[str, Any]:
    initial: dict[str, Any] = {}
    for item in definition.items:
        value = answers.get(item.id)
        if value is None:
            continue
        if item.type == ItemType.DATE and isinstance(value, str):
            initial[item.id] = date.fromisoformat(value)
        else:
            initial[item.id] = value
    return initial


class StartForm(GovukFormMixin, forms.Form):
    instrument = forms.ChoiceField(label="Which tool?", widget=forms.RadioSelect, choices=[])

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instrument"].choices = choices
        self.fields["instrument"].error_messages["required"] = "Select a tool"


class CorrectionForm(GovukFormMixin, forms.Form):
    reason = forms.CharField(label="What needs correcting, and why", max_length=2000, widget=forms.Textarea)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_messages["required"] = "Enter why the assessment needs correcting"


class RecipientForm(GovukFormMixin, forms.Form):
    recipient = ModelChoiceField(label="Who is it for?", queryset=None, empty_label="Select an agency")
    purpose = forms.CharField(label="Purpose", max_length=500)

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipient"].queryset = agencies
        self.fields["recipient"].error_messages["required"] = "Select the agency the copy is for"
        self.fields["purpose"].error_messages["required"] = "Enter the purpose of sharing the assessment"
