"""Database triggers that make the audit tables append-only, on SQLite and PostgreSQL.

Refused: UPDATE, DELETE, TRUNCATE (PostgreSQL), and an INSERT that reuses an
existing id. The last closes SQLite's INSERT OR REPLACE, which deletes the
conflicting row without firing delete triggers (recursive_triggers is off)
and so would otherwise rewrite an event; on PostgreSQL a plain duplicate id
already fails the primary key, and INSERT ... ON CONFLICT DO UPDATE reaches
the UPDATE trigger, but the insert trigger refuses it first with the same
message on both databases.
"""

from __future__ import annotations

from masip.audit.models import APPEND_ONLY_TABLES

MESSAGE = "the audit log is append-only"


def install(connection) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for table in APPEND_ONLY_TABLES:
                for op in ("UPDATE", "DELETE"):
                    cursor.execute(
                        f"CREATE TRIGGER IF NOT EXISTS {table}_no_{op.lower()} BEFORE {op} ON {table} "
                        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;"
                    )
                cursor.execute(
                    f"CREATE TRIGGER IF NOT EXISTS {table}_no_reuse BEFORE INSERT ON {table} "
                    f"WHEN EXISTS (SELECT 1 FROM {table} WHERE id = NEW.id) "
                    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;"
                )
        elif connection.vendor == "postgresql":
            cursor.execute(
                "CREATE OR REPLACE FUNCTION masip_audit_append_only() RETURNS trigger AS $$ "
                f"BEGIN RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'insufficient_privilege'; END; "
                "$$ LANGUAGE plpgsql;"
            )
            for table in APPEND_ONLY_TABLES:
                # One function per table (the names are ours, not input), so the lookup is a planned index probe.
                cursor.execute(
                    f"CREATE OR REPLACE FUNCTION {table}_no_reuse() RETURNS trigger AS $$ "
                    f"BEGIN IF EXISTS (SELECT 1 FROM {table} WHERE id = NEW.id) THEN "
                    f"RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'insufficient_privilege'; END IF; "
                    "RETURN NEW; END; $$ LANGUAGE plpgsql;"
                )
            for table in APPEND_ONLY_TABLES:
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")
                cursor.execute(
                    f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                    "FOR EACH ROW EXECUTE FUNCTION masip_audit_append_only();"
                )
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};")
                cursor.execute(
                    f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                    "FOR EACH STATEMENT EXECUTE FUNCTION masip_audit_append_only();"
                )
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_reuse ON {table};")
                cursor.execute(
                    f"CREATE TRIGGER {table}_no_reuse BEFORE INSERT ON {table} "
                    f"FOR EACH ROW EXECUTE FUNCTION {table}_no_reuse();"
                )
        else:  # pragma: no cover - only the two supported databases
            raise NotImplementedError(f"No append-only triggers for {connection.vendor}")


def drop(connection) -> None:
    """Only for wiping a throwaway test database (see the flush command) and for the
    migration that chained the events written before the chain existed."""
    with connection.cursor() as cursor:
        for table in APPEND_ONLY_TABLES:
            if connection.vendor == "sqlite":
                for op in ("update", "delete", "reuse"):
                    cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_{op};")
            elif connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};")
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_reuse ON {table};")
