"""Reads for programme reporting, filtered by the access policy.

The registers are read by the unit's staff (not found elsewhere). The return
reads each casework context's records as plain rows for the pure functions in
figures.py and staffing.py; nothing here counts by hand.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Count, DateTimeField, F, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import ExtractQuarter, ExtractYear, TruncDate
from django.http import Http404
from django.utils import timezone

from masip.access import policy
from masip.actions.action_rules import completion_outcome
from masip.actions.models import CaseAction
from masip.assessments.models import Assessment, AssessmentStatus
from masip.cases.models import Case, CaseAllocation, CaseStatus, ReviewTrigger
from masip.interventions.models import Engagement, Intervention, InterventionMode
from masip.justice.models import JusticeEvent, ProtectiveOrder
from masip.meetings.models import Attendance, Meeting
from masip.monitoring.outcomes import cases_reoffending
from masip.partnerships.models import Partnership, Role
from masip.referrals.models import Referral, TriageDecision
from masip.reporting import figures as fig
from masip.reporting import staffing
from masip.reporting.dashboard import order_row
from masip.reporting.models import (
    CollectionBasis,
    Consultancy,
    Post,
    PostHolding,
    QuarterlyReturn,
    TrainingEvent,
)
from masip.reporting.periods import Quarter
from masip.victims.models import VictimSupport

if TYPE_CHECKING:
    from masip.accounts.models import User


def unit_partnership(user: User, slug: str) -> Partnership:
    """A partnership whose records the user works on (others: not found; no casework role: forbidden)."""
    return policy.partnership_for(user, slug, casework=True)


def reporting_partnership(user: User, slug: str) -> Partnership:
    """A partnership whose return the user may see: its unit staff, or the programme office (counts only)."""
    partnership = policy.partnership_for(user, slug, casework=False)
    if not (policy.does_casework_in(user, partnership) or policy.role_in(user, partnership) == Role.PMO):
        raise PermissionDenied("Your role does not include the partnership's returns.")
    return partnership


def managed_partnership(user: User, slug: str) -> Partnership:
    partnership = unit_partnership(user, slug)
    if not policy.manages(user, partnership):
        raise PermissionDenied("Only the unit manager may do this.")
    return partnership


def training_events(partnership: Partnership):
    return TrainingEvent.objects.filter(partnership=partnership).select_related("recorded_by")


def consultancy(partnership: Partnership):
    return Consultancy.objects.filter(partnership=partnership).select_related("recorded_by")


def _record_in_managed(user: User, queryset, pk: int):
    record = queryset.filter(pk=pk, partnership_id__in=policy.casework_partnership_ids(user)).first()
    if record is None:
        raise Http404("Not found")
    if not policy.manages(user, record.partnership_id):
        raise PermissionDenied("Only the unit manager corrects these records.")
    return record


def training_for_correction(user: User, pk: int) -> TrainingEvent:
    return _record_in_managed(user, TrainingEvent.objects.select_related("partnership"), pk)


def consultancy_for_correction(user: User, pk: int) -> Consultancy:
    return _record_in_managed(user, Consultancy.objects.select_related("partnership"), pk)


def post_for_manager(user: User, pk: int) -> Post:
    return _record_in_managed(user, Post.objects.select_related("partnership", "agency"), pk)


def holding_for_manager(user: User, pk: int) -> PostHolding:
    holding = (
        PostHolding.objects.select_related("post__partnership", "user")
        .filter(pk=pk, post__partnership_id__in=policy.casework_partnership_ids(user))
        .first()
    )
    if holding is None:
        raise Http404("Not found")
    if not policy.manages(user, holding.post.partnership_id):
        raise PermissionDenied("Only the unit manager keeps the staffing register.")
    return holding


def posts(partnership: Partnership):
    return (
        Post.objects.filter(partnership=partnership)
        .select_related("agency")
        .prefetch_related(Prefetch("holdings", queryset=PostHolding.objects.select_related("user")))
    )


def caseload(partnership: Partnership, day) -> staffing.Caseload:
    post_list = list(posts(partnership))
    post_rows = [staffing.PostRow(p.id, str(p), p.fte, p.starts_on, p.ends_on) for p in post_list]
    holding_rows = [
        staffing.HoldingRow(
            post_id=p.id, post_label=str(p), fte=p.fte, post_starts_on=p.starts_on, post_ends_on=p.ends_on,
            user_id=h.user_id, holder=h.holder, starts_on=h.starts_on, ends_on=h.ends_on,
        )
        for p in post_list
        for h in p.holdings.all()
    ]
    cases = Case.objects.filter(partnership=partnership, opened_on__lte=day).exclude(closed_on__lte=day)
    allocations: dict[int, list[tuple[int, Any, Any]]] = {}
    for case_id, user_id, on, until in CaseAllocation.objects.filter(case__in=cases).values_list(
        "case_id", "user_id", "allocated_on", "ended_on"
    ):
        allocations.setdefault(case_id, []).append((user_id, on, until))
    case_rows = [
        staffing.CaseRow(c["id"], c["opened_on"], c["closed_on"], c["lead_officer_id"], tuple(allocations.get(c["id"], ())))
        for c in cases.values("id", "opened_on", "closed_on", "lead_officer_id")
    ]
    return staffing.caseload_on(day, posts=post_rows, holdings=holding_rows, cases=case_rows)


# -- the quarterly return ---------------------------------------------------------------


def _bases(partnership: Partnership) -> dict[str, fig.Basis]:
    return {
        b.figure: fig.Basis(collected=b.collected, note=b.note)
        for b in CollectionBasis.objects.filter(partnership=partnership)
    }


def _referral_rows(partnership: Partnership, quarter: Quarter):
    qs = Referral.objects.filter(partnership=partnership, received_on__range=(quarter.start, quarter.end))
    return [fig.ReferralRow(**r) for r in qs.values("id", "reference", "received_on", recorded_at=F("created_at"))]


def _support_rows(partnership: Partnership, quarter: Quarter):
    qs = VictimSupport.objects.filter(partnership=partnership, accepted_on__lte=quarter.end).exclude(
        ended_on__lt=quarter.start
    )
    return [
        fig.SupportRow(r["id"], r["victim_id"], r["accepted_on"], r["ended_on"], r["recorded_at"])
        for r in qs.values("id", "victim_id", "accepted_on", "ended_on", "recorded_at")
    ]


def _intervention_rows(partnership: Partnership, quarter: Quarter):
    qs = Intervention.objects.filter(
        partnership=partnership, mode=InterventionMode.DIRECT, start_on__lte=quarter.end
    ).exclude(end_on__lt=quarter.start)
    rows = []
    for r in qs.values("id", "subject_id", "case__suspect_id", "case_id", "start_on", "end_on", "recorded_at"):
        person = r["subject_id"] or r["case__suspect_id"]
        key = f"person:{person}" if person else f"case:{r['case_id']}"
        rows.append(fig.InterventionRow(r["id"], key, True, r["start_on"], r["end_on"], r["recorded_at"]))
    return rows


def _training_rows(partnership: Partnership, quarter: Quarter):
    qs = TrainingEvent.objects.filter(partnership=partnership, held_on__range=(quarter.start, quarter.end))
    return [
        fig.TrainingRow(r["id"], r["direction"] == "outward", r["held_on"], r["number_trained"],
                        r["number_is_lower_bound"], r["recorded_at"])
        for r in qs.values("id", "direction", "held_on", "number_trained", "number_is_lower_bound", "recorded_at")
    ]


# Re-running a return counts every record held now, including those recorded after the quarter.
RECORDS_NOW = datetime(9999, 1, 1, tzinfo=UTC)


def compute_return(partnership: Partnership, quarter: Quarter, *, as_at: datetime | None = None) -> dict[str, fig.Figure]:
    """The four figures as the records stood at the end of the quarter (or at as_at: RECORDS_NOW for a re-run)."""
    cutoff = as_at or quarter.cutoff(timezone.get_current_timezone())
    return fig.partnership_return(
        quarter=quarter,
        cutoff=cutoff,
        referral_rows=_referral_rows(partnership, quarter),
        support_rows=_support_rows(partnership, quarter),
        intervention_rows=_intervention_rows(partnership, quarter),
        training_rows=_training_rows(partnership, quarter),
        bases=_bases(partnership),
    )


def filed_returns(partnership: Partnership | None, quarter: Quarter | None = None, *, oldest_first: bool = False):
    qs = QuarterlyReturn.objects.filter(partnership=partnership).select_related("filed_by")
    if quarter is not None:
        qs = qs.filter(year=quarter.year, quarter=quarter.number)
    return qs.order_by("revision") if oldest_first else qs


def collection_bases(partnership: Partnership) -> dict[str, Any]:
    """How the partnership collects each return figure it has said anything about, by figure code."""
    return {b.figure: b for b in CollectionBasis.objects.filter(partnership=partnership)}


def latest_filed(partnership: Partnership, quarter: Quarter) -> QuarterlyReturn | None:
    return filed_returns(partnership, quarter).order_by("-revision").first()


def programme_partnerships(user: User) -> list[Partnership]:
    """The partnerships in the programme office's view."""
    return [m.partnership for m in policy.memberships(user).values() if m.role == Role.PMO]


