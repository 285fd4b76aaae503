"""The audit trail's hash chain: someone with database access changes events through raw SQL,
and `masip audit_verify` (and the deep health check) finds the first broken event.

Runs on SQLite and on PostgreSQL (DATABASE_URL): each tamper uses the SQL the
database offers (INSERT OR REPLACE on SQLite, INSERT ... ON CONFLICT on PostgreSQL).
"""

from __future__ import annotations

import hashlib
import json
import threading
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, connections, transaction
from django.db.migrations.exceptions import IrreversibleError
from django.db.migrations.loader import MigrationLoader

from masip.audit import chain, triggers
from masip.audit.models import AuditEvent, AuditSubject, FieldChange, Operation
from masip.audit.services import Subject, log_event
from masip.audit.verify import verify_chain
from masip.core.health import forget_deep_results


def _log(n: int) -> AuditEvent:
    return log_event(
        actor=None, operation=Operation.ALTERATION, action="case.edit", partnership=1, reason=f"reason {n}",
        subjects=[Subject("case", 100 + n, f"LON-C{n:05d}"), Subject("person", 200 + n)],
        changes=[(Subject("case", 100 + n), "status", "open", "closed")], details={"n": n, "nested": {"k": [1, 2]}},
    )


@pytest.fixture
def events(db):
    return [_log(n) for n in range(6)]


def _verify_output() -> str:
    out = StringIO()
    call_command("audit_verify", stdout=out)
    return out.getvalue()


def _assert_broken_at(event_id: int, client) -> None:
    with pytest.raises(CommandError, match=rf"Audit trail broken at event {event_id}:"):
        _verify_output()
    forget_deep_results()
    response = client.get("/healthz?deep=1")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "ok", "audit_chain": "failed"}
    forget_deep_results()


def _sql(statement: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


class _TriggersDropped:
    """Someone with the rights to drop the triggers (the tables' owner) does so, tampers, and restores them."""

    def __enter__(self):
        triggers.drop(connection)

    def __exit__(self, *exc):
        triggers.install(connection)


def _columns(table: str) -> list[str]:
    with connection.cursor() as cursor:
        return [c.name for c in connection.introspection.get_table_description(cursor, table)]


# -- the chain itself -------------------------------------------------------------


def test_each_event_seals_its_content_and_the_one_before(events, client):
    assert events[0].prev_hash == chain.GENESIS
    for before, after in zip(events, events[1:], strict=False):
        assert after.prev_hash == before.hash and len(after.hash) == 64
    stored = list(AuditEvent.objects.order_by("id").values_list("hash", flat=True))
    assert stored == [e.hash for e in events]
    assert f"{len(events)} events, head event {events[-1].pk}, head hash {events[-1].hash}" in _verify_output()
    forget_deep_results()
    assert client.get("/healthz?deep=1").json() == {"status": "ok", "database": "ok", "audit_chain": "ok"}


def test_the_hash_covers_every_column_of_an_event():
    ignored = {"id", "hash", "prev_hash"}
    columns = {f.attname for f in AuditEvent._meta.concrete_fields} - ignored
    assert columns == set(chain.CHAINED_FIELDS)


def test_the_chain_is_keyed_so_a_plain_recomputation_does_not_verify(events):
    """Someone who recomputes the chain without the key (kept outside the database) cannot forge it."""
    last = events[-1]
    forged_content = chain.canonical(chain.fields_of(last), [], [])
    assert last.hash != hashlib.sha256(last.prev_hash.encode() + b"\n" + forged_content).hexdigest()
    assert last.hash != chain.digest(last.prev_hash, chain.fields_of(last), secret=b"a guessed key")


def test_the_chain_verifies_only_with_its_own_key(events, settings):
    settings.MASIP_AUDIT_CHAIN_KEY = "a different key"
    assert verify_chain().broken_event_id == events[0].pk


def test_the_deploy_check_asks_for_a_chain_key(settings):
    from masip.core.checks import audit_chain_key_is_set

    settings.DEMO_MODE, settings.MASIP_AUDIT_CHAIN_KEY = False, ""
    assert [w.id for w in audit_chain_key_is_set(None)] == ["masip.W001"]
    settings.MASIP_AUDIT_CHAIN_KEY = "a long random key kept outside the database"
    assert audit_chain_key_is_set(None) == []


def test_an_empty_trail_verifies(db):
    assert "The audit trail is empty." in _verify_output()


def test_bulk_created_demo_events_are_chained(db):
    from masip.demo.generator import seed

    seed(scale=0.05, seed_value=7)
    report = verify_chain()
    assert report.ok and report.checked == AuditEvent.objects.count() > 100
    assert AuditEvent.objects.filter(details__source="demo generator").exists()


# -- tampering through raw SQL ------------------------------------------------------


def test_a_changed_event_is_found(events, client):
    with _TriggersDropped():
        _sql("UPDATE audit_auditevent SET reason = 'nothing to see' WHERE id = %s", [events[2].pk])
    _assert_broken_at(events[2].pk, client)


def test_a_changed_record_or_field_change_is_found(events, client):
    with _TriggersDropped():
        _sql("UPDATE audit_auditsubject SET object_id = 999 WHERE event_id = %s AND object_type = 'person'",
             [events[3].pk])
    _assert_broken_at(events[3].pk, client)


def test_a_changed_field_change_is_found(events, client):
    with _TriggersDropped():
        _sql("UPDATE audit_fieldchange SET new_value = 'open' WHERE event_id = %s", [events[1].pk])
    _assert_broken_at(events[1].pk, client)


def test_a_recomputed_hash_still_breaks_the_link_to_the_next_event(events, client):
    """Rewriting an event and giving it a correct new hash moves the break to the next event."""
    target = events[2]
    fields = {**chain.fields_of(target), "reason": "nothing to see"}
    subjects = list(AuditSubject.objects.filter(event=target).values_list("object_type", "object_id", "label"))
    changes = list(FieldChange.objects.filter(event=target).values_list(
        "object_type", "object_id", "field", "old_value", "new_value"))
    rehashed = chain.digest(target.prev_hash, fields, subjects, changes)
    with _TriggersDropped():
        _sql("UPDATE audit_auditevent SET reason = 'nothing to see', hash = %s WHERE id = %s", [rehashed, target.pk])
    assert verify_chain().broken_event_id == events[3].pk
    _assert_broken_at(events[3].pk, client)


def test_a_deleted_event_is_found(events, client):
    victim = events[3].pk
    with _TriggersDropped():
        _sql("DELETE FROM audit_auditsubject WHERE event_id = %s", [victim])
        _sql("DELETE FROM audit_fieldchange WHERE event_id = %s", [victim])
        _sql("DELETE FROM audit_auditevent WHERE id = %s", [victim])
    _assert_broken_at(events[4].pk, client)


def _replace_sql(table: str, columns: list[str]) -> str:
    names = ", ".join(columns)
    marks = ", ".join(["%s"] * len(columns))
    if connection.vendor == "sqlite":
        return f"INSERT OR REPLACE INTO {table} ({names}) VALUES ({marks})"
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in columns if c != "id")
    return f"INSERT INTO {table} ({names}) VALUES ({marks}) ON CONFLICT (id) DO UPDATE SET {updates}"


