from __future__ import annotations

from decimal import Decimal

from django import forms

from masip.core.forms import GovukDateField, GovukFormMixin, ModelChoiceField, VersionField
from masip.partnerships.models import AgencyKind
from masip.reporting.models import ConsultancyKind, TrainingDirection

# Audiences the report names: police, probation, courts, health, and others.
AUDIENCE_CHOICES = [
    (k, label) for k, label in AgencyKind.choices if k not in (AgencyKind.PMO, AgencyKind.EVALUATION)
]


class TrainingForm(GovukFormMixin, forms.Form):
    direction = forms.ChoiceField(label="Training", choices=TrainingDirection.choices, widget=forms.RadioSelect)
    held_on = GovukDateField(label="Date held", label_for_errors="Date held")
    topic = forms.CharField(label="Topic", max_length=200)
    trainer = forms.CharField(label="Trainer", max_length=200, help_text="Who gave the training.")
    place = forms.CharField(label="Place (optional)", max_length=200, required=False)
    audience_kinds = forms.MultipleChoiceField(
        label="Audience", choices=AUDIENCE_CHOICES, widget=forms.CheckboxSelectMultiple, required=False,
        help_text="The agencies the people trained came from (for training the unit delivered).",
    )
    number_trained = forms.IntegerField(label="Number trained", min_value=1, max_value=100000)
    number_is_lower_bound = forms.BooleanField(
        label="The number is approximate: at least this many were trained", required=False,
        help_text="Shown as, for example, '>930'.",
    )
    notes = forms.CharField(label="Notes (optional)", max_length=2000, required=False, widget=forms.Textarea)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["direction"].error_messages["required"] = "Select whether the unit delivered or received the training"
        self.fields["number_trained"].error_messages.update(
            invalid="Number trained must be a whole number, like 25",
            min_value="Number trained must be 1 or more",
            max_value="Number trained must be 100,000 or fewer",
        )

    def training_data(self) -> dict:
        d = dict(self.cleaned_data)
        d.pop("version", None)
        d.pop("reason", None)
        return d


class TrainingCorrectForm(TrainingForm):
    version = VersionField()
    reason = forms.CharField(label="Why you are correcting it", max_length=1000, widget=forms.Textarea)


class ConsultancyForm(GovukFormMixin, forms.Form):
    kind = forms.ChoiceField(label="Kind of consultancy", choices=ConsultancyKind.choices, widget=forms.RadioSelect)
    agency_kind = forms.ChoiceField(label="Agency advised", choices=[("", "Select an agency"), *AUDIENCE_CHOICES])
    agency_name = forms.CharField(label="Agency's name (optional)", max_length=200, required=False)
    given_on = GovukDateField(label="Date given", label_for_errors="Date given")
    notes = forms.CharField(
        label="Notes (optional)", max_length=2000, required=False, widget=forms.Textarea,
        help_text="No names: this register is not case information.",
    )

    def consultancy_data(self) -> dict:
        d = dict(self.cleaned_data)
        d.pop("version", None)
        d.pop("reason", None)
        return d


class ConsultancyCorrectForm(ConsultancyForm):
    version = VersionField()
    reason = forms.CharField(label="Why you are correcting it", max_length=1000, widget=forms.Textarea)


class PostForm(GovukFormMixin, forms.Form):
    agency = ModelChoiceField(label="Agency", queryset=None, empty_label="Select an agency")
    role = forms.CharField(label="Role", max_length=200, help_text="For example, Independent stalking advocate.")
    programme_funded = forms.BooleanField(label="Funded by the programme", required=False)
    fte = forms.DecimalField(
        label="Full-time equivalent (FTE)", max_digits=4, decimal_places=2, min_value=Decimal("0.01"),
        max_value=Decimal("1"), help_text="1 for full time, 0.5 for half time.",
    )
    starts_on = GovukDateField(label="Post starts", label_for_errors="Post start date", allow_future=True)
    ends_on = GovukDateField(label="Post ends (optional)", label_for_errors="Post end date", required=False,
                             allow_future=True)

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
        self.fields["fte"].error_messages.update(
            invalid="FTE must be a number, like 0.5",
            min_value="FTE must be between 0.01 and 1, like 0.5 for half time",
            max_value="FTE must be between 0.01 and 1, like 0.5 for half time",
            max_digits="FTE must be between 0.01 and 1, like 0.5 for half time",
            max_decimal_places="FTE can have at most 2 decimal places, like 0.75",
        )

    def post_data(self) -> dict:
        d = dict(self.cleaned_data)
        d.pop("version", None)
        return d


class HoldingForm(GovukFormMixin, forms.Form):
    user = ModelChoiceField(label="Member of staff", queryset=None, required=False, empty_label="Select")
    holder_name = forms.CharField(label="Or their name, if they have no account", max_length=200, required=False)
    starts_on = GovukDateField(label="In post from", label_for_errors="Start date", allow_future=True)
    ends_on = GovukDateField(label="Left the post on (optional)", label_for_errors="End date", required=False,
                             allow_future=True)

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = staff
        self.fields["user"].label_from_instance = lambda u: f"{u.get_full_name() or u.username} ({u.agency})"

    def holding_data(self) -> dict:
        d = dict(self.cleaned_data)
        d.pop("version", None)
        return d


class PostEditForm(PostForm):
    version = VersionField()


class HoldingEditForm(HoldingForm):
    version = VersionField()


class CaseloadDayForm(GovukFormMixin, forms.Form):
    on = GovukDateField(label="Caseload on", label_for_errors="The day", allow_future=False)


class FileReturnForm(GovukFormMixin, forms.Form):
    for_publication = forms.BooleanField(
        label="Mark for publication (small numbers are suppressed when published)", required=False
    )
    note = forms.CharField(label="Note for the Home Office (optional)", max_length=2000, required=False,
                           widget=forms.Textarea)


class CollectionForm(GovukFormMixin, forms.Form):
    """Per return figure: whether the partnership collects it, and a note on how."""

    version = VersionField()

    def __init__(self, *args, labels: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        for code, label in labels.items():
            self.fields[f"collected_{code}"] = forms.BooleanField(label=f"{label}: collected", required=False)
            self.fields[f"note_{code}"] = forms.CharField(
                label=f"{label}: how it is collected (optional)", max_length=300, required=False,
                help_text="For example, 'Approximate counts' or 'Probation only'.",
            )
        self.codes = list(labels)

    def bases(self) -> dict[str, tuple[bool, str]]:
        d = self.cleaned_data
        return {code: (d[f"collected_{code}"], d[f"note_{code}"]) for code in self.codes}
