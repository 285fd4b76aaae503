"""The pseudonymised extract: database reads into raw frames, then the pure transform.

Each table is a `TableSpec` (what leaves, where it comes from) and a reader
that selects record ids, dates and codes with `.values_list` - never a name,
an address, a contact detail, an identifier or a free-text field. The
transform in `pseudonymise.py` keeps only the spec's columns in any case, so
the two layers guard each other.

Shift unit: every date of a case's records moves with the case's perpetrator
(the suspect's person id; a case without an identified suspect is its own
unit), so intervals within a case are exact. Referrals move with their
suspect too. Meetings are about many cases: they keep only their month.

Custody: a custodial sentence (justice.JusticeEvent, sentence_kind=custody,
custody_months) is taken to mean custody from the sentence date to its
halfway point, the automatic release point of a standard determinate
sentence (Criminal Justice Act 2003 s.244). Remand and recall are not
recorded yet; time at risk is therefore an upper bound where they occur.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

import pandas as pd
from dateutil.relativedelta import relativedelta
from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.utils import timezone

from masip.actions.models import CaseAction
from masip.assessments.models import Assessment, AssessmentStatus
from masip.cases.models import Case
from masip.core.spreadsheets import csv_text
from masip.interventions.models import Intervention
from masip.justice.models import JusticeEvent, ProtectiveOrder, SentenceKind
from masip.meetings.models import AgendaItem, Meeting
from masip.monitoring import episodes as episode_core
from masip.monitoring.models import Incident
from masip.monitoring.outcomes import caseload_inputs
from masip.people.models import Person
from masip.referrals.models import Referral, ReferralParty
from masip.victims.models import PerceptionSurvey, VictimSupport

from .pseudonymise import (
    NOT_RECORDED,
    Column,
    KAnonymityReport,
    TableSpec,
    age_band,
    enforce_k_anonymity,
    pseudonymise_table,
)

EXTRACT_FORMAT_VERSION = 1


def evaluation_key() -> bytes:
    """The deployment's pseudonymisation key; refuses to run without one."""
    key = getattr(settings, "MASIP_EVALUATION_KEY", "")
    if not key:
        raise ImproperlyConfigured(
            "MASIP_EVALUATION_KEY is not set: the pseudonymised extract needs a key held outside the "
            "database. Set it in the deployment's environment (at least 32 random characters)."
        )
    return key.encode()


def P(name, record_kind, source, description="", raw=""):  # noqa: N802 - a short constructor for the specs
    return Column(name, "pseudonym", source, description, record_kind=record_kind, raw=raw)


def D(name, source, description="", raw=""):  # noqa: N802
    return Column(name, "date", source, description, raw=raw)


def M(name, source, description="", raw=""):  # noqa: N802
    return Column(name, "month", source, description, raw=raw)


def V(name, source, description="", raw=""):  # noqa: N802
    return Column(name, "value", source, description, raw=raw)


CASE_ID = P("case", "case", "cases.Case.id", "The case.", raw="case_id")
SUSPECT = P("perpetrator", "person", "cases.Case.suspect", "The case's suspect (perpetrator).", raw="suspect_id")

