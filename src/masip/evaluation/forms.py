from __future__ import annotations

import json

from django import forms

from masip.core.forms import GovukFormMixin, VersionField

from .models import PLAN_CONTENT_FIELDS, ExtractFormat, Hypothesis, Method


class EvaluationForm(GovukFormMixin, forms.Form):
    name = forms.CharField(label="Name of the evaluation", max_length=200)


class ExtractForm(GovukFormMixin, forms.Form):
    purpose = forms.CharField(label="Why do you need this extract?", widget=forms.Textarea,
                              help_text="Recorded with the disclosure in the audit trail.")
    file_format = forms.ChoiceField(label="Format", choices=ExtractFormat.choices, widget=forms.RadioSelect,
                                    initial=ExtractFormat.CSV)
    coarsen = forms.BooleanField(
        label="Coarsen quasi-identifiers where a group has fewer than 5 people",
        help_text="Otherwise the extract is refused when any group is that small.", required=False, initial=True,
    )


def _list(text: str) -> list[str]:
    return [part.strip() for part in text.replace("\n", ",").split(",") if part.strip()]


class PlanForm(GovukFormMixin, forms.Form):
    hypothesis = forms.ChoiceField(label="Hypothesis", choices=Hypothesis.choices)
    title = forms.CharField(label="Title", max_length=200)
    outcome = forms.CharField(label="Outcome", max_length=200)
    outcome_definition = forms.CharField(label="Definition of the outcome", widget=forms.Textarea)
    population = forms.CharField(label="Population", widget=forms.Textarea)
    comparison = forms.CharField(label="Comparison", widget=forms.Textarea)
    method = forms.ChoiceField(label="Method", choices=Method.choices, widget=forms.RadioSelect)
    covariates = forms.CharField(label="Covariates", required=False, help_text="Comma-separated, e.g. risk_rank, stalker_type")
    alpha = forms.FloatField(label="Significance level", initial=0.05, min_value=0.0001, max_value=0.5)
    minimum_sample = forms.IntegerField(label="Minimum sample", min_value=2)
    below_minimum = forms.CharField(label="What is reported below the minimum sample", widget=forms.Textarea)
    subgroups = forms.CharField(label="Planned subgroups", required=False, help_text="Comma-separated")
    parameters = forms.CharField(
        label="Method settings (JSON)", required=False, widget=forms.Textarea,
        help_text='e.g. {"exposure": "direct_intervention"} or {"break_month": "2026-03", "series": "non_police"}',
    )
    version = VersionField(required=False)

    def clean_covariates(self):
        return _list(self.cleaned_data["covariates"])

    def clean_subgroups(self):
        return _list(self.cleaned_data["subgroups"])

    def clean_parameters(self):
        text = self.cleaned_data["parameters"].strip()
        if not text:
            return {}
        try:
            value = json.loads(text)
        except json.JSONDecodeError as error:
            raise forms.ValidationError(f"Enter the method settings as JSON: {error.msg} at character {error.pos}") from error
        if not isinstance(value, dict):
            raise forms.ValidationError('Enter the method settings as a JSON object, like {"exposure": "conviction"}')
        return value

    def plan_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in PLAN_CONTENT_FIELDS}

    @classmethod
    def initial_for(cls, plan) -> dict:
        data = plan.content()
        data["covariates"] = ", ".join(plan.covariates)
        data["subgroups"] = ", ".join(plan.subgroups)
        data["parameters"] = json.dumps(plan.parameters) if plan.parameters else ""
        data["version"] = plan.version
        return data


DEVIATION_FIELDS = [(n, n.replace("_", " ").capitalize()) for n in PLAN_CONTENT_FIELDS if n != "hypothesis"]


class DeviationForm(GovukFormMixin, forms.Form):
    field = forms.ChoiceField(label="Which part of the plan changes?", choices=DEVIATION_FIELDS)
    now = forms.CharField(label="What it is now", widget=forms.Textarea,
                          help_text="For lists and method settings, JSON (e.g. [\"risk_rank\"]).")
    reason = forms.CharField(label="Why the plan deviates", widget=forms.Textarea)

    def clean(self):
        data = super().clean()
        text = data.get("now", "")
        field = data.get("field")
        if field in ("covariates", "subgroups", "parameters", "alpha", "minimum_sample"):
            try:
                data["now"] = json.loads(text)
            except json.JSONDecodeError:
                self.add_error("now", "Enter the new value as JSON, like 0.01 or [\"risk_rank\"]")
        return data