def _row(table: str, pk: int) -> dict:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} WHERE id = %s", [pk])
        names = [c[0] for c in cursor.description]
        return dict(zip(names, cursor.fetchone(), strict=True))


def test_insert_or_replace_of_an_existing_id_is_refused(events):
    row = _row("audit_auditevent", events[2].pk)
    row["reason"] = "rewritten"
    columns = list(row)
    for table, record in [("audit_auditevent", row)] + [
        (t, _row(t, pk)) for t, pk in [
            ("audit_auditsubject", AuditSubject.objects.filter(event=events[2]).first().pk),
            ("audit_fieldchange", FieldChange.objects.filter(event=events[2]).first().pk),
        ]
    ]:
        columns = list(record)
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            _sql(_replace_sql(table, columns), [record[c] for c in columns])
    assert AuditEvent.objects.get(pk=events[2].pk).reason == "reason 2"
    assert verify_chain().ok


def test_insert_or_replace_with_the_triggers_dropped_is_found(events, client):
    row = _row("audit_auditevent", events[4].pk)
    row["reason"] = "rewritten"
    columns = list(row)
    with _TriggersDropped():
        _sql(_replace_sql("audit_auditevent", columns), [row[c] for c in columns])
    assert AuditEvent.objects.get(pk=events[4].pk).reason == "rewritten"
    _assert_broken_at(events[4].pk, client)


def test_reordered_events_are_found(events, client):
    """Two events swap places: each keeps its own content and hash, but the order changed."""
    first, second = events[2].pk, events[3].pk
    columns = [c for c in _columns("audit_auditevent") if c != "id"]
    a, b = _row("audit_auditevent", first), _row("audit_auditevent", second)
    assignments = ", ".join(f"{c} = %s" for c in columns)
    with _TriggersDropped():
        for target, source in ((first, b), (second, a)):
            _sql(f"UPDATE audit_auditevent SET {assignments} WHERE id = %s", [source[c] for c in columns] + [target])
        for table in ("audit_auditsubject", "audit_fieldchange"):
            _sql(
                f"UPDATE {table} SET event_id = CASE WHEN event_id = %s THEN %s ELSE %s END "
                "WHERE event_id IN (%s, %s)",
                [first, second, first, first, second],
            )
    assert AuditEvent.objects.get(pk=first).reason == "reason 3"
    _assert_broken_at(first, client)