SPECS: dict[str, TableSpec] = {
    s.name: s
    for s in (
        TableSpec(
            "persons",
            "One row per person in any referral or case: victims and suspects. Quasi-identifiers are "
            "checked for k-anonymity before release.",
            (
                P("person", "person", "people.Person.id", "The person.", raw="id"),
                V("partnership", "partnerships.Partnership.slug"),
                V("is_suspect", "derived", "Named as suspect in any referral or case."),
                V("is_victim", "derived", "Named as victim in any referral or case."),
                V("sex", "people.Person.sex"),
                V("age_band", "people.Person.date_of_birth", "Age band at the person's first referral "
                  "(from the date of birth, else the stated range)."),
                V("area", "referrals.Referral.area", "partnership/area of the person's first referral."),
                V("stalker_type", "cases.Case.stalker_type", "For suspects: the latest case's SRP type."),
            ),
        ),
        TableSpec(
            "referrals",
            "One row per referral.",
            (
                P("referral", "referral", "referrals.Referral.id", raw="id"),
                CASE_ID,
                P("perpetrator", "person", "referrals.ReferralParty.person", "The referral's suspect.",
                  raw="suspect_id"),
                V("partnership", "partnerships.Partnership.slug"),
                V("source_agency_kind", "referrals.Referral.source_agency_kind"),
                V("channel", "referrals.Referral.channel"),
                V("recorded_offence", "referrals.Referral.recorded_offence"),
                V("current_offence", "referrals.Referral.current_offence"),
                V("status", "referrals.Referral.status"),
                V("risk_rank", "referrals.Referral.risk_rank"),
                V("victim_very_frightened", "referrals.Referral.victim_very_frightened"),
                V("behaviours", "referrals.Referral.behaviours", "Behaviour codes, ';'-separated."),
                D("received_on", "referrals.Referral.received_on"),
                M("received_month", "referrals.Referral.received_on", "True calendar month (time series).",
                  raw="received_on"),
            ),
            shift_unit="_unit",
        ),
        TableSpec(
            "cases",
            "One row per case.",
            (
                P("case", "case", "cases.Case.id", raw="id"),
                SUSPECT,
                V("partnership", "partnerships.Partnership.slug"),
                V("status", "cases.Case.status"),
                V("risk_rank", "cases.Case.risk_rank"),
                V("stalker_type", "cases.Case.stalker_type"),
                D("opened_on", "cases.Case.opened_on"),
                M("opened_month", "cases.Case.opened_on", "True calendar month.", raw="opened_on"),
                D("closed_on", "cases.Case.closed_on"),
            ),
            shift_unit="_unit",
        ),
        TableSpec(
            "incidents",
            "One row per incident recorded after referral.",
            (
                P("incident", "incident", "monitoring.Incident.id", raw="id"),
                CASE_ID,
                P("perpetrator", "person", "monitoring.Incident.suspect", raw="suspect_id"),
                P("victim", "person", "monitoring.Incident.victim", raw="victim_id"),
                V("new_victim", "monitoring.Incident.new_victim"),
                D("occurred_on", "monitoring.Incident.occurred_on"),
                V("reported_by", "monitoring.Incident.reported_by"),
                V("behaviour", "monitoring.Incident.behaviour"),
                V("severity", "monitoring.Incident.severity"),
                V("breach_of_order", "monitoring.Incident.breach_of", "The incident breached a protective order."),
            ),
            shift_unit="_unit",
        ),
        TableSpec(
            "episodes",
            "Stalking episodes per (perpetrator, victim) pair, computed by monitoring.episodes "
            "(six-month gap) from incidents and the referrals' reported incidents.",
            (
                P("perpetrator", "person", "monitoring.episodes.StalkingEpisode.perpetrator_id",
                  raw="perpetrator_id"),
                P("victim", "person", "monitoring.episodes.StalkingEpisode.victim_id", raw="victim_id"),
                V("number", "monitoring.episodes.StalkingEpisode.number"),
                D("start", "monitoring.episodes.StalkingEpisode.start"),
                D("end", "monitoring.episodes.StalkingEpisode.end"),
                V("incident_count", "monitoring.episodes.StalkingEpisode.incident_count"),
                V("max_severity", "monitoring.episodes.StalkingEpisode.max_severity"),
            ),
            shift_unit="_unit",
        ),
        TableSpec(
            "outcomes",
            "One row per identified perpetrator: re-offending (research definition) after the index date "
            "(first case accepted), the pragmatic measure, frequency and severity, and custody.",
            (
                P("perpetrator", "person", "cases.Case.suspect", raw="perpetrator_id"),
                V("partnership", "partnerships.Partnership.slug"),
                D("index_date", "cases.Case.opened_on", "The day the first case was accepted."),
                V("follow_up_days", "derived", "Days from the index date to the extract date (censoring)."),
                D("first_reoffence_on", "monitoring.episodes.Reoffending.first_reoffence_on"),
                V("new_episodes", "monitoring.episodes.Reoffending.new_episodes"),
                V("reported_incidents", "monitoring.episodes.PerpetratorOutcome.reported_incidents"),
                V("contacts_per_30_days_before", "monitoring.episodes.PerpetratorOutcome"),
                V("contacts_per_30_days_after", "monitoring.episodes.PerpetratorOutcome"),
                V("mean_severity_before", "monitoring.episodes.PerpetratorOutcome"),
                V("mean_severity_after", "monitoring.episodes.PerpetratorOutcome"),
                D("custody_from", "justice.JusticeEvent.occurred_on", "Custodial sentence date (latest)."),
                D("custody_until", "justice.JusticeEvent.custody_months",
                  "Assumed release: the sentence's halfway point (CJA 2003 s.244)."),
            ),
            shift_unit="_unit",
        ),
        TableSpec(
            "assessments",
            "One row per signed-off assessment.",
            (
                P("assessment", "assessment", "assessments.Assessment.id", raw="id"),
                CASE_ID,
                V("instrument_code", "assessments.Assessment.instrument_code"),
                V("instrument_version", "assessments.Assessment.instrument_version"),
                V("risk_rank", "assessments.Assessment.risk_rank"),
                V("judgement_level", "assessments.Assessment.judgement_level"),
                V("stalker_type", "assessments.Assessment.stalker_type"),
                P("previous", "assessment", "assessments.Assessment.previous", raw="previous_id"),
                D("signed_off_on", "assessments.Assessment.signed_off_at"),
            ),
            shift_unit="_unit",
        ),
        TableSpec(
            "assessment_scores",
            "The instrument's computed scores, one row per assessment and score.",
            (
                P("assessment", "assessment", "assessments.Assessment.id", raw="assessment_id"),
                V("score", "assessments.Assessment.result", "The instrument's score id."),
                V("value", "assessments.Assessment.result"),
            ),
        ),
        TableSpec(
            "interventions",
            "One row per intervention (for the suspect or a victim).",
            (
                P("intervention", "intervention", "interventions.Intervention.id", raw="id"),
                CASE_ID,
                P("subject", "person", "interventions.Intervention.subject", raw="subject_id"),
                V("type", "interventions.InterventionType.code"),
                V("mode", "interventions.Intervention.mode"),
                V("category", "interventions.Intervention.category"),
                V("engagement", "interventions.Intervention.engagement"),
                V("service_status", "interventions.Intervention.service_status"),
                V("outcome", "interventions.Intervention.outcome"),
                D("start_on", "interventions.Intervention.start_on"),
                D("end_on", "interventions.Intervention.end_on"),
                P("assessment_before", "assessment", "interventions.Intervention.assessment_before",
                  raw="assessment_before_id"),
                P("assessment_after", "assessment", "interventions.Intervention.assessment_after",
                  raw="assessment_after_id"),
            ),
            shift_unit="_unit",
        ),
        TableSpec(
            "victim_support",
            "One row per victim's advocate support on a case.",
            (
                P("support", "support", "victims.VictimSupport.id", raw="id"),
                CASE_ID,
                P("victim", "person", "victims.VictimSupport.victim", raw="victim_id"),
                V("status", "victims.VictimSupport.status"),
                D("offered_on", "victims.VictimSupport.offered_on"),
                D("accepted_on", "victims.VictimSupport.accepted_on"),
                D("ended_on", "victims.VictimSupport.ended_on"),
            ),
            shift_unit="_unit",
        ),
        TableSpec(
            "surveys",
            "Victim perception survey answers where the victim consented (1 strongly disagree .. 5 agree).",
            (
                P("support", "support", "victims.PerceptionSurvey.support", raw="support_id"),
                D("on", "victims.PerceptionSurvey.on"),
                V("mode", "victims.PerceptionSurvey.mode"),
                V("taken_seriously", "victims.PerceptionSurvey.taken_seriously"),
                V("police_response", "victims.PerceptionSurvey.police_response"),
                V("advocate_support", "victims.PerceptionSurvey.advocate_support"),
                V("agency_support", "victims.PerceptionSurvey.agency_support"),
                V("feels_safer", "victims.PerceptionSurvey.feels_safer"),
            ),
            shift_unit="_unit",
        ),
        TableSpec(
            "justice_events",
            "Criminal-justice events (arrest, charge, NFA, prosecution, conviction, sentence).",
            (
                P("event", "justice_event", "justice.JusticeEvent.id", raw="id"),
                CASE_ID,
                V("kind", "justice.JusticeEvent.kind"),
                D("occurred_on", "justice.JusticeEvent.occurred_on"),
                V("offence", "justice.JusticeEvent.offence"),
                V("nfa_reason", "justice.JusticeEvent.nfa_reason"),
                V("sentence_kind", "justice.JusticeEvent.sentence_kind"),
                V("custody_months", "justice.JusticeEvent.custody_months"),
            ),
            shift_unit="_unit",
        ),
        TableSpec(
            "orders",
            "Protective orders: bail conditions, restraining orders, Stalking Protection Orders.",
            (
                P("order", "order", "justice.ProtectiveOrder.id", raw="id"),
                CASE_ID,
                V("kind", "justice.ProtectiveOrder.kind"),
                V("basis", "justice.ProtectiveOrder.basis"),
                V("interim", "justice.ProtectiveOrder.interim"),
                V("status", "justice.ProtectiveOrder.status"),
                D("applied_on", "justice.ProtectiveOrder.applied_on"),
                D("decided_on", "justice.ProtectiveOrder.decided_on"),
                D("ends_on", "justice.ProtectiveOrder.ends_on"),
            ),
            shift_unit="_unit",
        ),
        TableSpec(
            "meetings",
            "Case review meetings (month only: a meeting concerns many cases).",
            (
                P("meeting", "meeting", "meetings.Meeting.id", raw="id"),
                V("partnership", "partnerships.Partnership.slug"),
                V("status", "meetings.Meeting.status"),
                M("held_month", "meetings.Meeting.held_on", raw="held_on"),
            ),
        ),
        TableSpec(
            "agenda_items",
            "A case's place on a meeting's agenda and what was agreed (codes only).",
            (
                P("meeting", "meeting", "meetings.AgendaItem.meeting", raw="meeting_id"),
                CASE_ID,
                V("source", "meetings.AgendaItem.source"),
                V("risk_rank_at_listing", "meetings.AgendaItem.risk_rank_at_listing"),
                V("agreed_risk_rank", "meetings.AgendaItem.agreed_risk_rank"),
                V("agreed_stalker_type", "meetings.AgendaItem.agreed_stalker_type"),
                V("discussed", "meetings.AgendaItem.discussed_at", "The item was discussed."),
                V("removed", "meetings.AgendaItem.removed_at", "The item was taken off the agenda."),
            ),
        ),
        TableSpec(
            "actions",
            "Actions agreed on cases.",
            (
                P("action", "action", "actions.CaseAction.id", raw="id"),
                CASE_ID,
                P("meeting", "meeting", "actions.CaseAction.meeting", raw="meeting_id"),
                V("owner_agency_kind", "partnerships.Agency.kind"),
                V("status", "actions.CaseAction.status"),
                D("due_on", "actions.CaseAction.due_on"),
                D("completed_on", "actions.CaseAction.completed_on"),
            ),
            shift_unit="_unit",
        ),
    )
}


