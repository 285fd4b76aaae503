"""The audit log is append-only, enforced by the database itself (SQLite and PostgreSQL)."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from masip.audit.models import AuditEvent, AuditSubject, FieldChange, Operation
from masip.audit.services import Subject, log_event


@pytest.fixture
def event(db):
    return log_event(
        actor=None, operation=Operation.CONSULTATION, action="case.view", subjects=[Subject("case", 1, "LON-C00001")],
        changes=[(Subject("case", 1), "status", "open", "closed")],
    )


@pytest.mark.parametrize("table", ["audit_auditevent", "audit_auditsubject", "audit_fieldchange"])
def test_raw_update_is_refused(event, table):
    column = {"audit_auditevent": "reason", "audit_auditsubject": "label", "audit_fieldchange": "new_value"}[table]
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {column} = 'tampered'")


@pytest.mark.parametrize("table", ["audit_auditevent", "audit_auditsubject", "audit_fieldchange"])
def test_raw_delete_is_refused(event, table):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")


def test_orm_update_and_delete_are_refused(event):
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(reason="tampered")
    with pytest.raises(DatabaseError), transaction.atomic():
        FieldChange.objects.all().delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        event.reason = "tampered"
        event.save()
    event.refresh_from_db()
    assert event.reason == "" and AuditSubject.objects.filter(event=event).count() == 1


def test_truncate_is_refused(event):
    if connection.vendor != "postgresql":
        # SQLite has no TRUNCATE; its "DELETE FROM" is covered above.
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_fieldchange")
        return
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        # Settle the deferred foreign-key checks of the rows just written, so the
        # TRUNCATE reaches the trigger rather than PostgreSQL's pending-events guard.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE audit_fieldchange")


def test_inserting_still_works(event):
    log_event(actor=None, operation=Operation.DISCLOSURE, action="audit.export", recipient="ICO")
    assert AuditEvent.objects.count() == 2


def test_flush_is_refused_outside_tests(settings, db):
    settings.MASIP_AUDIT_ALLOW_FLUSH = False
    with pytest.raises(CommandError, match="append-only audit log"):
        call_command("flush", interactive=False, verbosity=0)


def test_sensitive_details_are_masked(db):
    event = log_event(
        actor=None, operation=Operation.COLLECTION, action="person.add_details",
        details={"address": "1 High St", "category": "victim_contact", "nested": {"phone": "07700 900001"}},
    )
    assert event.details == {"address": "(withheld)", "category": "victim_contact", "nested": {"phone": "(withheld)"}}
