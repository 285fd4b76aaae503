"""Episodes, re-offending, frequency and severity for a case, from its rows.

The definitions live in `episodes.py` (pure functions); this module only
turns database rows into `episodes.Incident` records and picks the inputs:

- Perpetrator: the case's suspect, across all of their cases in the
  partnership (a suspect whose case closed and who is referred again has a
  new case, and their re-offending must still be seen). A case whose suspect
  is not identified is its own perpetrator.
- Index date: the day the unit accepted the case (`Case.opened_on`).
- Contacts: incidents recorded after referral (`Incident`) and the incidents
  each referral reported (`referrals.ReportedIncident`). Without the
  referral's incidents the first contact after acceptance would look like the
  start of a new episode, that is re-offending, when it continues the
  stalking the unit took on. A referral's incident has no severity or
  reporter of its own: it takes the referral's - physical harm if violence was
  reported, a threat if threats were, serious alarm or distress if the victim
  is very frightened, otherwise distress; reported by the police when the
  police referred, otherwise by another agency - and is counted once, against
  the referral's first victim.
- Original victims: the victims of the referrals received on or before the
  index date, and anyone with a contact on or before it. Anyone else is a new
  victim.
- Episode gap: `settings.MASIP_EPISODE_GAP_DAYS` (six months by default).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
from django.conf import settings
from django.db import models

from masip.cases.models import Case
from masip.monitoring import episodes
from masip.monitoring.episodes import PerpetratorOutcome, Reporter, Severity, StalkingEpisode
from masip.monitoring.models import Incident, SeverityLevel
from masip.partnerships.models import AgencyKind
from masip.referrals.choices import Behaviour, PartyRole
from masip.referrals.models import Referral, ReferralParty, ReportedIncident


def referral_severity(referral: Any) -> Severity:
    behaviours = set(referral.behaviours or [])
    if Behaviour.VIOLENCE in behaviours:
        return Severity.PHYSICAL_HARM
    if Behaviour.THREATS in behaviours:
        return Severity.THREAT
    if referral.victim_very_frightened:
        return Severity.SERIOUS_ALARM_OR_DISTRESS
    return Severity.DISTRESS


def referral_reporter(referral: Any) -> Reporter:
    return Reporter.POLICE if referral.source_agency_kind == AgencyKind.POLICE else Reporter.OTHER_AGENCY


@dataclass(frozen=True)
class EpisodeRow:
    episode: StalkingEpisode
    victim_name: str
    original_victim: bool
    is_reoffending: bool  # began after the index date

    @property
    def severity_label(self) -> str:
        return str(SeverityLevel(int(self.episode.max_severity)).label)


@dataclass(frozen=True)
class CaseOutcome:
    index_date: date
    gap_days: int
    contacts: int
    episodes: list[EpisodeRow]
    outcome: PerpetratorOutcome
    incidents_after_index: int
    victim_names: dict[int, str] = field(default_factory=dict)

    @property
    def reoffended(self) -> bool:
        return self.outcome.reoffending.reoffended

    @property
    def severity_direction(self) -> str:
        trend = self.outcome.severity_trend
        if trend is None:
            return "not enough contacts over time to tell"
        if abs(trend) < 0.05:
            return "steady"
        return "rising" if trend > 0 else "falling"


def perpetrator_key(case: Case) -> int:
    """The id the pure functions group by: the suspect's person id, or minus the case id."""
    return case.suspect_id if case.suspect_id else -case.pk