def _unit_of(suspect_id, case_id) -> str:
    return f"person:{suspect_id}" if suspect_id else f"case:{case_id}"


def _frame(rows: Iterable, columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=columns)


# -- raw reads (ids, dates and codes only) -----------------------------------------------


def _case_units(partnership_ids) -> dict[int, str]:
    return {
        pk: _unit_of(suspect_id, pk)
        for pk, suspect_id in Case.objects.filter(partnership_id__in=partnership_ids).values_list("pk", "suspect_id")
    }


def _with_case_unit(frame: pd.DataFrame, units: dict[int, str]) -> pd.DataFrame:
    frame["_unit"] = frame["case_id"].map(units)
    return frame


def read_raw(partnership_ids: list[int]) -> dict[str, pd.DataFrame]:
    """Every table's raw frame for the partnerships: ids, dates and codes (no names or free text)."""
    units = _case_units(partnership_ids)
    raw: dict[str, pd.DataFrame] = {}

    parties = _frame(
        ReferralParty.objects.filter(referral__partnership_id__in=partnership_ids)
        .order_by("referral__received_on", "id")
        .values_list("person_id", "role", "referral_id", "referral__received_on", "referral__area",
                     "referral__partnership__slug"),
        ["person_id", "role", "referral_id", "received_on", "area", "partnership"],
    )
    first = parties.drop_duplicates("person_id")
    people = _frame(
        Person.objects.filter(partnership_id__in=partnership_ids).values_list(
            "pk", "partnership__slug", "sex", "date_of_birth", "age_range"
        ),
        ["id", "partnership", "sex", "date_of_birth", "age_range"],
    )
    cases = _frame(
        Case.objects.filter(partnership_id__in=partnership_ids)
        .order_by("opened_on", "id")
        .values_list("pk", "suspect_id", "partnership__slug", "status", "risk_rank", "stalker_type",
                     "opened_on", "closed_on"),
        ["id", "suspect_id", "partnership", "status", "risk_rank", "stalker_type", "opened_on", "closed_on"],
    )
    latest_type = cases.dropna(subset=["suspect_id"]).drop_duplicates("suspect_id", keep="last")
    latest_type = dict(zip(latest_type["suspect_id"].astype(int), latest_type["stalker_type"], strict=True))
    suspects = set(parties.loc[parties["role"] == "suspect", "person_id"]) | set(latest_type)
    victims = set(parties.loc[parties["role"] == "victim", "person_id"])
    first_by_person = first.set_index("person_id")
    rows = []
    for pk, partnership, sex, born, stated in people.itertuples(index=False):
        if pk in first_by_person.index:
            seen = first_by_person.loc[pk]
            on, area = seen["received_on"], f"{partnership}/{seen['area'] or NOT_RECORDED}"
        else:
            on, area = None, f"{partnership}/{NOT_RECORDED}"
        band = age_band(born, on, stated=stated) if on is not None else (stated or NOT_RECORDED)
        stalker_type = (latest_type.get(pk) or NOT_RECORDED) if pk in suspects else "not_applicable"
        rows.append((pk, partnership, pk in suspects, pk in victims, sex, band, area, stalker_type))
    raw["persons"] = _frame(rows, ["id", "partnership", "is_suspect", "is_victim", "sex", "age_band", "area",
                                   "stalker_type"])

    suspect_of_referral = (
        parties[parties["role"] == "suspect"].drop_duplicates("referral_id").set_index("referral_id")["person_id"]
    )
    referrals = _frame(
        Referral.objects.filter(partnership_id__in=partnership_ids).values_list(
            "pk", "case_id", "partnership__slug", "source_agency_kind", "channel", "recorded_offence",
            "current_offence", "status", "risk_rank", "victim_very_frightened", "behaviours", "received_on",
        ),
        ["id", "case_id", "partnership", "source_agency_kind", "channel", "recorded_offence", "current_offence",
         "status", "risk_rank", "victim_very_frightened", "behaviours", "received_on"],
    )
    referrals["suspect_id"] = referrals["id"].map(suspect_of_referral)
    referrals["behaviours"] = referrals["behaviours"].map(lambda b: ";".join(sorted(str(x) for x in (b or []))))
    referrals["_unit"] = [
        _unit_of(None if pd.isna(s) else int(s), None) if not pd.isna(s) else f"referral:{pk}"
        for pk, s in zip(referrals["id"], referrals["suspect_id"], strict=True)
    ]
    raw["referrals"] = referrals
    cases["case_id"] = cases["id"]
    raw["cases"] = _with_case_unit(cases, units)

    raw["incidents"] = _with_case_unit(
        _frame(
            Incident.objects.filter(partnership_id__in=partnership_ids).values_list(
                "pk", "case_id", "suspect_id", "victim_id", "new_victim", "occurred_on", "reported_by",
                "behaviour", "severity", "breach_of_id",
            ),
            ["id", "case_id", "suspect_id", "victim_id", "new_victim", "occurred_on", "reported_by", "behaviour",
             "severity", "breach_of_order"],
        ),
        units,
    )
    raw["incidents"]["breach_of_order"] = raw["incidents"]["breach_of_order"].notna()

    inputs = caseload_inputs(partnership_ids)
    outcome = episode_core.caseload_outcomes(
        inputs.columns, inputs.index_dates, gap_days=settings.MASIP_EPISODE_GAP_DAYS,
        original_victims=inputs.original_victims,
    )
    eps = pd.DataFrame({
        "perpetrator_id": outcome.episodes.perpetrator_id,
        "victim_id": outcome.episodes.victim_id,
        "number": outcome.episodes.number,
        "start": outcome.episodes.start,
        "end": outcome.episodes.end,
        "incident_count": outcome.episodes.incident_count,
        "max_severity": outcome.episodes.max_severity,
    })
    eps["_unit"] = eps["perpetrator_id"].map(lambda p: f"person:{int(p)}")
    raw["episodes"] = eps
    per = outcome.perpetrators.to_frame()
    per["partnership"] = per["perpetrator_id"].map(first_partnership_of_suspect(cases))
    today = timezone.localdate()
    per["follow_up_days"] = [(today - pd.Timestamp(d).date()).days for d in per["index_date"]]
    custody = _custody(partnership_ids)
    per["custody_from"] = per["perpetrator_id"].map(lambda p: custody.get(int(p), (None, None))[0])
    per["custody_until"] = per["perpetrator_id"].map(lambda p: custody.get(int(p), (None, None))[1])
    per["_unit"] = per["perpetrator_id"].map(lambda p: f"person:{int(p)}")
    raw["outcomes"] = per

    assessments = _frame(
        Assessment.objects.filter(
            partnership_id__in=partnership_ids, status=AssessmentStatus.SIGNED_OFF, case__isnull=False
        ).values_list("pk", "case_id", "instrument_code", "instrument_version", "risk_rank", "judgement_level",
                      "stalker_type", "previous_id", "signed_off_at", "result"),
        ["id", "case_id", "instrument_code", "instrument_version", "risk_rank", "judgement_level", "stalker_type",
         "previous_id", "signed_off_at", "result"],
    )
    assessments["signed_off_at"] = pd.to_datetime(assessments["signed_off_at"], utc=True).dt.tz_convert(
        settings.TIME_ZONE
    ).dt.date if len(assessments) else []
    scores = [
        (pk, score_id, value)
        for pk, result in zip(assessments["id"], assessments["result"], strict=True)
        for score_id, value in sorted(((result or {}).get("scores") or {}).items())
        if isinstance(value, (int, float))
    ]
    raw["assessment_scores"] = _frame(scores, ["assessment_id", "score", "value"])
    raw["assessments"] = _with_case_unit(assessments.rename(columns={"signed_off_at": "signed_off_on"}), units)

    raw["interventions"] = _with_case_unit(
        _frame(
            Intervention.objects.filter(partnership_id__in=partnership_ids).values_list(
                "pk", "case_id", "subject_id", "intervention_type__code", "mode", "category", "engagement",
                "service_status", "outcome", "start_on", "end_on", "assessment_before_id", "assessment_after_id",
            ),
            ["id", "case_id", "subject_id", "type", "mode", "category", "engagement", "service_status", "outcome",
             "start_on", "end_on", "assessment_before_id", "assessment_after_id"],
        ),
        units,
    )
    support = _with_case_unit(
        _frame(
            # Support in a case: the evaluation's unit is the case (support from a referral that never
            # became one is counted in the return, not here).
            VictimSupport.objects.filter(partnership_id__in=partnership_ids, case__isnull=False).values_list(
                "pk", "case_id", "victim_id", "status", "offered_on", "accepted_on", "ended_on"
            ),
            ["id", "case_id", "victim_id", "status", "offered_on", "accepted_on", "ended_on"],
        ),
        units,
    )
    raw["victim_support"] = support
    surveys = _frame(
        PerceptionSurvey.objects.filter(support__partnership_id__in=partnership_ids, consent_given=True).values_list(
            "support_id", "support__case_id", "on", "mode", "taken_seriously", "police_response",
            "advocate_support", "agency_support", "feels_safer",
        ),
        ["support_id", "case_id", "on", "mode", "taken_seriously", "police_response", "advocate_support",
         "agency_support", "feels_safer"],
    )
    raw["surveys"] = _with_case_unit(surveys, units)
    raw["justice_events"] = _with_case_unit(
        _frame(
            JusticeEvent.objects.filter(partnership_id__in=partnership_ids).values_list(
                "pk", "case_id", "kind", "occurred_on", "offence", "nfa_reason", "sentence_kind", "custody_months"
            ),
            ["id", "case_id", "kind", "occurred_on", "offence", "nfa_reason", "sentence_kind", "custody_months"],
        ),
        units,
    )
    raw["orders"] = _with_case_unit(
        _frame(
            ProtectiveOrder.objects.filter(partnership_id__in=partnership_ids).values_list(
                "pk", "case_id", "kind", "basis", "interim", "status", "applied_on", "decided_on", "ends_on"
            ),
            ["id", "case_id", "kind", "basis", "interim", "status", "applied_on", "decided_on", "ends_on"],
        ),
        units,
    )
    raw["meetings"] = _frame(
        Meeting.objects.filter(partnership_id__in=partnership_ids).values_list(
            "pk", "partnership__slug", "status", "held_on"
        ),
        ["id", "partnership", "status", "held_on"],
    )
    items = _frame(
        AgendaItem.objects.filter(meeting__partnership_id__in=partnership_ids).values_list(
            "meeting_id", "case_id", "source", "risk_rank_at_listing", "agreed_risk_rank", "agreed_stalker_type",
            "discussed_at", "removed_at",
        ),
        ["meeting_id", "case_id", "source", "risk_rank_at_listing", "agreed_risk_rank", "agreed_stalker_type",
         "discussed", "removed"],
    )
    items["discussed"] = items["discussed"].notna()
    items["removed"] = items["removed"].notna()
    raw["agenda_items"] = items
    raw["actions"] = _with_case_unit(
        _frame(
            CaseAction.objects.filter(partnership_id__in=partnership_ids).values_list(
                "pk", "case_id", "meeting_id", "owner_agency__kind", "status", "due_on", "completed_on"
            ),
            ["id", "case_id", "meeting_id", "owner_agency_kind", "status", "due_on", "completed_on"],
        ),
        units,
    )
    return raw


