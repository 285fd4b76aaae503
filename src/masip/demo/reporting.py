"""Demo programme records: training, consultancy, how each partnership collects its return, and staff posts.

Matching the report's first return: Cheshire counts the people it trains
precisely (1,193 over the window), Hampshire approximately (">930"), London
counts only its probation staff's training (">110"), and Hampshire did not
collect victims supported. Events are spread over the seven months before
today, so at least two complete quarters (three at most times of year) have
figures. Posts have some turnover and one vacancy in each partnership.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TypedDict

from django.db import transaction
from django.utils import timezone

from masip.accounts.models import User
from masip.partnerships.models import AgencyKind, Partnership
from masip.reporting.models import (
    CollectionBasis,
    Consultancy,
    Post,
    PostHolding,
    TrainingEvent,
)

WINDOW_DAYS = 204

# (held days before today's window end, outward?, topic, audience, number, approximate?)
class TrainingSpec(TypedDict):
    trainer: str
    numbers: list[int]  # people trained at each event
    approximate: bool
    audiences: list[list[str]]  # agency kinds at each event


TRAINING: dict[str, TrainingSpec] = {
    "cheshire": {
        "trainer": "IASU detective sergeant and psychologist",
        "numbers": [212, 187, 164, 151, 138, 126, 118, 97],  # 1,193 people, counted from sign-in sheets
        "approximate": False,
        "audiences": [["police"], ["police", "cps"], ["health"], ["probation", "crc"], ["police"], ["idva"],
                      ["social_services"], ["police"]],
    },
    "hampshire": {
        "trainer": "Force stalking co-ordinator",
        "numbers": [400, 300, 230],  # ">930": briefings whose attendance was estimated
        "approximate": True,
        "audiences": [["police"], ["police", "cps"], ["health", "victim_advocacy"]],
    },
    "london": {
        "trainer": "National Probation Service - London",
        "numbers": [45, 35, 30],  # ">110": probation only, estimated
        "approximate": True,
        "audiences": [["probation"], ["probation"], ["probation", "crc"]],
    },
}

TOPICS = ["Recognising stalking (FOUR)", "Stalking and the s.2A/s.4A offences", "Risk screening with S-DASH",
          "Stalking protection orders", "Working with the unit: referral pathway"]
PLACES = ["Force headquarters", "Divisional training suite", "Online", "Magistrates' court", "Probation office"]

BASES: dict[str, list[tuple[str, bool, str]]] = {
    "cheshire": [("people_trained", True, "Precise counts from sign-in sheets")],
    "hampshire": [("victims_supported", False, "Not collected in the first return"),
                  ("people_trained", True, "Approximate counts")],
    "london": [("people_trained", True, "Probation only; approximate counts")],
}

CONSULTANCY = {
    "cheshire": [("oic_advice", AgencyKind.POLICE), ("psr_advice", AgencyKind.PROBATION), ("oic_advice", AgencyKind.POLICE)],
    "hampshire": [("complex_case", AgencyKind.POLICE), ("oic_advice", AgencyKind.POLICE)],
    "london": [("probation_clinic", AgencyKind.PROBATION), ("probation_clinic", AgencyKind.PROBATION),
               ("complex_case", AgencyKind.HEALTH), ("oic_advice", AgencyKind.POLICE)],
}

# Posts by agency kind: role, FTE, funded by the programme.
POSTS: dict[str, list[tuple[str, str, bool]]] = {
    AgencyKind.POLICE: [("Detective sergeant", "1", True), ("Detective constable", "1", True)],
    AgencyKind.HEALTH: [("Clinical psychologist", "0.8", True)],
    AgencyKind.VICTIM_ADVOCACY: [("Stalking advocate", "1", True)],
    AgencyKind.PROBATION: [("Probation officer", "0.5", False)],
}
FORMER_HOLDERS = ["Jordan Avery", "Casey Brook", "Morgan Hale", "Riley Shaw"]


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(16, 0)))


@transaction.atomic
def seed_reporting(partnerships: dict[str, Partnership], *, rng: random.Random, today: date) -> int:
    rows = 0
    start = today - timedelta(days=WINDOW_DAYS)
    for slug, partnership in partnerships.items():
        recorder = User.objects.filter(memberships__partnership=partnership, memberships__role="unit_manager").first()
        for figure, collected, note in BASES.get(slug, []):
            CollectionBasis.objects.update_or_create(partnership=partnership, figure=figure,
                                                     defaults={"collected": collected, "note": note})
            rows += 1
        spec = TRAINING[slug]
        events = []
        for i, (number, audience) in enumerate(zip(spec["numbers"], spec["audiences"], strict=True)):
            held = start + timedelta(days=int((i + 0.5) * WINDOW_DAYS / len(spec["numbers"])) + rng.randint(-5, 5))
            events.append(TrainingEvent(
                partnership=partnership, direction="outward", held_on=held, topic=rng.choice(TOPICS),
                trainer=spec["trainer"], place=rng.choice(PLACES), audience_kinds=audience, number_trained=number,
                number_is_lower_bound=spec["approximate"], recorded_by=recorder, recorded_at=_at(held),
            ))
        srp = start + timedelta(days=rng.randint(20, 120))
        events.append(TrainingEvent(
            partnership=partnership, direction="inward", held_on=srp, topic="Stalking Risk Profile (SRP) course",
            trainer="SRP accredited trainers", place="Online", audience_kinds=[], number_trained=rng.randint(3, 6),
            recorded_by=recorder, recorded_at=_at(srp),
        ))
        TrainingEvent.objects.bulk_create(events)
        rows += len(events)
        consultancy = []
        for kind, agency_kind in CONSULTANCY[slug]:
            given = start + timedelta(days=rng.randint(0, WINDOW_DAYS - 1))
            consultancy.append(Consultancy(partnership=partnership, kind=kind, agency_kind=agency_kind, given_on=given,
                                           recorded_by=recorder, recorded_at=_at(given)))
        Consultancy.objects.bulk_create(consultancy)
        rows += len(consultancy)
        rows += _seed_posts(partnership, rng=rng, today=today)
    return rows


def _seed_posts(partnership: Partnership, *, rng: random.Random, today: date) -> int:
    began = today - timedelta(days=WINDOW_DAYS + 150)
    staff = list(User.objects.filter(memberships__partnership=partnership, memberships__role__in=[
        "unit_manager", "triage_lead", "practitioner"]).select_related("agency").order_by("username"))
    rows, posts = 0, []
    for partner in partnership.partner_agencies.select_related("agency").order_by("agency__name"):
        for role, fte, funded in POSTS.get(partner.agency.kind, []):
            posts.append(Post.objects.create(
                partnership=partnership, agency=partner.agency, role=role, fte=Decimal(fte), programme_funded=funded,
                starts_on=began, recorded_at=_at(began),
            ))
    rows += len(posts)
    unused = list(staff)
    for index, post in enumerate(posts):
        holder = next((u for u in unused if u.agency_id == post.agency_id), None)
        if index == 1:
            # Vacant since its holder left two months ago.
            PostHolding.objects.create(post=post, holder_name=rng.choice(FORMER_HOLDERS), starts_on=post.starts_on,
                                       ends_on=today - timedelta(days=60))
            rows += 1
            continue
        if index == 0 and holder is not None:
            # Turnover: someone else held it until the present holder arrived.
            changed = post.starts_on + timedelta(days=120)
            PostHolding.objects.create(post=post, holder_name=rng.choice(FORMER_HOLDERS), starts_on=post.starts_on,
                                       ends_on=changed - timedelta(days=1))
            PostHolding.objects.create(post=post, user=holder, starts_on=changed)
            unused.remove(holder)
            rows += 2
            continue
        if holder is not None:
            unused.remove(holder)
            PostHolding.objects.create(post=post, user=holder, starts_on=post.starts_on)
        else:
            PostHolding.objects.create(post=post, holder_name=rng.choice(FORMER_HOLDERS[::-1]), starts_on=post.starts_on)
        rows += 1
    return rows