def all_partnerships() -> list[Partnership]:
    """Every partnership in the programme: a return marked for publication is suppressed among them all."""
    return list(Partnership.objects.order_by("name"))


def figure_records(partnership: Partnership, quarter: Quarter, code: str) -> tuple[fig.Figure, list[dict]]:
    """The records behind one figure, for unit staff: references and dates, never a name."""
    figure = compute_return(partnership, quarter)[code]
    ids = figure.record_ids
    if code == fig.REFERRALS:
        rows = [
            {"reference": r.reference, "date": r.received_on, "detail": r.get_status_display(),
             "link": ("referrals:detail", r.pk)}
            for r in Referral.objects.filter(pk__in=ids).order_by("received_on", "id")
        ]
    elif code == fig.VICTIMS_SUPPORTED:
        rows = [
            {"reference": f"{s.holder.reference}, support {s.pk}", "date": s.accepted_on,
             "detail": f"{s.get_status_display()}{f', ended {s.ended_on:%-d %b %Y}' if s.ended_on else ''}"
                       f"{'' if s.case_id else ' (from the referral, no case)'}",
             "link": ("cases:detail", s.case_id) if s.case_id else ("referrals:detail", s.referral_id)}
            for s in VictimSupport.objects.filter(pk__in=ids).select_related("case", "referral")
            .order_by("accepted_on", "id")
        ]
    elif code == fig.DIRECT_INTERVENTIONS:
        rows = [
            {"reference": f"{i.case.reference}, intervention {i.pk}", "date": i.start_on,
             "detail": i.get_engagement_display() or "Direct intervention",
             "link": ("cases:detail", i.case_id)}
            for i in Intervention.objects.filter(pk__in=ids).select_related("case").order_by("start_on", "id")
        ]
    else:
        rows = [
            {"reference": e.topic, "date": e.held_on, "detail": f"{e.number_display} trained", "link": None}
            for e in TrainingEvent.objects.filter(pk__in=ids).order_by("held_on", "id")
        ]
    return figure, rows


