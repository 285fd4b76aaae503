"""API representations. Writes go through the same services as the pages."""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from rest_framework import serializers

from masip.partnerships.models import AgencyKind
from masip.people.models import AgeRange, Sex
from masip.referrals.choices import Behaviour, Channel, Offence, Relationship


class PartySerializer(serializers.Serializer):
    role = serializers.CharField(source="get_role_display")
    person_id = serializers.IntegerField()
    name = serializers.CharField(source="person.display_name")
    relationship_to_suspect = serializers.CharField()


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
    parties = PartySerializer(many=True, source="parties.all")


class NewPersonSerializer(serializers.Serializer):
    full_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    description = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    date_of_birth = serializers.DateField(required=False, allow_null=True, default=None)
    age_range = serializers.ChoiceField(choices=AgeRange.choices, required=False, allow_blank=True, default="")
    sex = serializers.ChoiceField(choices=Sex.choices, required=False, default=Sex.UNKNOWN)
    relationship_to_suspect = serializers.ChoiceField(choices=Relationship.choices, required=False, default="")

    def validate(self, data):
        if not (data.get("full_name", "").strip() or data.get("description", "").strip()):
            raise serializers.ValidationError("Give a name, or a description if the name is not known.")
        if data.get("date_of_birth") and data["date_of_birth"] > timezone.localdate():
            raise serializers.ValidationError({"date_of_birth": "The date of birth must be in the past."})
        return data


class ReferralIntakeSerializer(serializers.Serializer):
    """A referral sent by another system (a police force's or NHS trust's).

    People are always created new here; the unit links them to known people
    when it triages (search-before-create needs a person's judgement).
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
        import re

        partnership = self.context["partnership"]
        reference = re.sub(r"\s+", "", data.get("crime_reference", "")).upper()
        if reference and not re.match(partnership.crime_reference_pattern, reference):
            raise serializers.ValidationError(
                {"crime_reference": f"Use the format {partnership.name} uses, like {partnership.crime_reference_example}."}
            )
        data["crime_reference"] = reference
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
