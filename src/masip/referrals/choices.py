"""The vocabulary of referrals and triage, in the field's own terms."""

from django.db import models


class Channel(models.TextChoices):
    POLICE_FORM = "police_form", "Police referral form"
    POLICE_SCAN = "police_scan", "Police-system scan"
    HELPLINE = "helpline", "Stalking helpline"
    NHS = "nhs", "NHS"
    PROBATION = "probation", "Probation"
    IDVA = "idva", "IDVA"
    MARAC = "marac", "MARAC"
    SOCIAL_SERVICES = "social_services", "Social services"
    SELF = "self", "Self-referral"


class Offence(models.TextChoices):
    """Protection from Harassment Act 1997 classifications."""

    HARASSMENT_S2 = "s2", "Harassment (s.2)"
    HARASSMENT_S4 = "s4", "Harassment with fear of violence (s.4)"
    STALKING_S2A = "s2a", "Stalking (s.2A)"
    STALKING_S4A = "s4a", "Stalking with fear of violence or serious alarm or distress (s.4A)"
    OTHER = "other", "Other offence"
    NONE = "none", "No offence recorded"


class Relationship(models.TextChoices):
    """The suspect's relationship to a victim."""

    EX_INTIMATE = "ex_intimate", "Ex-intimate partner"
    FAMILY = "family", "Family member"
    ACQUAINTANCE = "acquaintance", "Acquaintance or friend"
    WORK = "work", "Work colleague"
    PROFESSIONAL = "professional", "Professional contact"
    NEIGHBOUR = "neighbour", "Neighbour"
    STRANGER = "stranger", "Stranger"
    PUBLIC_FIGURE = "public_figure", "Victim is a public figure"
    UNKNOWN = "unknown", "Not known"


class Behaviour(models.TextChoices):
    FOLLOWING = "following", "Following"
    PHONE = "phone", "Contact by phone"
    MESSAGES = "messages", "Contact by text or messaging apps"
    SOCIAL_MEDIA = "social_media", "Contact through social media"
    TURNING_UP = "turning_up", "Turning up at home, work or elsewhere"
    LOITERING = "loitering", "Loitering nearby"
    GIFTS = "gifts", "Sending gifts or items"
    PROPERTY_DAMAGE = "property_damage", "Damaging property"
    THREATS = "threats", "Threats"
    VIOLENCE = "violence", "Violence"
    THIRD_PARTY = "third_party", "Contact through third parties"
    MONITORING = "monitoring", "Monitoring or tracking"
    OTHER = "other", "Other"


class PartyRole(models.TextChoices):
    VICTIM = "victim", "Victim"
    SUSPECT = "suspect", "Suspect"
    OTHER = "other", "Other person"


class ReferralStatus(models.TextChoices):
    """Where a referral stands: the outcome of its current triage decision."""

    UNTRIAGED = "untriaged", "Awaiting triage"
    ACCEPTED = "accept", "Accepted into the unit"
    ADVICE = "advice", "Advice to the officer in charge"
    SIGNPOSTED = "signpost", "Signposted to another agency"
    CLOSED = "close", "Closed"


class TriageOutcome(models.TextChoices):
    ACCEPT = "accept", "Accept into the unit"
    ADVICE = "advice", "Advice only to the officer in charge"
    SIGNPOST = "signpost", "Signpost to another agency"
    CLOSE = "close", "Close"


class StalkingView(models.TextChoices):
    YES = "yes", "Yes, this is stalking"
    NO = "no", "No, this is not stalking"
    UNSURE = "unsure", "Not sure yet"