def open_cases(partnership: Partnership):
    return Case.objects.filter(partnership=partnership, status=CaseStatus.OPEN)


# -- dashboards ---------------------------------------------------------------------------


def dashboard_rows(partnership_ids: list[int], start, end) -> dict[str, list[dict]]:
    """The rows the dashboards' referral and open-case measures read, counted by the database: each row
    stands for `n` records alike. Three queries, and rows that grow with the kinds of record, not their number.

    "referrals": by partnership, source, triage status and offence, and the quarter received (its first day as
    `received_on`: the measures count by quarter). "triage_times": by the day received and the day of the
    first triage decision. "cases": open cases by partnership, risk, stalker type and lead agency.
    """
    received = Referral.objects.filter(partnership_id__in=partnership_ids, received_on__range=(start, end))
    referrals = [
        {"partnership": r["partnership__name"], "source": r["source_agency_kind"], "status": r["status"],
         "received_on": Quarter(r["year"], r["quarter"]).start, "recorded_offence": r["recorded_offence"],
         "current_offence": r["current_offence"], "n": r["n"]}
        for r in received.values("partnership__name", "source_agency_kind", "status", "recorded_offence",
                                 "current_offence", year=ExtractYear("received_on"),
                                 quarter=ExtractQuarter("received_on"))
        .annotate(n=Count("id")).order_by()
    ]
    first_decision = (TriageDecision.objects.filter(referral=OuterRef("pk")).order_by("decided_at", "id")
                      .values("decided_at")[:1])
    triage_times = [
        {"received_on": r["received_on"], "first_decided_on": r["decided_on"], "n": r["n"]}
        for r in received.annotate(first_at=Subquery(first_decision, output_field=DateTimeField()))
        .values("received_on", decided_on=TruncDate("first_at", tzinfo=timezone.get_current_timezone()))
        .annotate(n=Count("id")).order_by()
        if r["decided_on"] is not None
    ]
    cases = [
        {"partnership": c["partnership__name"], "risk_rank": c["risk_rank"], "stalker_type": c["stalker_type"],
         "lead_agency": c["lead_officer__agency__short_name"] or c["lead_officer__agency__name"], "n": c["n"]}
        for c in Case.objects.filter(partnership_id__in=partnership_ids, status=CaseStatus.OPEN).values(
            "partnership__name", "risk_rank", "stalker_type", "lead_officer__agency__short_name",
            "lead_officer__agency__name",
        ).annotate(n=Count("id")).order_by()
    ]
    return {"referrals": referrals, "triage_times": triage_times, "cases": cases}


