from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from masip.access import policy
from masip.access.policy import Action, requires
from masip.audit.actions import AuditAction
from masip.audit.services import log_consultation
from masip.core.documents import attachment
from masip.core.forms import add_service_errors
from masip.people import selectors
from masip.people.forms import PersonEditForm, SubjectAccessForm
from masip.people.services import person_update
from masip.people.subject_access import subject_access_export


@requires(Action.PERSON_VIEW)
def person_detail(request, pk: int):
    person = selectors.person_get(request.user, pk)
    request.partnership = person.partnership
    contacts = selectors.contact_details_visible(request.user, person)
    log_consultation(
        request, action=AuditAction.PERSON_VIEW, partnership=person.partnership, subjects=[person],
        details={"contact_details_shown": bool(contacts.details)},
    )
    return render(
        request,
        "people/person_detail.html",
        {
            "person": person,
            "contacts": contacts,
            "case_parties": selectors.case_parties_of(person),
            "referral_parties": selectors.referral_parties_of(person),
            "changes": selectors.changes_to(person),
            "is_manager": policy.manages(request.user, person.partnership),
        },
    )


@requires(Action.PERSON_EDIT)
def person_edit(request, pk: int):
    person = selectors.person_get(request.user, pk)
    request.partnership = person.partnership
    initial = {f: getattr(person, f) for f in ("full_name", "description", "date_of_birth", "age_range", "sex")}
    initial["version"] = person.version
    form = PersonEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        changes = dict(form.cleaned_data)
        reason, version = changes.pop("reason"), changes.pop("version")
        try:
            person_update(
                person=person, acting_user=request.user, changes=changes, reason=reason, expected_version=version
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Record updated")
            return redirect("people:detail", person.pk)
    log_consultation(request, action=AuditAction.PERSON_EDIT_FORM, partnership=person.partnership, subjects=[person])
    return render(request, "people/person_edit.html", {"person": person, "form": form})


@requires(Action.SUBJECT_ACCESS)
def subject_access(request, pk: int):
    """A unit manager produces a subject access pack for one person."""
    person = selectors.person_for_subject_access(request.user, pk)
    request.partnership = person.partnership
    form = SubjectAccessForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        content, content_type = subject_access_export(
            person=person, acting_user=request.user, request_reference=form.cleaned_data["request_reference"],
            fmt=form.cleaned_data["format"],
        )
        extension = "json" if form.cleaned_data["format"] == "json" else "pdf"
        return attachment(content, filename=f"subject-access-{person.pk}.{extension}", content_type=content_type)
    log_consultation(request, action=AuditAction.PERSON_SUBJECT_ACCESS_FORM, partnership=person.partnership, subjects=[person])
    return render(request, "people/subject_access.html", {"person": person, "form": form})