def first_partnership_of_suspect(cases: pd.DataFrame) -> pd.Series:
    identified = cases.dropna(subset=["suspect_id"])
    first = identified.drop_duplicates("suspect_id", keep="first")
    return pd.Series(first["partnership"].values, index=first["suspect_id"].astype(int).values)


def custody_period(sentenced_on: date, months: int) -> tuple[date, date]:
    """Custody from sentence to the halfway point (automatic release, CJA 2003 s.244)."""
    days = (sentenced_on + relativedelta(months=months) - sentenced_on).days
    return sentenced_on, sentenced_on + relativedelta(days=days // 2)


def _custody(partnership_ids) -> dict[int, tuple[date, date]]:
    periods: dict[int, tuple[date, date]] = {}
    for suspect_id, on, months in (
        JusticeEvent.objects.filter(
            partnership_id__in=partnership_ids, sentence_kind=SentenceKind.CUSTODY, custody_months__gt=0,
            case__suspect__isnull=False,
        )
        .order_by("occurred_on", "id")
        .values_list("case__suspect_id", "occurred_on", "custody_months")
    ):
        if months is not None:  # the filter leaves none out; this tells the type checker
            periods[suspect_id] = custody_period(on, months)
    return periods


# -- the released extract ---------------------------------------------------------------


@dataclass
class ReleasedExtract:
    tables: dict[str, pd.DataFrame]
    k_report: KAnonymityReport
    manifest: dict = field(default_factory=dict)


def pseudonymise(raw: dict[str, pd.DataFrame], *, key: bytes, evaluation_id: str, coarsen: bool = True) -> ReleasedExtract:
    """Pure: raw frames -> released tables, with the k-anonymity check applied to quasi-identifiers everywhere."""
    tables = {name: pseudonymise_table(raw[name], spec, key=key, evaluation_id=evaluation_id)
              for name, spec in SPECS.items()}
    persons, report = enforce_k_anonymity(tables["persons"], coarsen=coarsen)
    tables["persons"] = persons
    if report.levels.get("stalker_type", 0):
        # A suppressed quasi-identifier is suppressed wherever it appears, or the tables re-identify.
        for name in ("cases", "assessments"):
            tables[name]["stalker_type"] = "*"
        tables["agenda_items"]["agreed_stalker_type"] = "*"
    return ReleasedExtract(tables=tables, k_report=report)


def build_extract(*, partnership_ids: list[int], evaluation_id: str, coarsen: bool = True) -> ReleasedExtract:
    return pseudonymise(read_raw(partnership_ids), key=evaluation_key(), evaluation_id=evaluation_id,
                        coarsen=coarsen)


# -- the data dictionary ---------------------------------------------------------------------


def _field_of(source: str):
    parts = source.split(".")
    if len(parts) != 3:
        return None
    try:
        model = apps.get_model(parts[0], parts[1])
        return model._meta.get_field(parts[2])
    except (LookupError, FieldDoesNotExist):
        return None


def data_dictionary() -> list[dict]:
    """One row per released column: table, column, kind, source field, meaning and allowed codes (from the models)."""
    rows = []
    for spec in SPECS.values():
        for column in spec.columns:
            model_field = _field_of(column.source)
            meaning = column.description
            if not meaning and model_field is not None:
                meaning = str(model_field.help_text or model_field.verbose_name).capitalize()
            if column.kind == "pseudonym":
                meaning = f"Keyed pseudonym of the {column.record_kind.replace('_', ' ')}. {meaning}".strip()
            elif column.kind == "date":
                meaning = f"{meaning} Shifted by the perpetrator's offset (intervals exact).".strip()
            codes = ""
            if column.kind == "value" and model_field is not None and getattr(model_field, "choices", None):
                codes = "; ".join(f"{value}={label}" for value, label in model_field.choices)
            rows.append({
                "table": spec.name, "column": column.name, "kind": column.kind, "source": column.source,
                "meaning": meaning, "codes": codes, "table_description": spec.description,
            })
    return rows


# -- serialisation -------------------------------------------------------------------------

FORMATS = ("csv", "parquet")


def serialise(extract: ReleasedExtract, *, fmt: str) -> bytes:
    """A zip of one file per table (CSV or Parquet), the data dictionary and the manifest. Deterministic."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(extract.tables):
            table = extract.tables[name]
            if fmt == "csv":
                payload = table_csv(table).encode()
            else:
                payload = _parquet(table)
            _write(archive, f"{name}.{fmt}", payload)
        dictionary = pd.DataFrame(data_dictionary())
        _write(archive, "data_dictionary.csv", table_csv(dictionary).encode())
        _write(archive, "manifest.json", json.dumps(extract.manifest, indent=2, sort_keys=True, default=str).encode())
    return buffer.getvalue()


def table_csv(table: pd.DataFrame) -> str:
    """CSV through the project's one spreadsheet helper (no cell can start a formula); missing values empty."""
    rows = table.astype(object).where(table.notna(), None).to_dict("records")
    return csv_text(rows, list(table.columns))


def _write(archive: zipfile.ZipFile, name: str, payload: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))  # fixed, so equal data zips to equal bytes
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, payload)


def _parquet(table: pd.DataFrame) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    out = io.BytesIO()
    pq.write_table(pa.Table.from_pandas(table, preserve_index=False), out)
    return out.getvalue()


def content_hash(extract: ReleasedExtract) -> str:
    """SHA-256 of the tables' canonical CSV: the data snapshot's identity, whatever the file format."""
    digest = hashlib.sha256()
    for name in sorted(extract.tables):
        digest.update(name.encode() + b"\n")
        digest.update(table_csv(extract.tables[name]).encode())
    return digest.hexdigest()


def tables_from_zip(payload: bytes) -> dict[str, pd.DataFrame]:
    """Read a stored CSV extract back into frames (for a run over a snapshot)."""
    tables = {}
    with zipfile.ZipFile(io.BytesIO(payload)) as archive:
        for name in archive.namelist():
            if name.endswith(".csv") and name != "data_dictionary.csv":
                tables[name[:-4]] = pd.read_csv(archive.open(name), keep_default_na=True)
    return tables