def casework_rows(partnership_ids: list[int], start, end) -> dict[str, Any]:
    """The casework measures' rows (actions, attendance, interventions, justice, orders, re-review):
    one query each, whatever the number of records; re-review triggers counted by the database (`n` alike)."""
    today = timezone.localdate()

    def agency(values: Mapping[str, Any], prefix: str) -> str:
        return values[f"{prefix}__short_name"] or values[f"{prefix}__name"] or "No agency recorded"

    actions = [
        {"partnership": a["partnership__name"], "agency": agency(a, "owner_agency"), "due_on": a["due_on"],
         "outcome": str(completion_outcome(a["status"], a["due_on"], a["completed_on"], today=today))}
        for a in CaseAction.objects.filter(partnership_id__in=partnership_ids, due_on__range=(start, end)).values(
            "partnership__name", "owner_agency__short_name", "owner_agency__name", "status", "due_on", "completed_on"
        ).order_by()
    ]
    held = Meeting.objects.filter(partnership_id__in=partnership_ids, held_on__range=(start, end),
                                  closed_at__isnull=False)
    attendance = [
        {"partnership": a["meeting__partnership__name"], "status": a["status"],
         "agency": agency(a, "agency") if a["agency__name"] else (a["organisation"] or "Guest")}
        for a in Attendance.objects.filter(meeting__in=held).values(
            "meeting__partnership__name", "agency__short_name", "agency__name", "organisation", "status"
        ).order_by()
    ]
    interventions = [
        {"partnership": i["partnership__name"], "engagement": i["engagement"], "started_on": i["start_on"],
         "type": f"{i['intervention_type__name']} ({'direct' if i['mode'] == InterventionMode.DIRECT else 'indirect'})"}
        for i in Intervention.objects.filter(partnership_id__in=partnership_ids, start_on__range=(start, end)).values(
            "partnership__name", "intervention_type__name", "mode", "engagement", "start_on"
        ).order_by()
    ]
    justice = list(
        JusticeEvent.objects.filter(partnership_id__in=partnership_ids, occurred_on__range=(start, end))
        .annotate(partnership_name=F("partnership__name"))
        .values("partnership_name", "kind", "offence", "occurred_on").order_by()
    )
    orders = [
        {"partnership": o["partnership__name"], "status": o["status"], "decided_on": o["decided_on"],
         "row": order_row(o["kind"], basis=o["basis"], interim=o["interim"])}
        for o in ProtectiveOrder.objects.filter(partnership_id__in=partnership_ids, decided_on__range=(start, end))
        .values("partnership__name", "kind", "basis", "interim", "status", "decided_on").order_by()
    ]
    triggers = [
        {"partnership": t["case__partnership__name"], "kind": t["kind"], "raised_on": t["raised_on"], "n": t["n"]}
        for t in ReviewTrigger.objects.filter(
            case__partnership_id__in=partnership_ids, case__status=CaseStatus.OPEN, resolved_at__isnull=True
        ).values("case__partnership__name", "kind",
                 raised_on=TruncDate("raised_at", tzinfo=timezone.get_current_timezone()))
        .annotate(n=Count("id")).order_by()
    ]
    return {"actions": actions, "attendance": attendance, "meetings_held": held.count(),
            "interventions": interventions, "justice": [{**j, "partnership": j["partnership_name"]} for j in justice],
            "orders": orders, "triggers": triggers}


def caseload_in_period(partnership_ids: list[int], start, end):
    """The cases the unit held at any time in the period: accepted by its end, not closed before its start."""
    return Case.objects.filter(partnership_id__in=partnership_ids, opened_on__lte=end).exclude(closed_on__lt=start)


def reoffending_rows(partnership_ids: list[int], start, end) -> list[dict]:
    """One row per case in the period's caseload: its partnership, stalker type, the intervention types it
    received (and whether any was direct) and its new episodes after acceptance (to the period's end).
    Six queries, whatever the size."""
    cases = caseload_in_period(partnership_ids, start, end)
    latest_type = (
        Assessment.objects.filter(case=OuterRef("pk"), status=AssessmentStatus.SIGNED_OFF)
        .exclude(stalker_type="")
        .order_by("-signed_off_at", "-id")
        .values("stalker_type")[:1]
    )
    received: dict[int, list[str]] = {}
    direct: set[int] = set()
    for case_id, name, mode in (
        Intervention.objects.filter(case__in=cases).exclude(engagement=Engagement.DECLINED)
        .filter(Q(start_on__lte=end) | Q(start_on__isnull=True))
        .values_list("case_id", "intervention_type__name", "mode").distinct()
        .order_by("case_id", "intervention_type__name")
    ):
        if name not in received.get(case_id, []):
            received.setdefault(case_id, []).append(name)
        if mode == InterventionMode.DIRECT:
            direct.add(case_id)
    outcomes = cases_reoffending(cases, until=end, gap_days=settings.MASIP_EPISODE_GAP_DAYS)
    return [
        {"partnership": c["partnership__name"], "stalker_type": c["latest_stalker_type"] or "",
         "interventions": received.get(c["id"], []), "direct": c["id"] in direct, "new_episodes": outcomes[c["id"]].new_episodes if c["id"] in outcomes else 0}
        for c in cases.annotate(latest_stalker_type=Subquery(latest_type)).values(
            "id", "partnership__name", "latest_stalker_type")
    ]
