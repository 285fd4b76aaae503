"""Writing documents: upload (type checked by content, scanned where a scanner is configured),
download (a disclosure in the audit trail), deletion (a tombstone) and retention."""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import date
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format

from masip.access import policy
from masip.access.models import Category
from masip.audit.actions import AuditAction
from masip.audit.models import Operation
from masip.audit.services import disclosed_file, log_event
from masip.documents import clamd
from masip.documents.filetypes import FileType, Refusal, sniff
from masip.documents.models import Document, ScanStatus

if TYPE_CHECKING:
    from masip.accounts.models import User
    from masip.cases.models import Case

logger = logging.getLogger(__name__)


def documents_storage() -> Storage:
    """Where the files are kept: settings.STORAGES["documents"], outside any URL the site serves."""
    return storages["documents"]


def upload_limit() -> int:
    return int(settings.MASIP_UPLOAD_MAX_BYTES)


def size_label(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB".replace(".0 MB", " MB")
    if size >= 1024:
        return f"{size // 1024} KB"
    return f"{size} bytes"


def file_refusal(content: bytes) -> FileType | str:
    """What the file is, or why it is refused (size, type by content, malware)."""
    if len(content) > upload_limit():
        return f"The selected file must be smaller than {size_label(upload_limit())}"
    kind = sniff(content)
    if isinstance(kind, Refusal):
        return kind.message
    return kind


def _scan(content: bytes) -> str:
    """The scan status to record; raises ValidationError for malware or an unreachable scanner."""
    socket_path = getattr(settings, "MASIP_CLAMD_SOCKET", "")
    if not socket_path:
        return ScanStatus.NOT_SCANNED
    try:
        verdict = clamd.scan(content, socket_path)
    except clamd.ScannerUnavailable as exc:
        logger.error("clamd at %s did not scan an upload: %s", socket_path, exc)
        raise ValidationError(
            {"file": "The virus scanner is not available, so the file has not been uploaded: try again later"}
        ) from exc
    if not verdict.clean:
        logger.warning("clamd refused an upload: %s", verdict.signature)
        raise ValidationError(
            {"file": f"The selected file contains malware ({verdict.signature}) and has not been uploaded"}
        )
    return ScanStatus.CLEAN


@transaction.atomic
def document_upload(
    *, case: Case, acting_user: User, content: bytes, original_name: str, category: str, description: str,
    obtained_on: date, provided_by: str,
) -> Document:
    """Keep a file as evidence on the case, in a category the access policy reads."""
    if not policy.does_casework_in(acting_user, case.partnership):
        raise PermissionDenied("You are not a member of this partnership's unit.")
    if acting_user.agency_id is None:
        raise ValidationError("Your account has no agency, so the document cannot be attributed.")
    errors: dict[str, str] = {}
    if category not in Category.values:
        errors["category"] = "Select the information category of the document"
    if not description.strip():
        errors["description"] = "Enter a description of the document"
    if not provided_by.strip():
        errors["provided_by"] = "Enter who provided the document"
    if obtained_on > timezone.localdate():
        errors["obtained_on"] = "Date obtained must be today or in the past"
    kind = file_refusal(content)
    if isinstance(kind, str):
        errors["file"] = kind
    if errors:
        raise ValidationError(errors)
    assert isinstance(kind, FileType)
    scan_status = _scan(content)
    storage = documents_storage()
    stored_name = storage.save(secrets.token_hex(20), ContentFile(content))
    try:
        document = Document.objects.create(
            partnership=case.partnership, case=case, category=category, source_agency_id=acting_user.agency_id,
            description=description.strip(), obtained_on=obtained_on, provided_by=provided_by.strip(),
            original_name=(original_name or "document")[:255], stored_name=stored_name, file_type=kind.label,
            content_type=kind.content_type, size=len(content), sha256=hashlib.sha256(content).hexdigest(),
            scan_status=scan_status, recorded_by=acting_user,
        )
        log_event(
            actor=acting_user, operation=Operation.COLLECTION, action=AuditAction.DOCUMENT_UPLOAD,
            partnership=case.partnership, subjects=[case, document],
            details={"category": category, "type": kind.label, "size": len(content), "scan": scan_status},
        )
    except BaseException:
        storage.delete(stored_name)
        raise
    return document


def document_file(*, document: Document, acting_user: User, reason: str = "") -> bytes:
    """The stored file, handed over only once its disclosure is logged."""
    if document.is_deleted or not document.stored_name:
        raise Http404("The document has been deleted")

    def read() -> bytes:
        try:
            with documents_storage().open(document.stored_name, "rb") as handle:
                return handle.read()
        except FileNotFoundError as exc:
            logger.error("Document %s: its file %s is missing from storage", document.pk, document.stored_name)
            raise Http404("The file is missing") from exc

    who = acting_user.get_full_name() or acting_user.get_username()
    return disclosed_file(
        actor=acting_user, action=AuditAction.DOCUMENT_DOWNLOAD, partnership=document.partnership,
        subjects=[s for s in (document.case, document.referral, document) if s is not None],
        recipient=f"{who} ({acting_user.agency})" if acting_user.agency_id else who, reason=reason,
        details={"category": document.category, "type": document.file_type, "size": document.size},
        render=read,
    )


def may_delete(user: User, document: Document) -> bool:
    return document.recorded_by_id == user.pk or policy.manages(user, document.partnership_id)


@transaction.atomic
def document_delete(*, document: Document, acting_user: User, reason: str) -> Document:
    """Remove the file and keep a tombstone: who, when and why; the description stays."""
    locked = Document.objects.select_for_update().get(pk=document.pk)
    if not may_delete(acting_user, locked):
        raise PermissionDenied("Only the person who uploaded a document or the unit manager may delete it.")
    if locked.is_deleted:
        assert locked.deleted_at is not None
        raise ValidationError(
            f"This document was already deleted on {date_format(timezone.localtime(locked.deleted_at), 'j F Y')} "
            f"by {locked.deleted_by}"
        )
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the document is being deleted"})
    stored_name = locked.stored_name
    locked.deleted_at, locked.deleted_by, locked.deletion_reason = timezone.now(), acting_user, reason.strip()
    locked.stored_name = ""
    locked.save(update_fields=["deleted_at", "deleted_by", "deletion_reason", "stored_name"])
    log_event(
        actor=acting_user, operation=Operation.ERASURE, action=AuditAction.DOCUMENT_DELETE,
        partnership=locked.partnership, subjects=[s for s in (locked.case, locked.referral, locked) if s is not None],
        reason=reason.strip(), details={"category": locked.category, "type": locked.file_type},
    )
    _delete_files_on_commit([stored_name])
    return locked


def _delete_files_on_commit(names: list[str]) -> None:
    """The files go once the rows saying so are committed (a rollback keeps them)."""
    names = [n for n in names if n]
    if not names:
        return

    def delete() -> None:
        storage = documents_storage()
        for name in names:
            storage.delete(name)

    transaction.on_commit(delete)


def _documents_of(case: Case):
    return Document.objects.filter(Q(case=case) | Q(referral__case=case))


def case_anonymise_documents(case: Case) -> dict[str, int]:
    """At retention review: delete the files and blank the descriptions (registered with cases.retention;
    the caller holds the transaction and logs)."""
    documents = _documents_of(case)
    names = list(documents.exclude(stored_name="").values_list("stored_name", flat=True))
    count = documents.update(stored_name="", description="(anonymised)", provided_by="", original_name="document",
                             deletion_reason="")
    _delete_files_on_commit(names)
    return {"files_deleted": len(names), "anonymised": count}


def case_erase_documents(case: Case) -> dict[str, int]:
    """At erasure: delete the files, then the rows."""
    documents = _documents_of(case)
    names = list(documents.exclude(stored_name="").values_list("stored_name", flat=True))
    count = documents.delete()[0]
    _delete_files_on_commit(names)
    return {"files_deleted": len(names), "erased": count}