def test_a_forged_event_appended_without_the_key_is_found(events, client):
    last = events[-1]
    fields = {**chain.fields_of(last), "reason": "forged", "at": last.at}
    forged_hash = chain.digest(last.hash, fields, secret=b"not the key")
    columns = [c for c in _columns("audit_auditevent") if c != "id"]
    values = {**{c: _row("audit_auditevent", last.pk)[c] for c in columns}, "reason": "forged",
              "prev_hash": last.hash, "hash": forged_hash}
    _sql(f"INSERT INTO audit_auditevent ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})",
         [values[c] for c in columns])
    forged = AuditEvent.objects.order_by("-id").first()
    assert forged.reason == "forged"
    _assert_broken_at(forged.pk, client)


def test_removing_the_newest_events_is_found_against_a_recorded_anchor(events):
    anchor = events[-1].hash  # the head an operator recorded outside the database
    with _TriggersDropped():
        _sql("DELETE FROM audit_auditsubject WHERE event_id = %s", [events[-1].pk])
        _sql("DELETE FROM audit_fieldchange WHERE event_id = %s", [events[-1].pk])
        _sql("DELETE FROM audit_auditevent WHERE id = %s", [events[-1].pk])
    assert verify_chain().ok  # a shorter chain is still a chain ...
    with pytest.raises(CommandError, match="the anchor .* is not in the chain"):
        call_command("audit_verify", "--anchor", anchor, stdout=StringIO())  # ... but not the one recorded


def test_verify_passes_with_an_anchor_still_in_the_chain(events):
    out = StringIO()
    call_command("audit_verify", "--anchor", events[2].hash, stdout=out)
    assert "The audit trail verifies" in out.getvalue()


# -- the migrations cannot be reversed ----------------------------------------------


def test_every_audit_migration_is_irreversible():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    names = [name for app, name in loader.disk_migrations if app == "audit"]
    assert len(names) >= 3
    reversible = [n for n in names if all(op.reversible for op in loader.disk_migrations[("audit", n)].operations)]
    assert not reversible, f"Audit migrations that `migrate audit zero` could unapply: {reversible}"


@pytest.mark.django_db(transaction=True)
def test_migrate_audit_zero_is_refused_and_leaves_the_trail_in_place():
    event = _log(1)
    for target in ("zero", "0001", "0002"):
        with pytest.raises(IrreversibleError):
            call_command("migrate", "audit", target, verbosity=0, interactive=False)
    with connection.cursor() as cursor:
        tables = set(connection.introspection.table_names(cursor))
    assert {"audit_auditevent", "audit_auditsubject", "audit_fieldchange"} <= tables
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        _sql("DELETE FROM audit_auditevent")
    assert AuditEvent.objects.filter(pk=event.pk).exists() and verify_chain().ok


# -- concurrent writers -------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_unbroken_chain():
    """Several threads (each with its own connection) log at once, inside transactions that
    take a moment to commit; the chain still links every event to the one committed before it.

    On SQLite one writer holds the database at a time: every transaction begins
    IMMEDIATE (settings), so the chain's head cannot move under a writer; the
    test database is a shared in-memory one whose locks do not wait, so the
    threads run on PostgreSQL, where the advisory lock does the serialising."""
    if connection.vendor == "sqlite":
        assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
        return
    per_thread, threads, errors = 15, 4, []
    barrier = threading.Barrier(threads)

    def writer(n: int) -> None:
        try:
            barrier.wait()
            for i in range(per_thread):
                with transaction.atomic():
                    log_event(actor=None, operation=Operation.CONSULTATION, action="case.view",
                              subjects=[Subject("case", n * 1000 + i)], details={"thread": n, "i": i})
                    AuditEvent.objects.count()  # other work before the commit
        except Exception as exc:  # reported below, with the thread that failed
            errors.append(f"thread {n}: {exc!r}")
        finally:
            connections.close_all()

    pool = [threading.Thread(target=writer, args=(n,)) for n in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    assert not errors, errors
    report = verify_chain()
    assert report.ok, report
    assert report.checked == AuditEvent.objects.count() == per_thread * threads
    details = [json.dumps(d, sort_keys=True) for d in AuditEvent.objects.values_list("details", flat=True)]
    assert len(set(details)) == per_thread * threads


def test_the_migration_seals_events_written_before_the_chain(events):
    """Events already in a database when the chain arrived are sealed by migration 0003, in id order."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("masip.audit.migrations.0003_hash_chain")
    with _TriggersDropped():
        _sql("UPDATE audit_auditevent SET hash = '', prev_hash = ''")
    assert verify_chain().broken_event_id == events[0].pk
    with _NoEditor() as editor:
        migration.chain_existing_events(apps, editor)
    assert verify_chain().ok
    assert list(AuditEvent.objects.order_by("id").values_list("hash", flat=True)) == [e.hash for e in events]
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        _sql("UPDATE audit_auditevent SET reason = 'x'")  # the triggers are back


class _NoEditor:
    """What the migration needs of a schema editor: its connection (SQLite's editor cannot open in a transaction)."""

    connection = connection

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False
