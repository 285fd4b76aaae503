"""Forms for meetings, actions and plans. They check shape; the services hold the rules."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from masip.access.models import Category
from masip.cases.models import Case, RiskRank, StalkerType
from masip.core.forms import (
    GovukDateField,
    GovukFormMixin,
    ModelChoiceField,
    PickField,
    VersionField,
    staff_label,
)
from masip.core.ids import parse_id
from masip.meetings.models import AttendanceStatus
from masip.partnerships.models import Agency, Cadence
from masip.referrals.forms import TriageForm


class ScheduleForm(GovukFormMixin, forms.Form):
    series = ModelChoiceField(label="Meeting", queryset=None, empty_label="Select a meeting")
    first = GovukDateField(
        label="Date of the first meeting",
        label_for_errors="Date of the first meeting",
        allow_future=True,
        help_text="For example, 2 12 2026",
    )
    count = forms.IntegerField(
        label="How many meetings",
        min_value=1,
        max_value=20,
        initial=1,
        help_text="Following the meeting's cadence, for example 5 for a week of daily meetings. "
        "A meeting held as needed is scheduled one at a time",
    )
    starts_at = forms.TimeField(
        label="Start time (optional)",
        required=False,
        help_text="For example, 09:30",
        input_formats=["%H:%M", "%H.%M", "%H%M"],
    )
    location = forms.CharField(label="Where (optional)", max_length=200, required=False)
    chair = ModelChoiceField(
        label="Chair (optional)", queryset=None, required=False, empty_label="Not decided"
    )
    purpose = forms.CharField(
        label="Purpose (optional)",
        max_length=2000,
        required=False,
        widget=forms.Textarea,
        help_text="For a one-off meeting such as a complex case consultation: why it is called",
    )

    def __init__(self, *args, series, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["series"].queryset = series
        self.fields["series"].label_from_instance = lambda s: f"{s.name} ({s.get_cadence_display().lower()})"
        self.fields["chair"].queryset = staff
        self.fields["chair"].label_from_instance = staff_label
        self.fields["series"].error_messages["required"] = "Select the meeting to schedule"
        self.fields["count"].error_messages.update(
            min_value="Schedule at least 1 meeting",
            max_value="Schedule at most 20 meetings at a time",
            invalid="Enter how many meetings as a whole number",
        )
        self.fields["starts_at"].error_messages["invalid"] = "Enter the start time like 09:30"

    def clean(self):
        data = super().clean()
        series = data.get("series")
        if series is not None and series.cadence == Cadence.AS_NEEDED and data.get("count", 1) != 1:
            self.add_error("count", f"{series.name} meets as needed: schedule one meeting at a time")
        return data


class AttendanceForm(GovukFormMixin, forms.Form):
    """One choice per member of staff (present, apologies, or not expected) and an optional guest."""

    version = VersionField()
    guest_name = forms.CharField(label="Name", max_length=200, required=False)
    guest_role = forms.CharField(label="Role (optional)", max_length=200, required=False)
    guest_agency = ModelChoiceField(
        label="Partner agency", queryset=None, required=False, empty_label="Not from a partner agency"
    )
    guest_organisation = forms.CharField(
        label="Or the organisation they are from, outside the partnership",
        max_length=200,
        required=False,
        help_text="For example, Crown Prosecution Service London, or Lambeth MARAC",
    )
    guest_status = forms.ChoiceField(
        label="Attendance",
        choices=AttendanceStatus.choices,
        initial="present",
        widget=forms.RadioSelect,
        required=False,
    )
    remove_guests = forms.MultipleChoiceField(
        label="Remove guests", required=False, widget=forms.CheckboxSelectMultiple
    )

    STAFF_CHOICES = [("present", "Present"), ("apologies", "Apologies"), ("", "Not expected")]

    def __init__(self, *args, staff, agencies, guests, current, **kwargs):
        super().__init__(*args, **kwargs)
        self.staff = list(staff)
        for user in self.staff:
            self.fields[f"staff_{user.pk}"] = forms.ChoiceField(
                label=staff_label(user),
                choices=self.STAFF_CHOICES,
                required=False,
                widget=forms.RadioSelect,
                initial=current.get(user.pk, ""),
            )
        self.fields["guest_agency"].queryset = agencies
        self.fields["remove_guests"].choices = [(str(g.pk), f"{g.name} ({g.affiliation})") for g in guests]

    def staff_fields(self):
        return [self[f"staff_{u.pk}"] for u in self.staff]

    def clean(self):
        data = super().clean()
        name = data.get("guest_name", "").strip()
        agency, organisation = data.get("guest_agency"), data.get("guest_organisation", "").strip()
        if name and not agency and not organisation:
            self.add_error("guest_agency", "Select the guest's partner agency, or enter the organisation they are from")
        if agency and organisation:
            self.add_error(
                "guest_organisation",
                "Enter an organisation only for a guest who is not from a partner agency: choose one or the other",
            )
        if (agency or organisation) and not name:
            self.add_error("guest_name", "Enter the guest's name")
        return data

    def staff_statuses(self) -> dict[int, str]:
        return {u.pk: self.cleaned_data.get(f"staff_{u.pk}") or "" for u in self.staff}


class ShareForm(GovukFormMixin, forms.Form):
    source_agency = PickField(label="Shared by")
    category = forms.ChoiceField(
        label="Category",
        choices=[("", "Select a category"), *Category.choices],
        help_text="Decides who may read it later: only agencies that need to know this category, "
        "under an information sharing agreement",
    )
    title = forms.CharField(label="Summary line", max_length=200)
    body = forms.CharField(label="What the agency shared", max_length=10000, widget=forms.Textarea)

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source_agency"].choices = [("", "Select an agency")] + [
            (str(a.pk), str(a)) for a in agencies
        ]
        self.fields["source_agency"].error_messages["required"] = "Select the agency that shared it"
        self.fields["category"].error_messages["required"] = "Select the category of the information"

    def clean_source_agency(self):
        agency = Agency.objects.filter(pk=parse_id(self.cleaned_data["source_agency"])).first()
        if agency is None:
            raise ValidationError("Select the agency that shared it")
        return agency


RISK_CHOICES = [("", "No change agreed")] + [(str(v), label) for v, label in RiskRank.choices if v]
TYPE_CHOICES = [("", "No change agreed"), *StalkerType.choices]


class DiscussionForm(GovukFormMixin, forms.Form):
    version = VersionField()
    discussion = forms.CharField(
        label="Discussion",
        max_length=20000,
        required=False,
        widget=forms.Textarea,
        help_text="Everyone in the partnership who can see the case can read this. Record what an agency shared "
        "under its category above, not here",
    )
    agreed_risk_rank = forms.TypedChoiceField(
        label="Agreed risk level", choices=RISK_CHOICES, required=False, coerce=int, empty_value=None
    )
    agreed_stalker_type = forms.ChoiceField(label="Agreed stalker type", choices=TYPE_CHOICES, required=False)
    next_steps = forms.CharField(label="Next steps", max_length=5000, required=False, widget=forms.Textarea)
    keep_on_agenda = forms.BooleanField(label="Keep on the agenda for the next meeting", required=False)
    refer_to = ModelChoiceField(
        label="Refer to another meeting (optional)", queryset=None, required=False, empty_label="No referral"
    )

    def __init__(self, *args, series, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["refer_to"].queryset = series
        self.fields["refer_to"].label_from_instance = lambda s: s.name


class ItemAddForm(GovukFormMixin, forms.Form):
    case_reference = forms.CharField(
        label="Case reference", max_length=20, help_text="For example, LON-C00012"
    )
    reason = forms.CharField(
        label="Why should the meeting discuss it?", max_length=2000, widget=forms.Textarea
    )

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.partnership = partnership
        self.fields["case_reference"].error_messages["required"] = "Enter the case reference"
        self.fields["reason"].error_messages["required"] = "Enter why the meeting should discuss the case"

    def clean_case_reference(self):
        reference = self.cleaned_data["case_reference"].strip().upper()
        case = Case.objects.filter(partnership=self.partnership, reference=reference).first()
        if case is None:
            raise ValidationError(f"There is no case {reference} in {self.partnership}")
        return case


class ReasonForm(GovukFormMixin, forms.Form):
    reason = forms.CharField(label="Why take it off the agenda?", max_length=2000, widget=forms.Textarea)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_messages["required"] = "Enter why the case is being taken off the agenda"


class MeetingTriageForm(TriageForm):
    """The triage form of the triage queue (referrals.forms.TriageForm: the same questions and checks),
    with what the meeting said about the referral."""

    version = VersionField()
    discussion = forms.CharField(
        label="What the meeting said (optional)",
        max_length=20000,
        required=False,
        widget=forms.Textarea,
        help_text="Record what an agency shared under its category above, not here",
    )