def contact_records(case: Case) -> tuple[list[episodes.Incident], set[int], dict[int, str]]:
    """(contacts, original victim ids, victim names) for the case's perpetrator. Three queries."""
    perpetrator = perpetrator_key(case)
    if case.suspect_id:
        incidents = Incident.objects.filter(partnership_id=case.partnership_id, suspect_id=case.suspect_id)
        reported = ReportedIncident.objects.filter(
            referral__partnership_id=case.partnership_id, referral__case__suspect_id=case.suspect_id
        )
    else:
        incidents = Incident.objects.filter(case=case)
        reported = ReportedIncident.objects.filter(referral__case=case)
    records: list[episodes.Incident] = []
    names: dict[int, str] = {}
    for row in incidents.select_related("victim"):
        names[row.victim_id] = row.victim.display_name
        records.append(
            episodes.Incident(
                perpetrator,
                row.victim_id,
                row.occurred_on,
                Severity(row.severity),
                Reporter(row.reported_by),
                occurred_at=row.occurred_at,
                incident_id=row.pk,
            )
        )
    reported_rows = list(reported.select_related("referral"))
    victims_of: dict[int, list[ReferralParty]] = {}
    for party in (
        ReferralParty.objects.filter(referral__case__in=_cases_of(case), role=PartyRole.VICTIM)
        .select_related("person", "referral")
        .order_by("id")
    ):
        victims_of.setdefault(party.referral_id, []).append(party)
        names.setdefault(party.person_id, party.person.display_name)
    originals: set[int] = set()
    for parties in victims_of.values():
        for party in parties:
            if party.referral.received_on <= case.opened_on:
                originals.add(party.person_id)
    for reported_row in reported_rows:
        victims = victims_of.get(reported_row.referral_id)
        if not victims:
            continue
        records.append(
            episodes.Incident(
                perpetrator,
                victims[0].person_id,
                reported_row.occurred_on,
                referral_severity(reported_row.referral),
                referral_reporter(reported_row.referral),
            )
        )
    originals |= episodes.original_victims(records, index_date=case.opened_on)
    return records, originals, names


def _cases_of(case: Case):
    if case.suspect_id:
        return Case.objects.filter(partnership_id=case.partnership_id, suspect_id=case.suspect_id)
    return Case.objects.filter(pk=case.pk)


def case_outcome(case: Case, *, gap_days: int | None = None) -> CaseOutcome:
    """Every monitoring figure for one case, computed from its rows (a fixed number of queries)."""
    gap_days = settings.MASIP_EPISODE_GAP_DAYS if gap_days is None else gap_days
    records, originals, names = contact_records(case)
    index_date = case.opened_on
    outcome = episodes.perpetrator_outcome(
        records,
        perpetrator_id=perpetrator_key(case),
        index_date=index_date,
        gap_days=gap_days,
        original_victim_ids=originals,
    )
    rows = [
        EpisodeRow(
            episode=e,
            victim_name=names.get(e.victim_id, "Unknown victim"),
            original_victim=e.victim_id in originals,
            is_reoffending=e.start > index_date,
        )
        for e in sorted(
            episodes.stalking_episodes(records, gap_days=gap_days), key=lambda e: (e.start, e.victim_id)
        )
    ]
    return CaseOutcome(
        index_date=index_date,
        gap_days=gap_days,
        contacts=len(records),
        episodes=rows,
        outcome=outcome,
        incidents_after_index=sum(1 for r in records if r.occurred_on > index_date),
        victim_names=names,
    )


@dataclass(frozen=True)
class CaseloadInputs:
    """What `episodes.caseload_outcomes` needs, for every case in one go."""

    columns: episodes.IncidentColumns
    index_dates: dict[int, date]  # suspect -> the day their first case was accepted
    original_victims: dict[int, frozenset[int]]  # suspect -> the victims of their case(s) at the index date


