from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render

from masip.access import policy
from masip.access.policy import Action, requires
from masip.cases import selectors
from masip.cases.models import CasePartyRole, CaseStatus
from masip.cases.timeline import case_timeline


@requires(Action.CASE_VIEW)
def case_list(request, slug: str):
    partnership = policy.partnership_for(request.user, slug)
    request.partnership, request.nav = partnership, "cases"
    status = request.GET.get("status", "")
    if status not in CaseStatus.values:
        status = ""
    page = Paginator(selectors.case_list(request.user, partnership, status=status), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "cases/case_list.html",
        {"partnership": partnership, "page": page, "status": status, "statuses": CaseStatus.choices},
    )


@requires(Action.CASE_VIEW)
def case_detail(request, pk: int):
    case = selectors.case_get(request.user, pk)
    request.partnership, request.nav = case.partnership, "cases"
    parties = list(case.parties.all())
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "suspects": [p for p in parties if p.role == CasePartyRole.SUSPECT],
            "victims": [p for p in parties if p.role == CasePartyRole.VICTIM],
            "open_triggers": list(case.review_triggers.all()),
            "timeline": case_timeline(case, request.user),
        },
    )
