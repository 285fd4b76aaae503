"""Demo assessments, done the way each partnership works (docs/domain.md, "Instruments"):
S-DASH with Hampshire's police referrals and at triage; SASH at London's
screening; Cheshire's screening questionnaire and Case Analysis Summaries;
SRPs on accepted cases, with stalker types following the relationship (so
rejected ex-partner stalkers are 68-79% as the report found); and
reassessments showing change after an intervention on some cases.

Answers are generated, then scored by the same engine the application uses,
so every stored result is one the engine would give.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone

from masip.assessments.engine import ItemType, applicable_item_ids, evaluate
from masip.assessments.instruments import definition as instrument_definition
from masip.assessments.models import Assessment, AssessmentStatus, Contribution
from masip.cases.models import Case
from masip.demo.clock import moment
from masip.partnerships.models import Membership, Partnership, Role
from masip.referrals.models import Referral, ReferralParty

NOTES = [
    "Discussed with the officer in charge and the victim advocate.",
    "Based on police records, the victim's account and health information shared for this purpose.",
    "Contact continues despite warnings; fixation on the former relationship.",
]
OTHER_TYPES = [("resentful", 35), ("intimacy_seeking", 25), ("incompetent_suitor", 25), ("predatory", 15)]


def random_answers(
    definition,
    rng: random.Random,
    *,
    yes_rate: float = 0.3,
    overrides: dict | None = None,
    levels: tuple[int, int, int] = (45, 35, 20),
    include_restricted: bool = False,
) -> dict[str, Any]:
    answers: dict[str, Any] = dict(overrides or {})
    restricted = {i.id for s in definition.sections if s.restricted_to for i in s.items}
    for _ in range(3):
        applicable = applicable_item_ids(definition, answers)
        for item in definition.items:
            if item.id in answers or item.id not in applicable:
                continue
            if item.id in restricted and not include_restricted:
                continue
            if not item.required and rng.random() < 0.5:
                continue
            values = [o.value for o in item.options]
            if item.type in (ItemType.YES_NO, ItemType.YES_NO_DONT_KNOW):
                if rng.random() < yes_rate:
                    answers[item.id] = "yes"
                else:
                    answers[item.id] = "dont_know" if "dont_know" in values and rng.random() < 0.05 else "no"
            elif item.type == ItemType.LOW_MODERATE_HIGH:
                answers[item.id] = rng.choices(["low", "moderate", "high"], weights=levels)[0]
            elif item.type == ItemType.SINGLE_CHOICE:
                answers[item.id] = rng.choice(values)
            elif item.type == ItemType.MULTIPLE_CHOICE:
                answers[item.id] = sorted(rng.sample(values, k=min(len(values), rng.randint(1, 2))))
            elif item.type == ItemType.NUMBER:
                low = int(item.minimum or 0)
                high = int(item.maximum) if item.maximum is not None else low + 6
                answers[item.id] = rng.randint(low, min(high, low + 6))
            elif item.type == ItemType.DATE:
                answers[item.id] = timezone.localdate().isoformat()
            else:
                answers[item.id] = rng.choice(NOTES)[: item.max_length or 5000]
    return answers


def _at(day: date, hour: int, minute: int = 0, *, today: date) -> datetime:
    return moment(day, hour, minute, today=today)


class _Builder:
    def __init__(self, partnership: Partnership, rng: random.Random, today: date):
        self.p, self.rng, self.today = partnership, rng, today
        members = Membership.objects.filter(partnership=partnership).select_related("user__agency")
        self.by_kind: dict[str, list] = {}
        self.signers: list = []
        for m in members:
            if m.role in (Role.PMO, Role.EVALUATOR) or not m.user.agency:
                continue
            self.by_kind.setdefault(m.user.agency.kind, []).append(m.user)
            if m.role in (Role.UNIT_MANAGER, Role.TRIAGE_LEAD, Role.PRACTITIONER):
                self.signers.append(m.user)
        self.rows: list[Assessment] = []
        self.contributions: list[tuple[Assessment, Any, list[str]]] = []
        self.reassessments: list[tuple[Assessment, Assessment]] = []  # (row, the earlier row it follows)

    def user(self, kind: str):
        return self.rng.choice(self.by_kind.get(kind) or self.signers)

    def add(
        self,
        code: str,
        *,
        on: date,
        referral_id=None,
        case_id=None,
        signer=None,
        answers=None,
        previous: Assessment | None = None,
        **kwargs,
    ) -> Assessment | None:
        if on > self.today:
            return None
        definition = instrument_definition(code)
        answers = answers if answers is not None else random_answers(definition, self.rng, **kwargs)
        result = evaluate(definition, answers)
        signer = signer or self.rng.choice(self.signers)
        hour = 10 + self.rng.randint(0, 6)
        at = _at(on, hour, today=self.today)
        row = Assessment(
            partnership=self.p,
            referral_id=referral_id,
            case_id=case_id,
            instrument_code=code,
            instrument_version=definition.version,
            instrument_name=definition.name,
            status=AssessmentStatus.SIGNED_OFF,
            answers=answers,
            result=result.to_dict(),
            risk_rank=result.risk_rank,
            level_label=result.final_level_label or "",
            stalker_type=result.stalker_type or "",
            started_by=signer,
            started_at=at,
            signed_off_by=signer,
            signed_off_at=_at(on, hour, 40, today=self.today),
        )
        if previous is not None:
            self.reassessments.append((row, previous))  # linked once both rows have ids (save())
        self.rows.append(row)
        self.contributions.append((row, signer, sorted(answers)))
        return row

    def save(self) -> int:
        Assessment.objects.bulk_create(self.rows, batch_size=500)
        # Reassessments point at rows saved in the same batch: set the links now the ids exist.
        for row, previous in self.reassessments:
            row.previous_id = previous.pk
        Assessment.objects.bulk_update([row for row, _ in self.reassessments], ["previous"], batch_size=500)
        Contribution.objects.bulk_create(
            [
                Contribution(
                    assessment=a,
                    contributed_by=u,
                    agency_id=u.agency_id,
                    contributed_at=a.started_at,
                    item_ids=items,
                )
                for a, u, items in self.contributions
            ],
            batch_size=500,
        )
        return len(self.rows) + len(self.contributions)


def seed_assessments(partnership: Partnership, *, rng: random.Random, today: date) -> int:
    b = _Builder(partnership, rng, today)
    slug = partnership.slug
    relationships = dict(
        ReferralParty.objects.filter(referral__partnership=partnership, role="victim").values_list(
            "referral_id", "relationship_to_suspect"
        )
    )
    referrals = list(
        Referral.objects.filter(partnership=partnership).values_list(
            "pk", "received_on", "channel", "status", "urgency", "case_id", "source_agency_kind"
        )
    )
    for pk, received, channel, status, urgency, case_id, source in referrals:
        worry = (45, 35, 20) if urgency < 2 else (20, 40, 40)
        # Hampshire: the S-DASH comes on the police referral form, and accepted police referrals
        # have one (the operating model requires it); others sometimes get one at triage.
        police = source == "police"
        if slug == "hampshire" and (channel == "police_form" or (status == "accept" and police) or (
            status == "accept" and rng.random() < 0.3
        )):
            b.add(
                "sdash",
                on=received,
                referral_id=pk,
                case_id=case_id,
                signer=b.user("police"),
                yes_rate=0.25 + 0.08 * urgency,
            )
        elif slug == "london" and (status != "untriaged" or rng.random() < 0.5):
            ex = relationships.get(pk) == "ex_intimate"
            b.add(
                "sash",
                on=received,
                referral_id=pk,
                case_id=case_id,
                signer=b.user("police"),
                overrides={"suspect_is_ex_partner": "yes" if ex else "no"},
                levels=worry,
            )
        elif slug == "cheshire" and status == "accept":
            b.add(
                "scsq",
                on=received + timedelta(days=1),
                referral_id=pk,
                case_id=case_id,
                signer=b.user("police"),
            )

    cases = list(
        Case.objects.filter(partnership=partnership, anonymised_at__isnull=True).values_list(
            "pk", "opened_on", "suspect_id"
        )
    )
    first_referral: dict[int, int] = {}
    for pk, *_rest, case_id, _source in referrals:
        first_referral.setdefault(case_id, pk)
    srp_share = {"hampshire": 0.65, "cheshire": 0.5, "london": 0.4}[slug]
    for case_id, opened, _suspect in cases:
        first_referral_id = first_referral.get(case_id)
        relationship = relationships.get(first_referral_id, "unknown") if first_referral_id is not None else "unknown"
        # Rejected stalkers are ex-intimates (the report: the easiest type to identify).
        stalker_type = (
            "rejected"
            if relationship == "ex_intimate"
            else rng.choices([t for t, _ in OTHER_TYPES], weights=[w for _, w in OTHER_TYPES])[0]
        )
        if slug == "cheshire" and rng.random() < 0.7:
            b.add(
                "cas",
                on=opened + timedelta(days=rng.randint(1, 10)),
                case_id=case_id,
                signer=b.user("police"),
                overrides={"perpetrator_type": stalker_type},
            )
        if rng.random() >= srp_share:
            continue
        srp_on = opened + timedelta(days=rng.randint(3, 20))
        prior = {
            "ex_intimate": "ex_intimate",
            "family": "family",
            "acquaintance": "acquaintance",
            "work": "workplace",
            "professional": "professional",
            "stranger": "stranger",
        }.get(relationship)
        overrides = {"stalker_type": stalker_type, **({"prior_relationship": prior} if prior else {})}
        first = b.add(
            "srp",
            on=srp_on,
            case_id=case_id,
            signer=b.user("health"),
            overrides=overrides,
            include_restricted=True,
            levels=(30, 45, 25),
        )
        if first is None or rng.random() >= 0.18:
            continue
        # Reassessment after an intervention: mostly lower risk, sometimes higher.
        later = srp_on + timedelta(days=rng.randint(60, 140))
        lower = rng.random() < 0.7
        step = (
            {"low": "low", "moderate": "low", "high": "moderate"}
            if lower
            else {"low": "moderate", "moderate": "high", "high": "high"}
        )
        answers = {k: (step[v] if k.startswith("risk_of_") else v) for k, v in first.answers.items()}
        b.add("srp", on=later, case_id=case_id, signer=b.user("health"), answers=answers, previous=first)
    written = b.save()
    _apply_current_risk(partnership)
    return written


def _apply_current_risk(partnership: Partnership) -> None:
    """Each referral's and case's current risk: its latest signed-off assessment with a level,
    or, where no tool has given a level, the result of one without a cut-off ("S-DASH 6/11 yes")."""
    from masip.assessments.services import result_summary

    latest_case: dict[int, Assessment] = {}
    latest_referral: dict[int, Assessment] = {}
    screened_case: dict[int, Assessment] = {}
    screened_referral: dict[int, Assessment] = {}
    for a in Assessment.objects.filter(partnership=partnership, status=AssessmentStatus.SIGNED_OFF).order_by(
        "signed_off_at"
    ):
        if not a.risk_rank and not a.stalker_type:
            if a.case_id:
                screened_case[a.case_id] = a
            if a.referral_id:
                screened_referral[a.referral_id] = a
            continue
        if a.case_id:
            latest_case[a.case_id] = a
        if a.referral_id and a.risk_rank:
            latest_referral[a.referral_id] = a
    cases = list(Case.objects.filter(pk__in=set(latest_case) | set(screened_case)))
    for case in cases:
        latest = latest_case.get(case.pk)
        if latest is not None and latest.risk_rank:
            case.risk_rank, case.risk_label = latest.risk_rank, result_summary(latest)
            case.risk_source = f"{latest.instrument_name} signed off {latest.signed_off_at:%d %b %Y}"
            case.risk_updated_at = latest.signed_off_at
        elif case.pk in screened_case and not case.risk_rank:
            s = screened_case[case.pk]
            case.risk_label = result_summary(s)
            case.risk_source = f"{s.instrument_name} signed off {s.signed_off_at:%d %b %Y}"
            case.risk_updated_at = s.signed_off_at
        if latest is not None and latest.stalker_type:
            case.stalker_type = latest.stalker_type
    Case.objects.bulk_update(
        cases, ["risk_rank", "risk_label", "risk_source", "risk_updated_at", "stalker_type"], batch_size=500
    )
    referrals = list(Referral.objects.filter(pk__in=set(latest_referral) | set(screened_referral)))
    for referral in referrals:
        a = latest_referral.get(referral.pk) or screened_referral[referral.pk]
        referral.risk_rank, referral.risk_label = a.risk_rank, result_summary(a)
    Referral.objects.bulk_update(referrals, ["risk_rank", "risk_label"], batch_size=500)