def caseload_inputs(partnership_ids=None) -> CaseloadInputs:
    """Every identified suspect's contacts as columns, chosen as `case_outcome` chooses them for one case.

    For evaluation-scale computation with `episodes.caseload_outcomes` (four
    queries, whatever the size). A suspect with several cases is indexed on
    the first; the case page uses each case's own opening date.
    """
    cases = Case.objects.filter(suspect__isnull=False)
    incidents = Incident.objects.filter(suspect__isnull=False)
    reported = ReportedIncident.objects.filter(referral__case__suspect__isnull=False)
    parties = ReferralParty.objects.filter(role=PartyRole.VICTIM, referral__case__suspect__isnull=False)
    if partnership_ids is not None:
        cases = cases.filter(partnership_id__in=partnership_ids)
        incidents = incidents.filter(partnership_id__in=partnership_ids)
        reported = reported.filter(referral__partnership_id__in=partnership_ids)
        parties = parties.filter(referral__partnership_id__in=partnership_ids)
    index_dates: dict[int, date] = {}
    for suspect_id, opened_on in cases.order_by("opened_on", "id").values_list("suspect_id", "opened_on"):
        index_dates.setdefault(suspect_id, opened_on)
    rows = list(
        incidents.values_list("suspect_id", "victim_id", "occurred_on", "severity", "reported_by").iterator(
            chunk_size=20_000
        )
    )
    first_victim: dict[int, int] = {}
    originals: dict[int, set[int]] = {}
    for referral_id, person_id, received_on, suspect_id in parties.order_by("id").values_list(
        "referral_id", "person_id", "referral__received_on", "referral__case__suspect_id"
    ):
        first_victim.setdefault(referral_id, person_id)
        if suspect_id in index_dates and received_on <= index_dates[suspect_id]:
            originals.setdefault(suspect_id, set()).add(person_id)
    for suspect_id, referral_id, day, behaviours, frightened, source in reported.values_list(
        "referral__case__suspect_id",
        "referral_id",
        "occurred_on",
        "referral__behaviours",
        "referral__victim_very_frightened",
        "referral__source_agency_kind",
    ).iterator(chunk_size=20_000):
        victim = first_victim.get(referral_id)
        if victim is None:
            continue
        referral = _ReferralFacts(behaviours, frightened, source)
        rows.append(
            (suspect_id, victim, day, int(referral_severity(referral)), referral_reporter(referral).value)
        )
    for suspect_id, victim_id, day, *_ in rows:
        index = index_dates.get(suspect_id)
        if index is not None and day <= index:
            originals.setdefault(suspect_id, set()).add(victim_id)
    return CaseloadInputs(
        columns=episodes.IncidentColumns.from_rows(rows),
        index_dates=index_dates,
        original_victims={k: frozenset(v) for k, v in originals.items()},
    )


@dataclass(frozen=True)
class _ReferralFacts:
    behaviours: list
    victim_very_frightened: bool
    source_agency_kind: str


@dataclass(frozen=True)
class CaseReoffending:
    """Re-offending (research definition) for one case, indexed on the day the unit accepted it."""

    case_id: int
    index_date: date
    new_episodes: int  # new stalking episodes that began after the index date (to `until`)
    first_reoffence_on: date | None

    @property
    def reoffended(self) -> bool:
        return self.new_episodes > 0


