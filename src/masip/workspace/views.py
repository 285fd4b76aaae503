"""The home page, search and the health check: the pages that read across contexts."""

from __future__ import annotations

from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from masip.access import policy
from masip.access.policy import Action, public, requires
from masip.audit.actions import AuditAction
from masip.audit.services import log_consultation
from masip.core import health
from masip.workspace import selectors


@public
@never_cache
@require_GET
def healthz(request):
    """200 when the database answers, 503 otherwise. Nothing personal, nothing about data volume.

    `?deep=1` also runs the registered deep checks (the audit trail's hash chain),
    at most once every few minutes (core/health.py, filled by the apps that register checks); a failed one answers 503."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any database failure means unhealthy
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    body = {"status": "ok", "database": "ok"}
    if request.GET.get("deep") == "1":
        body.update(health.run_deep_checks())
        if any(value != "ok" for key, value in body.items() if key != "status"):
            body["status"] = "unavailable"
            return JsonResponse(body, status=503)
    return JsonResponse(body)


@requires(Action.HOME)
def home(request):
    request.nav = "home"
    return render(request, "workspace/home.html", {
        "summaries": selectors.home_summaries(request.user),
        "perms_evaluation": policy.allows(request.user, Action.EVALUATION_WORKBENCH),
        "programme_office": policy.allows(request.user, Action.PROGRAMME_VIEW),
    })


@requires(Action.SEARCH)
def search(request):
    request.nav = "search"
    # NUL cannot be stored or compared in PostgreSQL text; it is never part of a name or reference.
    query = request.GET.get("q", "")[:200].replace("\x00", "")
    results = selectors.search(request.user, query) if query.strip() else None
    if results is None:
        request.audit_not_personal = True  # an empty search page shows nobody
    else:
        suspects = [c.suspect for c in results.cases if c.suspect_id]
        _log_search(request, [*results.people, *results.referrals, *results.cases, *suspects], query)
    return render(request, "workspace/search.html", {"query": query, "results": results})


def _log_search(request, found, query: str) -> None:
    """One consultation per partnership whose records the search showed (so each
    partnership's supervisor sees it in the activity review); a search that found
    nothing is logged in every partnership the user searched."""
    by_partnership: dict[int, list] = {}
    for record in found:
        by_partnership.setdefault(record.partnership_id, []).append(record)
    if not by_partnership:
        by_partnership = {pid: [] for pid in sorted(policy.casework_partnership_ids(request.user))}
    for partnership_id, subjects in by_partnership.items():
        log_consultation(
            request, action=AuditAction.SEARCH, partnership=partnership_id, subjects=subjects,
            details={"query_length": len(query), "results": len(subjects)},
        )
