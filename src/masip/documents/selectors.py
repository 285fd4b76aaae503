"""Reading documents: only those the access policy lets the user see, exactly as shared
information is (access.sharing: own agency, or need-to-know under an agreement in force)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.http import Http404

from masip.access.sharing import sharing_view
from masip.core.ids import parse_id
from masip.documents.models import Document

if TYPE_CHECKING:
    from masip.accounts.models import User
    from masip.cases.models import Case


def documents_for_case(user: User, case: Case) -> QuerySet[Document]:
    """The case's documents (and those put on its referrals) the user may see, tombstones included."""
    view = sharing_view(user, case.partnership)
    return (
        Document.objects.filter(Q(case=case) | Q(case__isnull=True, referral__case=case))
        .filter(view.visible_q())
        .select_related("source_agency", "recorded_by", "deleted_by", "partnership", "case", "referral")
        .order_by("-recorded_at", "-id")
    )


def document_get(user: User, case: Case, document_id: int | str) -> Document:
    """One document of the case the user may see; otherwise not found."""
    number = parse_id(document_id)
    document = documents_for_case(user, case).filter(pk=number).first() if number is not None else None
    if document is None:
        raise Http404("No such document")
    return document
