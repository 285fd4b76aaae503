"""Documents and evidence on a case, through the pages a user uses."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from masip.access.models import Category
from masip.audit.models import AuditEvent, Operation
from masip.cases.models import Case
from masip.documents.models import Document, ScanStatus

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def folder(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }
    settings.MASIP_CLAMD_SOCKET = ""
    return tmp_path


@pytest.fixture
def case(london, make_referral, accept, staff, folder):
    accept(make_referral(london))  # led by london-police
    case = Case.objects.get()
    for username in ("london-health", "london-advocate", "london-probation", "london-manager"):
        case.allocations.create(user=staff[username])
    return case


def form_data(**overrides):
    today = timezone.localdate() - timedelta(days=2)
    data = {
        "file": SimpleUploadedFile("statement.pdf", PDF, content_type="application/pdf"),
        "description": "Victim's statement of 14 May",
        "category": Category.CASE_MANAGEMENT,
        "obtained_on_0": str(today.day), "obtained_on_1": str(today.month), "obtained_on_2": str(today.year),
        "provided_by": "Emma Hart's solicitor",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def upload(client, case, **overrides):
    return client.post(reverse("documents:case_add", args=[case.pk]), form_data(**overrides))


def stored_files(folder):
    return sorted(p for p in folder.rglob("*") if p.is_file())


def test_upload_then_download_as_a_user_would(as_user, case, folder, staff):
    police = as_user("london-police")
    page = police.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Add a document" in page and reverse("documents:case_add", args=[case.pk]) in page
    response = upload(police, case)
    assert response.status_code == 302 and response["Location"] == reverse("cases:detail", args=[case.pk])
    document = Document.objects.get()
    assert (document.original_name, document.file_type, document.size) == ("statement.pdf", "PDF", len(PDF))
    assert document.obtained_on == timezone.localdate() - timedelta(days=2)
    assert document.scan_status == ScanStatus.NOT_SCANNED
    # Stored outside the web root under a random name; the original name is in the database only.
    (stored,) = stored_files(folder)
    assert stored.read_bytes() == PDF and "statement" not in stored.name and stored.name == document.stored_name
    assert AuditEvent.objects.filter(action="document.upload", operation=Operation.COLLECTION).count() == 1

    page = police.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Victim&#x27;s statement of 14 May" in page and "Not scanned for viruses" in page

    health = as_user("london-health")
    response = health.get(reverse("documents:download", args=[case.pk, document.pk]))
    assert response.status_code == 200 and response.content == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="statement.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    event = AuditEvent.objects.get(action="document.download")
    assert event.operation == Operation.DISCLOSURE and event.user_id == staff["london-health"].pk
    assert {s.object_type for s in event.subjects.all()} >= {"document", "case"}


@pytest.mark.parametrize(
    "name, content, says",
    [
        ("statement.pdf", b"<!DOCTYPE html><html><body><script>document.location='x'</script>", "web page"),
        ("statement.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00", "Windows program"),
        ("photo.jpg", b"#!/bin/sh\ncurl x | sh\n", "script"),
    ],
)
def test_a_disguised_file_is_refused_and_the_other_answers_kept(as_user, case, folder, name, content, says):
    response = upload(as_user("london-police"), case, file=SimpleUploadedFile(name, content, content_type="application/pdf"))
    html = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in html
    assert "The selected file is" in html and says in html
    assert "Victim&#x27;s statement of 14 May" in html and "Emma Hart&#x27;s solicitor" in html
    assert not Document.objects.exists() and not stored_files(folder)


def test_an_oversize_file_is_refused(as_user, case, folder, settings):
    settings.MASIP_UPLOAD_MAX_BYTES = 20
    response = upload(as_user("london-police"), case)
    html = response.content.decode()
    assert "The selected file must be smaller than 20 bytes" in html
    assert "Victim&#x27;s statement of 14 May" in html
    assert not Document.objects.exists() and not stored_files(folder)


def test_missing_and_future_answers_are_named_and_the_rest_kept(as_user, case, folder):
    future = timezone.localdate() + timedelta(days=1)
    response = upload(as_user("london-police"), case, description="", obtained_on_0=str(future.day),
                      obtained_on_1=str(future.month), obtained_on_2=str(future.year), category=None)
    html = response.content.decode()
    assert "Enter description" in html or "Enter a description" in html
    assert "Date obtained must be today or in the past" in html
    assert "Select the information category of the document" in html
    assert "Emma Hart&#x27;s solicitor" in html and f'value="{future.year}"' in html
    assert not Document.objects.exists() and not stored_files(folder)


def test_a_category_the_agency_may_not_see_is_neither_listed_nor_served(as_user, case, staff):
    response = upload(as_user("london-police"), case, category=Category.POLICE_INTELLIGENCE,
                      description="Intelligence log extract")
    assert response.status_code == 302
    document = Document.objects.get()
    url = reverse("documents:download", args=[case.pk, document.pk])
    for username in ("london-probation", "london-police"):
        client = as_user(username)
        assert "Intelligence log extract" in client.get(reverse("cases:detail", args=[case.pk])).content.decode()
        assert client.get(url).status_code == 200
    for username in ("london-health", "london-advocate"):
        client = as_user(username)
        assert "Intelligence log extract" not in client.get(reverse("cases:detail", args=[case.pk])).content.decode()
        assert client.get(url).status_code == 404
    assert as_user("cheshire-police").get(url).status_code == 404  # another partnership's: not found
    downloads = AuditEvent.objects.filter(action="document.download")
    assert set(downloads.values_list("username", flat=True)) == {"london-probation", "london-police"}


def test_delete_keeps_a_tombstone_and_removes_the_file(as_user, case, folder, django_capture_on_commit_callbacks):
    police = as_user("london-police")
    upload(police, case)
    document = Document.objects.get()
    delete_url = reverse("documents:delete", args=[case.pk, document.pk])
    assert as_user("london-health").get(delete_url).status_code == 403  # neither uploader nor manager
    police = as_user("london-police")
    response = police.post(delete_url, {"reason": ""})
    assert "Enter why the document is being deleted" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = police.post(delete_url, {"reason": "Uploaded to the wrong case"})
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.is_deleted and document.stored_name == "" and document.description == "Victim's statement of 14 May"
    assert not stored_files(folder)
    event = AuditEvent.objects.get(action="document.delete")
    assert event.operation == Operation.ERASURE and event.reason == "Uploaded to the wrong case"
    page = police.get(reverse("cases:detail", args=[case.pk])).content.decode()
    when = timezone.localtime(document.deleted_at)
    assert f"Deleted on {when.day} {when:%b %Y} by {document.deleted_by}: Uploaded to the wrong case" in page
    assert police.get(reverse("documents:download", args=[case.pk, document.pk])).status_code == 404


def test_a_second_or_stale_delete_is_refused(as_user, case, staff):
    upload(as_user("london-police"), case)
    document = Document.objects.get()
    delete_url = reverse("documents:delete", args=[case.pk, document.pk])
    manager = as_user("london-manager")
    assert manager.get(delete_url).status_code == 200  # the unit manager may delete it
    police = as_user("london-police")
    assert police.post(delete_url, {"reason": "Duplicate of another upload"}).status_code == 302
    # The manager's form was opened before the police deleted it: saving it is refused, not repeated.
    manager = as_user("london-manager")
    response = manager.post(delete_url, {"reason": "Not needed"})
    html = response.content.decode()
    assert response.status_code == 200 and "This document was already deleted on" in html
    assert AuditEvent.objects.filter(action="document.delete").count() == 1
    document.refresh_from_db()
    assert document.deleted_by == staff["london-police"] and document.deletion_reason == "Duplicate of another upload"
    assert manager.get(delete_url).status_code == 302  # the delete page is not offered again


def test_infected_files_are_refused_when_clamd_is_configured(as_user, case, folder, settings):
    import tempfile

    from masip.documents.tests.test_filetypes import FakeClamd

    path = f"{tempfile.mkdtemp(prefix='clamd-')}/clamd.sock"
    fake = FakeClamd(path, b"stream: Win.Test.EICAR_HDB-1 FOUND\0")
    settings.MASIP_CLAMD_SOCKET = path
    response = upload(as_user("london-police"), case)
    fake.close()
    assert "The selected file contains malware (Win.Test.EICAR_HDB-1)" in response.content.decode()
    assert fake.received == PDF and not Document.objects.exists() and not stored_files(folder)

    fake = FakeClamd(path + "2", b"stream: OK\0")
    settings.MASIP_CLAMD_SOCKET = path + "2"
    assert upload(as_user("london-police"), case).status_code == 302
    fake.close()
    assert Document.objects.get().scan_status == ScanStatus.CLEAN
    assert "Virus scanned" in as_user("london-police").get(reverse("cases:detail", args=[case.pk])).content.decode()


def test_anonymising_at_retention_review_removes_the_files(as_user, case, folder, staff,
                                                           django_capture_on_commit_callbacks):
    from masip.cases.retention import retention_decide, retention_propose

    upload(as_user("london-police"), case)
    assert len(stored_files(folder)) == 1
    case.status, case.closed_on = "closed", timezone.localdate()
    case.save()
    proposal = retention_propose(case=case, acting_user=staff["london-manager"], action="anonymise", reason="Review")
    with django_capture_on_commit_callbacks(execute=True):
        retention_decide(proposal=proposal, acting_user=staff["london-police"], approve=True)
    document = Document.objects.get()
    assert document.description == "(anonymised)" and document.stored_name == "" and document.provided_by == ""
    assert not stored_files(folder)
    counts = AuditEvent.objects.get(action="retention.anonymise").details
    assert counts["document_files_deleted"] == 1


def test_erasure_deletes_the_files_then_the_rows(as_user, case, folder, staff, django_capture_on_commit_callbacks):
    from masip.cases.retention import retention_decide, retention_propose

    upload(as_user("london-police"), case)
    case.status, case.closed_on = "closed", timezone.localdate()
    case.save()
    proposal = retention_propose(case=case, acting_user=staff["london-manager"], action="erase", reason="Review")
    with django_capture_on_commit_callbacks(execute=True):
        retention_decide(proposal=proposal, acting_user=staff["london-police"], approve=True)
    assert not Document.objects.exists() and not stored_files(folder)
