"""The referral form (with its people and incidents) and the triage decision form."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict
from django.http import QueryDict

from masip.core.forms import (
    GovukDateField,
    GovukFormMixin,
    validate_nhs_number,
    validate_phone,
    validate_pnc,
)
from masip.core.ids import parse_id
from masip.partnerships.models import AgencyKind, Partnership
from masip.people.models import AgeRange, IdentifierScheme, Sex
from masip.people.services import PersonDetails
from masip.referrals.choices import (
    Behaviour,
    Channel,
    Offence,
    PartyRole,
    Relationship,
    StalkingView,
    TriageOutcome,
)
from masip.referrals.intake import IntakeResult, normalise_crime_reference
from masip.referrals.services import MARKERS_MESSAGE, PartyInput, ReferralInput, TriageInput

REFERRING_AGENCY_KINDS = [(k, label) for k, label in AgencyKind.choices if k not in {"pmo", "evaluation"}]


def _blank(label: str, choices) -> list[tuple[str, str]]:
    return [("", label), *list(choices)]


class ReferralDetailsForm(GovukFormMixin, forms.Form):
    source_agency_kind = forms.ChoiceField(
        label="Referring agency", choices=_blank("Select an agency", REFERRING_AGENCY_KINDS)
    )
    source_agency_name = forms.CharField(
        label="Referring team or organisation (optional)",
        max_length=200,
        required=False,
        help_text="For example, Warrington response team or Southern Health NHS Foundation Trust",
    )
    channel = forms.ChoiceField(
        label="How the referral arrived", choices=_blank("Select a channel", Channel.choices)
    )
    received_on = GovukDateField(
        label="Date received", label_for_errors="Date received", help_text="For example, 27 3 2019"
    )
    crime_reference = forms.CharField(label="Crime reference (optional)", max_length=40, required=False)
    recorded_offence = forms.ChoiceField(
        label="Offence recorded by the referrer", choices=Offence.choices, widget=forms.RadioSelect
    )
    area = forms.ChoiceField(
        label="Area where the suspect lives",
        required=False,
        help_text="The case takes its area from here; it decides whether the unit may offer direct work",
    )
    behaviours = forms.MultipleChoiceField(
        label="Behaviours reported",
        choices=Behaviour.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply",
    )
    victim_very_frightened = forms.BooleanField(label="The victim is very frightened", required=False)
    summary = forms.CharField(
        label="What was reported",
        max_length=5000,
        widget=forms.Textarea,
        help_text="The referrer's account: what has happened, and what the victim fears",
    )
    referrer_name = forms.CharField(label="Referrer's name (optional)", max_length=200, required=False)
    referrer_role = forms.CharField(
        label="Referrer's role (optional)",
        max_length=200,
        required=False,
        help_text="For example, officer in charge",
    )
    referrer_phone = forms.CharField(
        label="Referrer's phone (optional)", max_length=40, required=False, validators=[validate_phone]
    )
    referrer_email = forms.EmailField(label="Referrer's email (optional)", max_length=254, required=False)
    confirm_duplicate = forms.BooleanField(
        label="This is a separate referral with the same crime reference", required=False
    )

    def __init__(self, *args, partnership: Partnership, **kwargs):
        self.partnership = partnership
        super().__init__(*args, **kwargs)
        area = self.fields["area"]
        assert isinstance(area, forms.ChoiceField)
        area.choices = _blank("Not known", [(a, a) for a in partnership.areas])
        self.fields["referrer_email"].error_messages["invalid"] = (
            "Enter the referrer's email address in the correct format, like name@example.com"
        )
        self.fields["behaviours"].error_messages["required"] = "Select at least one behaviour reported"
        self.fields["crime_reference"].help_text = f"For example, {partnership.crime_reference_example}"

    def clean_crime_reference(self) -> str:
        try:
            return normalise_crime_reference(self.partnership, self.cleaned_data["crime_reference"])
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["crime_reference"]) from exc


class PersonForm(GovukFormMixin, forms.Form):
    full_name = forms.CharField(label="Full name", max_length=200, required=False)
    description = forms.CharField(
        label="Description, if the name is not known",
        max_length=500,
        required=False,
        help_text="For example, man who waits outside the victim's gym",
    )
    aliases = forms.CharField(
        label="Other names (optional)",
        max_length=2000,
        required=False,
        widget=forms.Textarea,
        help_text="One per line: previous names, nicknames, online usernames",
    )
    date_of_birth = GovukDateField(
        label="Date of birth (optional)",
        label_for_errors="Date of birth",
        required=False,
        help_text="For example, 31 3 1985",
        earliest=date(1900, 1, 1),
    )
    age_range = forms.ChoiceField(
        label="Age range, if the date of birth is not known",
        required=False,
        choices=_blank("Not known", AgeRange.choices),
    )
    sex = forms.ChoiceField(label="Sex", choices=Sex.choices, widget=forms.RadioSelect, initial=Sex.UNKNOWN)
    address = forms.CharField(
        label="Address (optional)", max_length=500, required=False, widget=forms.Textarea
    )
    phone = forms.CharField(
        label="Phone (optional)", max_length=40, required=False, validators=[validate_phone]
    )
    email = forms.EmailField(label="Email (optional)", max_length=254, required=False)
    pnc = forms.CharField(label="PNC ID (optional)", max_length=20, required=False, validators=[validate_pnc])
    nhs = forms.CharField(
        label="NHS number (optional)", max_length=12, required=False, validators=[validate_nhs_number]
    )
    probation_crn = forms.CharField(label="Probation CRN (optional)", max_length=20, required=False)
    relationship = forms.ChoiceField(
        label="The suspect's relationship to this victim",
        choices=_blank("Select a relationship", Relationship.choices),
    )
    match = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, role: str, heading: str = "", remove_action: str = "", **kwargs):
        self.role = role
        self.heading = heading or PartyRole(role).label
        self.remove_action = remove_action
        self.matches: list[Any] = []
        self.needs_choice = False
        super().__init__(*args, **kwargs)
        if role != PartyRole.VICTIM:
            del self.fields["relationship"]
        self.fields["email"].error_messages["invalid"] = (
            "Enter an email address in the correct format, like name@example.com"
        )

    @property
    def role_label(self) -> str:
        return PartyRole(self.role).label.lower()

    def clean(self):
        data = super().clean()
        if not (data.get("full_name", "").strip() or data.get("description", "").strip()):
            self.add_error(
                "full_name", f"Enter the {self.role_label}'s name, or a description if the name is not known"
            )
        if data.get("date_of_birth") and data.get("age_range"):
            self.add_error("age_range", "Enter a date of birth or an age range, not both")
        for alias in (data.get("aliases") or "").splitlines():
            if len(alias.strip()) > 200:
                self.add_error("aliases", "Each other name must be 200 characters or fewer")
                break
        match = (data.get("match") or "").strip()
        if match and match != "new" and parse_id(match) is None:
            self.add_error(None, "The choice of existing person was not understood; choose again")
        return data

    def details(self) -> PersonDetails:
        d = self.cleaned_data
        return PersonDetails(
            full_name=d["full_name"].strip(),
            description=d["description"].strip(),
            aliases=[a.strip() for a in d["aliases"].splitlines() if a.strip()],
            date_of_birth=d.get("date_of_birth"),
            age_range=d.get("age_range", ""),
            sex=d.get("sex") or Sex.UNKNOWN,
            address=d["address"].strip(),
            phone=d["phone"].strip(),
            email=d["email"].strip(),
            identifiers={
                k: v
                for k, v in (
                    (IdentifierScheme.PNC, d["pnc"].strip().upper()),
                    (IdentifierScheme.NHS, re.sub(r"\s", "", d["nhs"])),
                    (IdentifierScheme.PROBATION_CRN, d["probation_crn"].strip().upper()),
                )
                if v
            },
        )

    @property
    def chosen_person_id(self) -> int | None:
        match = (self.cleaned_data.get("match") or "").strip()
        return parse_id(match)


class IncidentForm(GovukFormMixin, forms.Form):
    occurred_on = GovukDateField(label="Date of the incident", label_for_errors="Date of the incident")
    description = forms.CharField(label="What happened", max_length=1000, widget=forms.Textarea)


def _reindex(data: QueryDict, prefix: str, removed: int) -> QueryDict:
    """Drop item `removed` of a repeated group and close the gap in the numbering."""
    pattern = re.compile(rf"^{re.escape(prefix)}-(\d+)-(.*)$")
    out = QueryDict(mutable=True)
    for key in data:
        found = pattern.match(key)
        if not found:
            out.setlist(key, data.getlist(key))
            continue
        index, rest = int(found.group(1)), found.group(2)
        if index == removed:
            continue
        new_index = index - 1 if index > removed else index
        out.setlist(f"{prefix}-{new_index}-{rest}", data.getlist(key))
    return out


class ReferralEntry:
    """The referral form as one unit: details, the suspect, victims and incidents.

    "Add another" and "Remove" buttons post the form back without validating
    (the GOV.UK add-another pattern, which works without JavaScript).
    """

    MAX_VICTIMS = 10
    MAX_INCIDENTS = 30

    def __init__(self, partnership: Partnership, data: QueryDict | None = None):
        self.partnership = partnership
        self.action = data.get("action", "") if data is not None else ""
        if data is not None:
            data = data.copy()
            for group in ("victim", "incident"):
                removing = re.fullmatch(rf"remove-{group}-(\d+)", self.action)
                if removing:
                    data = _reindex(data, group, int(removing.group(1)))
                    data[f"{group}_count"] = str(max(1, self._count(data, group) - 1))
            if self.action == "add-victim":
                data["victim_count"] = str(min(self.MAX_VICTIMS, self._count(data, "victim") + 1))
            if self.action == "add-incident":
                data["incident_count"] = str(min(self.MAX_INCIDENTS, self._count(data, "incident") + 1))
        self.data = data
        victims = self._count(data, "victim") if data is not None else 1
        incidents = self._count(data, "incident", minimum=0) if data is not None else 1
        self.details = ReferralDetailsForm(data, partnership=partnership, prefix="referral")
        self.suspect = PersonForm(data, prefix="suspect", role=PartyRole.SUSPECT)
        self.victims = [
            PersonForm(
                data,
                prefix=f"victim-{i}",
                role=PartyRole.VICTIM,
                heading=f"Victim {i + 1}" if victims > 1 else "Victim",
                remove_action=f"victim-{i}" if victims > 1 else "",
            )
            for i in range(victims)
        ]
        self.incidents = [
            IncidentForm(data, prefix=f"incident-{i}", empty_permitted=True, use_required_attribute=False)
            for i in range(incidents)
        ]
        self.duplicates: list[Any] = []
        self.needs_decision = False  # intake is waiting for an answer about known people or a duplicate
        self.extra_errors: list[tuple[str, str]] = []
        if data is not None and not self.is_save:
            for form in self.forms:
                form._errors = ErrorDict()  # re-display what was typed, without error messages

    def _count(self, data, group: str, minimum: int = 1) -> int:
        cap = self.MAX_VICTIMS if group == "victim" else self.MAX_INCIDENTS
        try:
            value = int(data.get(f"{group}_count", minimum))
        except (TypeError, ValueError):
            value = minimum
        return max(minimum, min(cap, value))

    @property
    def is_save(self) -> bool:
        return self.action == "save"

    @property
    def people_forms(self) -> list[PersonForm]:
        return [self.suspect, *self.victims]

    @property
    def forms(self) -> list[ReferralDetailsForm | PersonForm | IncidentForm]:
        return [self.details, *self.people_forms, *self.incidents]

    def is_valid(self) -> bool:
        valid = all(form.is_valid() for form in self.forms)
        if not valid:
            return False
        received = self.details.cleaned_data["received_on"]
        for form in self.incidents:
            occurred = form.cleaned_data.get("occurred_on")
            if occurred and occurred > received:
                form.add_error(
                    "occurred_on",
                    "Date of the incident must be on or before the date the referral was received",
                )
        return all(not form.errors for form in self.forms)

    def error_list(self) -> list[tuple[str, str]]:
        items = list(self.extra_errors)
        for form in self.forms:
            items.extend(form.error_list())
            if isinstance(form, PersonForm) and form.needs_choice:
                items.append(
                    (
                        f"{form.prefix}-match-0",
                        f"Select whether the {form.role_label} is someone already known or a new person",
                    )
                )
        if self.duplicates and self.data is not None and self.data.get("referral-duplicate_offered"):
            if not self.details.cleaned_data.get("confirm_duplicate"):
                items.append(
                    (
                        "id_referral-confirm_duplicate",
                        "Confirm this is a separate referral, or change the crime reference",
                    )
                )
        return items

    def offer_matches(self, form: PersonForm, matches: list[Any]) -> None:
        """Show matches for a person; an unanswered offer made before is an error now."""
        form.matches = matches
        choice = (form.cleaned_data.get("match") or "").strip()
        if choice and choice != "new" and choice not in {str(m.person.pk) for m in matches}:
            form.cleaned_data["match"] = ""  # chosen for what was typed before: no longer offered
        offered_before = bool(self.data and self.data.get(f"{form.prefix}-matches_offered"))
        form.needs_choice = bool(matches) and offered_before and not (form.cleaned_data.get("match") or "")

    def show_decisions(self, result: IntakeResult) -> None:
        """What intake needs answered before it saves: known people who may be the ones typed
        (in the order of `to_input`'s parties), and earlier referrals with the same crime reference."""
        for index, form in enumerate(self.people_forms):
            self.offer_matches(form, result.matches.get(index, []))
        self.duplicates = result.duplicates
        self.needs_decision = result.needs_decision

    def to_input(self) -> ReferralInput:
        d = self.details.cleaned_data
        parties = [
            PartyInput(
                role=form.role,
                details=form.details(),
                existing_person_id=form.chosen_person_id,
                confirmed_new=(form.cleaned_data.get("match") or "").strip() == "new",
                relationship_to_suspect=form.cleaned_data.get("relationship", ""),
            )
            for form in self.people_forms
        ]
        return ReferralInput(
            source_agency_kind=d["source_agency_kind"],
            source_agency_name=d["source_agency_name"].strip(),
            channel=d["channel"],
            received_on=d["received_on"],
            crime_reference=d["crime_reference"],
            recorded_offence=d["recorded_offence"],
            area=d["area"],
            behaviours=d["behaviours"],
            victim_very_frightened=d["victim_very_frightened"],
            summary=d["summary"].strip(),
            referrer_name=d["referrer_name"].strip(),
            referrer_role=d["referrer_role"].strip(),
            referrer_phone=d["referrer_phone"].strip(),
            referrer_email=d["referrer_email"].strip(),
            parties=parties,
            incidents=[
                (f.cleaned_data["occurred_on"], f.cleaned_data["description"].strip())
                for f in self.incidents
                if f.cleaned_data.get("occurred_on")
            ],
            duplicate_confirmed=bool(d.get("confirm_duplicate")),
        )


class TriageForm(GovukFormMixin, forms.Form):
    is_stalking = forms.ChoiceField(
        label="Is this stalking?", choices=StalkingView.choices, widget=forms.RadioSelect
    )
    fixated = forms.BooleanField(label="Fixated", required=False)
    fixated_note = forms.CharField(
        label="Why fixated", max_length=1000, required=False, widget=forms.Textarea
    )
    obsessive = forms.BooleanField(label="Obsessive", required=False)
    obsessive_note = forms.CharField(
        label="Why obsessive", max_length=1000, required=False, widget=forms.Textarea
    )
    unwanted = forms.BooleanField(label="Unwanted", required=False)
    unwanted_note = forms.CharField(
        label="Why unwanted", max_length=1000, required=False, widget=forms.Textarea
    )
    repeated = forms.BooleanField(label="Repeated", required=False)
    repeated_note = forms.CharField(
        label="Why repeated", max_length=1000, required=False, widget=forms.Textarea
    )
    corrected_offence = forms.ChoiceField(
        label="Correct the offence classification (optional)",
        required=False,
        choices=_blank("Keep the recorded offence", Offence.choices),
        help_text="An audit in London found about a third of harassment records were stalking",
    )
    outcome = forms.ChoiceField(
        label="What happens next?", choices=TriageOutcome.choices, widget=forms.RadioSelect
    )
    advice_text = forms.CharField(
        label="Advice to the officer in charge", max_length=5000, required=False, widget=forms.Textarea
    )
    signpost_agency = forms.CharField(label="Agency signposted to", max_length=200, required=False)
    signpost_reason = forms.CharField(
        label="Why this agency", max_length=2000, required=False, widget=forms.Textarea
    )
    close_reason = forms.CharField(
        label="Why the referral is closed", max_length=2000, required=False, widget=forms.Textarea
    )
    revision_reason = forms.CharField(
        label="Why the earlier decision is being revised",
        max_length=2000,
        required=False,
        widget=forms.Textarea,
    )
    # The decision the user was looking at, so a decision made meanwhile by
    # someone else is not silently overwritten.
    based_on = forms.CharField(required=False, widget=forms.HiddenInput)

    MARKERS = ("fixated", "obsessive", "unwanted", "repeated")

    def __init__(self, *args, revising: bool = False, **kwargs):
        self.revising = revising
        super().__init__(*args, **kwargs)
        self.fields["is_stalking"].error_messages["required"] = "Select whether this is stalking"
        self.fields["outcome"].error_messages["required"] = "Select what happens next"
        if not revising:
            del self.fields["revision_reason"]

    @property
    def marker_fields(self):
        return [(self[m], self[f"{m}_note"]) for m in self.MARKERS]

    def clean(self):
        data = super().clean()
        for marker in self.MARKERS:
            if data.get(marker) and not (data.get(f"{marker}_note") or "").strip():
                self.add_error(f"{marker}_note", f"Enter why the behaviour is {marker}")
        if data.get("is_stalking") == StalkingView.YES and not any(data.get(m) for m in self.MARKERS):
            self.add_error("fixated", MARKERS_MESSAGE)
        outcome = data.get("outcome")
        required = {
            TriageOutcome.ADVICE: [("advice_text", "Enter the advice given to the officer in charge")],
            TriageOutcome.SIGNPOST: [
                ("signpost_agency", "Enter the agency the referral is signposted to"),
                ("signpost_reason", "Enter why the referral is signposted there"),
            ],
            TriageOutcome.CLOSE: [("close_reason", "Enter why the referral is closed")],
        }
        for name, message in required.get(outcome, []):
            if not (data.get(name) or "").strip():
                self.add_error(name, message)
        if self.revising and not (data.get("revision_reason") or "").strip():
            self.add_error("revision_reason", "Enter why the earlier decision is being revised")
        return data

    def to_input(self) -> TriageInput:
        d = self.cleaned_data
        markers: dict[str, Any] = {m: bool(d.get(m)) for m in self.MARKERS}  # fixated=..., fixated_note=...
        markers |= {f"{m}_note": (d.get(f"{m}_note") or "").strip() for m in self.MARKERS}
        return TriageInput(
            is_stalking=d["is_stalking"],
            outcome=d["outcome"],
            corrected_offence=d.get("corrected_offence") or "",
            advice_text=d.get("advice_text", "").strip(),
            signpost_agency=d.get("signpost_agency", "").strip(),
            signpost_reason=d.get("signpost_reason", "").strip(),
            close_reason=d.get("close_reason", "").strip(),
            revision_reason=(d.get("revision_reason") or "").strip(),
            based_on_decision_id=parse_id(d.get("based_on")),
            **markers,
        )


class ConfirmPersonForm(GovukFormMixin, forms.Form):
    """Who a person named in a referral is, when intake could not decide: one of the people
    already known, or a new person. One question per page (GOV.UK pattern)."""

    person = forms.ChoiceField(label="", widget=forms.RadioSelect)
    # The party the page asked about: if someone else answered it meanwhile, this answer
    # must not be applied to the next person waiting.
    party = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, party: Any, candidates: list[Any], **kwargs):
        self.asked_party = party  # not self.party: that name is the form's hidden field
        super().__init__(*args, **kwargs)
        self.fields["person"].label = f"Who is the {party.get_role_display().lower()} {party.person.display_name}?"
        person = self.fields["person"]
        assert isinstance(person, forms.ChoiceField)
        person.choices = [(str(c["person"].pk), c["person"].display_name) for c in candidates] + [
            ("new", "None of these: a new person")
        ]
        self.fields["person"].error_messages["required"] = (
            "Select the person already known, or that this is a new person"
        )
        self.fields["person"].error_messages["invalid_choice"] = "Select one of the people listed, or a new person"
        self.initial.setdefault("party", str(party.pk))

    @property
    def chosen_person_id(self) -> int | None:
        value = self.cleaned_data["person"]
        return None if value == "new" else int(value)

    @property
    def answers_this_party(self) -> bool:
        return (self.cleaned_data.get("party") or "") == str(self.asked_party.pk)
