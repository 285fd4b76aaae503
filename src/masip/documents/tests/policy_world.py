"""A document on the policy test's London case (access/tests/test_policy_table.py) and on the
personal-data walk's case (tests/test_personal_data_logged.py)."""

from __future__ import annotations

from django.utils import timezone

from masip.access.models import Category


def upload_call_log(case, user):
    from masip.documents.services import document_upload

    return document_upload(
        case=case, acting_user=user, content=b"Call log: 14 calls from a withheld number on the evening of the 3rd.\n",
        original_name="call-log.txt", category=Category.CASE_MANAGEMENT, description="Call log from the victim's phone",
        obtained_on=timezone.localdate(), provided_by="The victim",
    )


def documents_world(*, case, staff) -> dict[str, dict[str, int]]:
    document = upload_call_log(case, staff["london-police"])
    return {"document": {"pk": case.pk, "document_id": document.pk}}


ARGS = {"documents:case_add": "case", "documents:download": "document", "documents:delete": "document"}

WALK_SEGMENTS = {("documents", "document_id"): "document"}


def walk_records(case) -> dict[str, object]:
    from masip.accounts.models import User

    return {"document": upload_call_log(case, User.objects.get(username="london-police"))}
