from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render

from masip.access.policy import Action, requires
from masip.audit.actions import AuditAction
from masip.cases.access import case_page
from masip.cases.selectors import case_get
from masip.core.documents import attachment
from masip.core.forms import add_service_errors
from masip.documents import filetypes, selectors, services
from masip.documents.forms import DeleteForm, DocumentForm


def _form(request) -> DocumentForm:
    limit = services.upload_limit()
    data = (request.POST, request.FILES) if request.method == "POST" else (None, None)
    return DocumentForm(*data, max_bytes=limit, size_label=services.size_label(limit))


@requires(Action.DOCUMENT_UPLOAD)
@case_page(action=AuditAction.DOCUMENT_FORM)
def case_document_add(request, pk: int):
    case = request.case_access.case
    form = _form(request)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            services.document_upload(
                case=case, acting_user=request.user, content=upload.read(), original_name=upload.name,
                category=form.cleaned_data["category"], description=form.cleaned_data["description"],
                obtained_on=form.cleaned_data["obtained_on"], provided_by=form.cleaned_data["provided_by"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Document added")
            return redirect("cases:detail", case.pk)
    return render(request, "documents/upload_form.html", {"case": case, "form": form})


@requires(Action.DOCUMENT_VIEW)
@case_page(action=AuditAction.DOCUMENT_OPEN)
def case_document_download(request, pk: int, document_id: int):
    """The file, only through here: access-checked, logged as a disclosure to the user."""
    case = request.case_access.case
    document = selectors.document_get(request.user, case, document_id)
    content = services.document_file(document=document, acting_user=request.user, reason=request.case_access.reason)
    kind = filetypes.by_label(document.file_type)
    name = kind.download_name(document.original_name) if kind else document.original_name
    response = attachment(content, filename=name, content_type=document.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


def _deletable(request, pk: int, document_id: int, **_):
    """The case, once the document is found and the user may delete it: only its uploader or the unit
    manager - refused before anyone is asked why they open the case."""
    case = case_get(request.user, pk)
    document = selectors.document_get(request.user, case, document_id)
    if not services.may_delete(request.user, document):
        raise PermissionDenied("Only the person who uploaded a document or the unit manager may delete it.")
    request.document = document
    return case


@requires(Action.DOCUMENT_DELETE)
@case_page(_deletable, action=AuditAction.DOCUMENT_DELETE_FORM)
def case_document_delete(request, pk: int, document_id: int):
    case, document = request.case_access.case, request.document
    if document.is_deleted and request.method != "POST":
        messages.error(request, "This document has already been deleted")
        return redirect("cases:detail", case.pk)
    form = DeleteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.document_delete(document=document, acting_user=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Document deleted")
            return redirect("cases:detail", case.pk)
    return render(request, "documents/delete_form.html", {"case": case, "document": document, "form": form})
