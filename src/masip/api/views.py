"""The API: referral intake from police and NHS systems, and reads for analysts' tools.

Every route goes through the same access policy and selectors as the pages,
and every response holding personal data is logged as a consultation.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import api_view
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response

from masip.access import policy
from masip.access.policy import Action, requires
from masip.api.serializers import (
    CaseSerializer,
    ErrorSerializer,
    ReferralCreatedSerializer,
    ReferralIntakeSerializer,
    ReferralPageSerializer,
    ReferralSerializer,
)
from masip.audit.actions import AuditAction
from masip.audit.services import log_consultation
from masip.cases.access import case_page
from masip.cases.selectors import case_get
from masip.core.ids import MAX_ID, parse_id
from masip.people.models import IdentifierScheme
from masip.people.services import PersonDetails
from masip.referrals import selectors
from masip.referrals.choices import PartyRole, ReferralStatus
from masip.referrals.intake import IntakeMode, referral_intake
from masip.referrals.services import PartyInput, ReferralInput

PAGE_SIZE = 100
MAX_PAGE = MAX_ID // PAGE_SIZE  # the last row a 64-bit OFFSET can reach

# Every route answers these as {"detail": "..."}; 400 also carries field-by-field errors.
REFUSED = OpenApiResponse(ErrorSerializer, description="Not signed in, or the role does not allow it")
NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No such record, or outside the caller's partnerships")
INVALID = OpenApiResponse(OpenApiTypes.OBJECT, description="What was wrong, field by field (or as `detail`)")


def _partnership(request, slug):
    try:
        return policy.partnership_for(request.user, slug)
    except Http404 as exc:
        raise NotFound("No such partnership.") from exc
    except DjangoPermissionDenied as exc:
        raise PermissionDenied(str(exc)) from exc


@extend_schema(
    methods=["GET"],
    parameters=[
        OpenApiParameter(
            "page", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE}, description=f"Page of {PAGE_SIZE}, newest first."
        ),
        OpenApiParameter("status", str, enum=ReferralStatus.values, description="Only referrals with this status."),
    ],
    responses={200: ReferralPageSerializer, 400: INVALID, 403: REFUSED, 404: NOT_FOUND},
)
@extend_schema(
    methods=["POST"],
    request=ReferralIntakeSerializer,
    responses={201: ReferralCreatedSerializer, 400: INVALID, 403: REFUSED, 404: NOT_FOUND},
)
@api_view(["GET", "POST"])
@requires(Action.API)
def referrals(request, slug: str):
    partnership = _partnership(request, slug)
    if request.method == "POST":
        _refuse_unknown_query_parameters(request)
        return _intake(request, partnership)
    _refuse_unknown_query_parameters(request, "page", "status")
    page = parse_id(request.query_params.get("page", "1"), maximum=MAX_PAGE)
    if page is None:
        raise ValidationError({"page": [f"Give a whole number from 1 to {MAX_PAGE}."]})
    status = request.query_params.get("status")
    if status is not None and status not in ReferralStatus.values:
        raise ValidationError({"status": [f"Give one of {', '.join(ReferralStatus.values)}."]})
    qs = selectors.referral_list(request.user, partnership, status=status or "")
    items = list(qs[(page - 1) * PAGE_SIZE : page * PAGE_SIZE])
    log_consultation(
        request, action=AuditAction.API_REFERRAL_LIST, partnership=partnership,
        subjects=[*items, *[p.person for r in items for p in r.parties.all()]],
    )
    return Response({"page": page, "results": ReferralSerializer(items, many=True).data})


def _refuse_unknown_query_parameters(request, *known: str) -> None:
    """A misspelt filter (?stauts=close) must not silently answer with everything."""
    unknown = sorted(set(request.query_params) - set(known))
    if unknown:
        allowed = ", ".join(known) if known else "none"
        raise ValidationError({"query": [f"Unknown query parameter: {', '.join(unknown)}. This one takes: {allowed}."]})


def _intake(request, partnership):
    """A referral from another system, through the same door as the form (referrals.intake).

    A person is linked to someone already known only on one clear strong match; otherwise
    the referral waits in triage with its candidate matches for the triager to confirm.
    """
    serializer = ReferralIntakeSerializer(data=request.data, context={"partnership": partnership})
    serializer.is_valid(raise_exception=True)
    data = serializer.validated_data

    def person(details):
        identifiers = {
            scheme: details[field] for scheme, field in (
                (IdentifierScheme.PNC, "pnc"), (IdentifierScheme.NHS, "nhs_number"),
                (IdentifierScheme.PROBATION_CRN, "probation_crn"),
            ) if details.get(field)
        }
        return PersonDetails(
            full_name=details["full_name"], description=details["description"], aliases=details["aliases"],
            date_of_birth=details["date_of_birth"], age_range=details["age_range"], sex=details["sex"],
            address=details["address"], phone=details["phone"], email=details["email"], identifiers=identifiers,
        )

    parties = [PartyInput(role=PartyRole.SUSPECT, details=person(data["suspect"]))] + [
        PartyInput(
            role=PartyRole.VICTIM, details=person(v), relationship_to_suspect=v["relationship_to_suspect"]
        )
        for v in data["victims"]
    ]
    try:
        result = referral_intake(
            partnership=partnership, acting_user=request.user, mode=IntakeMode.UNATTENDED,
            data=ReferralInput(
                source_agency_kind=data["source_agency_kind"], source_agency_name=data["source_agency_name"],
                channel=data["channel"], received_on=data["received_on"], crime_reference=data["crime_reference"],
                recorded_offence=data["recorded_offence"], area=data["area"], behaviours=data["behaviours"],
                victim_very_frightened=data["victim_very_frightened"], summary=data["summary"],
                referrer_name=data["referrer_name"], referrer_email=data["referrer_email"], parties=parties,
                incidents=[(i["occurred_on"], i["description"]) for i in data["incidents"]],
            ),
        )
    except DjangoValidationError as exc:
        raise ValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}) from exc
    referral = result.referral
    body = {
        "id": referral.pk, "reference": referral.reference, "status": referral.status,
        "waiting_for_confirmation": bool(result.waiting),
        "people": [
            {
                "role": party.role,
                "linked": result.linked.get(index, "new"),
                "candidates": len(result.matches.get(index, [])) if result.linked.get(index) == "waiting" else 0,
            }
            for index, party in enumerate(parties)
        ],
        "open_case": result.open_case.reference if result.open_case is not None else None,
    }
    if result.duplicates:
        body["possible_duplicate_of"] = result.duplicates[0].reference
    return Response(body, status=status.HTTP_201_CREATED)


@extend_schema(responses={200: ReferralSerializer, 400: INVALID, 403: REFUSED, 404: NOT_FOUND})
@api_view(["GET"])
@requires(Action.API)
def referral_detail(request, pk: int):
    _refuse_unknown_query_parameters(request)
    try:
        referral = selectors.referral_get(request.user, pk)
    except Http404 as exc:
        raise NotFound() from exc
    log_consultation(
        request, action=AuditAction.API_REFERRAL_VIEW, partnership=referral.partnership,
        subjects=[referral, *[p.person for p in referral.parties.all()]],
    )
    return Response(ReferralSerializer(referral).data)


def _api_case(request, pk: int, **_):
    _refuse_unknown_query_parameters(request, "reason")  # before the caseload check: a typo is a 400
    try:
        return case_get(request.user, pk)
    except Http404 as exc:
        raise NotFound() from exc


_case_entry = case_page(_api_case, action=AuditAction.API_CASE_VIEW, api=True)


@extend_schema(
    parameters=[
        OpenApiParameter("reason", str, description="Why the caller opens a case outside their caseload."),
    ],
    responses={200: CaseSerializer, 400: INVALID, 403: REFUSED, 404: NOT_FOUND},
)
@api_view(["GET"])
@requires(Action.API)
@_case_entry
def case_detail(request, pk: int):
    """Outside the caller's caseload a `reason` query parameter is required, as on the case page."""
    case = request.case_access.case
    log_consultation(
        request, action=AuditAction.API_CASE_VIEW, partnership=case.partnership,
        subjects=[case, *[p.person for p in case.parties.all()]],
    )
    return Response(CaseSerializer(case).data)


# DRF's wrapper drops the marker the URL test looks for. The type ignore: mypy does not let a
# function (DRF's view) take a new attribute.
case_detail.case_page = _case_entry.marker  # type: ignore[attr-defined]


@csrf_exempt  # it changes nothing, and API clients send no CSRF token: any method gets the JSON 404
def not_found(request, unknown: str = ""):
    """Any other path under /api/: a JSON 404 (not the HTML page), e.g. /api/v1/referrals/abc/."""
    return JsonResponse({"detail": "Not found."}, status=404)
