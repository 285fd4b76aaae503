"""API representations. Writes go through the same services as the pages."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from rest_framework import serializers

from masip.core.forms import validate_nhs_number, validate_phone, validate_pnc
from masip.partnerships.models import AgencyKind
from masip.people.models import AgeRange, Sex
from masip.referrals.choices import Behaviour, Channel, Offence, Relationship
from masip.referrals.intake import normalise_crime_reference


class PartySerializer(serializers.Serializer):
    role = serializers.CharField(source="get_role_display")
    person_id = serializers.IntegerField()
    name = serializers.CharField(source="person.display_name")
    relationship_to_suspect = serializers.CharField()


class ReferralPartySerializer(PartySerializer):
    # Intake could not tell whether this is someone already known: triage confirms who it is.
    awaiting_confirmation = serializers.BooleanField(source="match_pending")


class IncidentSerializer(serializers.Serializer):
    occurred_on = serializers.DateField()
    description = serializers.CharField(max_length=1000)

    def validate_occurred_on(self, value: date) -> date:
        if value > timezone.localdate():
            raise serializers.ValidationError("The incident date must be today or in the past.")
        return value


class ReferralSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    partnership = serializers.CharField(source="partnership.slug")
    status = serializers.CharField()
    received_on = serializers.DateField()
    channel = serializers.CharField()
    source_agency_kind = serializers.CharField()
    crime_reference = serializers.CharField()
    recorded_offence = serializers.CharField()
    current_offence = serializers.CharField()
    behaviours = serializers.ListField(child=serializers.CharField())
    victim_very_frightened = serializers.BooleanField()
    summary = serializers.CharField()
    case = serializers.CharField(source="case.reference", allow_null=True, default=None)
    parties = ReferralPartySerializer(many=True, source="parties.all")


class NewPersonSerializer(serializers.Serializer):
    """A person as the sending system knows them. Identifiers and contact details let the
    unit recognise someone it already knows (referrals.intake)."""

    full_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    description = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    aliases = serializers.ListField(
        child=serializers.CharField(max_length=200), required=False, default=list, max_length=20
    )
    date_of_birth = serializers.DateField(required=False, allow_null=True, default=None)
    age_range = serializers.ChoiceField(choices=AgeRange.choices, required=False, allow_blank=True, default="")
    sex = serializers.ChoiceField(choices=Sex.choices, required=False, default=Sex.UNKNOWN)
    relationship_to_suspect = serializers.ChoiceField(choices=Relationship.choices, required=False, default="")
    pnc = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    nhs_number = serializers.CharField(max_length=12, required=False, allow_blank=True, default="")
    probation_crn = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    address = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")

    def validate_pnc(self, value: str) -> str:
        return _django_validated(validate_pnc, value)

    def validate_nhs_number(self, value: str) -> str:
        return _django_validated(validate_nhs_number, value)

    def validate_phone(self, value: str) -> str:
        return _django_validated(validate_phone, value)

    def validate(self, data):
        if not (data.get("full_name", "").strip() or data.get("description", "").strip()):
            raise serializers.ValidationError("Give a name, or a description if the name is not known.")
        if data.get("date_of_birth") and data["date_of_birth"] > timezone.localdate():
            raise serializers.ValidationError({"date_of_birth": "The date of birth must be in the past."})
        return data


def _django_validated(validator, value: str) -> str:
    """Run one of the form's validators, so the API and the form refuse the same things."""
    try:
        validator(value)
    except DjangoValidationError as exc:
        raise serializers.ValidationError(exc.messages) from exc
    return value


class ReferralIntakeSerializer(serializers.Serializer):
    """A referral sent by another system (a police force's or NHS trust's).

    It goes through the same intake as the form (referrals.intake): a person is linked to
    someone already known only on one clear strong match (a shared PNC ID, or the same
    name and date of birth); otherwise the referral waits in triage with its candidate
    matches for the triager to confirm.
    """

    source_agency_kind = serializers.ChoiceField(choices=[k for k in AgencyKind.choices if k[0] not in ("pmo", "evaluation")])
    source_agency_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    channel = serializers.ChoiceField(choices=Channel.choices)
    received_on = serializers.DateField()
    crime_reference = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    recorded_offence = serializers.ChoiceField(choices=Offence.choices)
    area = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    behaviours = serializers.ListField(child=serializers.ChoiceField(choices=Behaviour.choices), allow_empty=False)
    victim_very_frightened = serializers.BooleanField(default=False)
    summary = serializers.CharField(max_length=5000)
    referrer_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    referrer_email = serializers.EmailField(required=False, allow_blank=True, default="")
    suspect = NewPersonSerializer()
    victims = NewPersonSerializer(many=True, allow_empty=False)
    incidents = IncidentSerializer(many=True, required=False, default=list)

    def validate_received_on(self, value: date) -> date:
        if value > timezone.localdate():
            raise serializers.ValidationError("The date received must be today or in the past.")
        return value

    def validate(self, data):
        partnership = self.context["partnership"]
        try:
            data["crime_reference"] = normalise_crime_reference(partnership, data.get("crime_reference", ""))
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.message_dict) from exc
        if data.get("area") and data["area"] not in partnership.areas:
            raise serializers.ValidationError({"area": f"Not an area of {partnership.name}."})
        for index, victim in enumerate(data["victims"]):
            if not victim.get("relationship_to_suspect"):
                raise serializers.ValidationError({"victims": {index: "Give the suspect's relationship to this victim."}})
        for incident in data.get("incidents", []):
            if incident["occurred_on"] > data["received_on"]:
                raise serializers.ValidationError({"incidents": "Incidents must be on or before the date received."})
        return data


class CaseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    partnership = serializers.CharField(source="partnership.slug")
    status = serializers.CharField()
    opened_on = serializers.DateField()
    closed_on = serializers.DateField(allow_null=True)
    parties = PartySerializer(many=True, source="parties.all")
    referrals = serializers.SerializerMethodField()

    def get_referrals(self, case) -> list[str]:
        return [r.reference for r in case.referrals.all()]


# What the API answers, for the OpenAPI schema (the views build these bodies by hand).


class ReferralPageSerializer(serializers.Serializer):
    page = serializers.IntegerField(min_value=1)
    results = ReferralSerializer(many=True)


class IntakePersonSerializer(serializers.Serializer):
    role = serializers.CharField()
    linked = serializers.CharField(
        help_text="'new', 'matched' (one clear strong match) or 'waiting' (candidates for triage to confirm)."
    )
    candidates = serializers.IntegerField(help_text="How many known people triage is asked to choose from.")


class ReferralCreatedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    status = serializers.CharField()
    waiting_for_confirmation = serializers.BooleanField(
        help_text="Someone in it may be a person already known: triage confirms before it goes further."
    )
    people = IntakePersonSerializer(many=True, help_text="The suspect first, then each victim, as sent.")
    open_case = serializers.CharField(
        allow_null=True, help_text="The reference of the open case the suspect already has, if any."
    )
    possible_duplicate_of = serializers.CharField(
        required=False, help_text="The reference of an earlier referral with the same crime reference."
    )


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