def cases_reoffending(cases, *, until: date, gap_days: int | None = None) -> dict[int, CaseReoffending]:
    """Re-offending for every case in the `cases` queryset, as `case_outcome` decides it for each one.

    Each case is its own perpetrator row, indexed on its own opening date, with the contacts of
    its suspect across all of their cases in the partnership (or its own, when the suspect is not
    identified) and the original victims chosen as `case_outcome` chooses them. Only new episodes
    that began on or before `until` count; contacts after it are not read (an episode's start
    depends only on the contacts before it, so this changes nothing else). Six queries, whatever
    the number of cases; the episodes are worked out by `episodes.caseload_outcomes` in one pass.
    """
    gap_days = settings.MASIP_EPISODE_GAP_DAYS if gap_days is None else gap_days
    chosen = list(cases.values_list("id", "partnership_id", "suspect_id", "opened_on"))
    if not chosen:
        return {}
    # The people and cases in scope are read once, as lists: passed on as subqueries, PostgreSQL
    # planned the reads below as a subplan per row (the suite's PostgreSQL run stalled on it).
    suspects = sorted({suspect_id for _, _, suspect_id, _ in chosen if suspect_id is not None})
    unidentified = sorted(case_id for case_id, _, suspect_id, _ in chosen if suspect_id is None)

    def group(partnership_id: int, suspect_id: int | None, case_id: int) -> tuple:
        return ("s", partnership_id, suspect_id) if suspect_id else ("c", case_id)

    contacts: dict[tuple, list[tuple[int, date, int, str]]] = {}
    for partnership_id, suspect_id, case_id, victim_id, day, severity, reporter in (
        Incident.objects.filter(occurred_on__lte=until)
        .filter(models.Q(suspect_id__in=suspects) | models.Q(case_id__in=unidentified))
        .values_list("partnership_id", "suspect_id", "case_id", "victim_id", "occurred_on", "severity", "reported_by")
        .iterator(chunk_size=20_000)
    ):
        contacts.setdefault(group(partnership_id, suspect_id, case_id), []).append((victim_id, day, severity, reporter))
    # Through the referrals of the cases in scope, so the database walks indexes rather than whole tables.
    scope = Case.objects.filter(models.Q(suspect_id__in=suspects) | models.Q(pk__in=unidentified))
    referral_ids = list(Referral.objects.filter(case_id__in=list(scope.values_list("id", flat=True))).values_list("id", flat=True))
    in_scope = models.Q(referral_id__in=referral_ids)
    first_victim: dict[int, int] = {}
    referral_victims: dict[tuple, list[tuple[int, date]]] = {}
    for referral_id, person_id, received_on, partnership_id, suspect_id, case_id in (
        ReferralParty.objects.filter(in_scope, role=PartyRole.VICTIM)
        .order_by("id")
        .values_list("referral_id", "person_id", "referral__received_on", "referral__partnership_id",
                     "referral__case__suspect_id", "referral__case_id")
    ):
        first_victim.setdefault(referral_id, person_id)
        referral_victims.setdefault(group(partnership_id, suspect_id, case_id), []).append((person_id, received_on))
    for referral_id, day, partnership_id, suspect_id, case_id, behaviours, frightened, source in (
        ReportedIncident.objects.filter(in_scope, occurred_on__lte=until)
        .values_list("referral_id", "occurred_on", "referral__partnership_id", "referral__case__suspect_id",
                     "referral__case_id", "referral__behaviours", "referral__victim_very_frightened",
                     "referral__source_agency_kind")
        .iterator(chunk_size=20_000)
    ):
        victim = first_victim.get(referral_id)
        if victim is None:
            continue
        referral = _ReferralFacts(behaviours, frightened, source)
        contacts.setdefault(group(partnership_id, suspect_id, case_id), []).append(
            (victim, day, int(referral_severity(referral)), referral_reporter(referral).value)
        )
    rows: list[tuple[int, int, date, int, str]] = []
    index_dates: dict[int, date] = {}
    originals: dict[int, frozenset[int]] = {}
    for case_id, partnership_id, suspect_id, opened_on in chosen:
        key = group(partnership_id, suspect_id, case_id)
        mine = contacts.get(key, [])
        rows.extend((case_id, victim, day, severity, reporter) for victim, day, severity, reporter in mine)
        index_dates[case_id] = opened_on
        originals[case_id] = frozenset(
            {person for person, received_on in referral_victims.get(key, []) if received_on <= opened_on}
            | {victim for victim, day, *_ in mine if day <= opened_on}
        )
    outcome = episodes.caseload_outcomes(
        episodes.IncidentColumns.from_rows(rows), index_dates, gap_days=gap_days, original_victims=originals
    ).perpetrators
    new = outcome.new_episodes_original_victim + outcome.new_episodes_new_victim
    return {
        int(case_id): CaseReoffending(
            case_id=int(case_id),
            index_date=index_dates[int(case_id)],
            new_episodes=int(count),
            first_reoffence_on=None if np.isnat(first) else first.astype(object),
        )
        for case_id, count, first in zip(outcome.perpetrator_id, new, outcome.first_reoffence_on, strict=True)
    }
