"""Database triggers that make the audit tables append-only, whatever client writes to them.

They stop mistakes and application-level attacks; someone who can drop triggers can also
rewrite rows, and that is what ``xinan audit verify`` and signed checkpoints detect.
"""

APPEND_ONLY_TABLES = ("audit_auditevent", "audit_auditcheckpoint")

_SQLITE = [
    "CREATE TRIGGER IF NOT EXISTS {t}_no_update BEFORE UPDATE ON {t} "
    "BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS {t}_no_delete BEFORE DELETE ON {t} "
    "BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END",
]
_SQLITE_DROP = ["DROP TRIGGER IF EXISTS {t}_no_update", "DROP TRIGGER IF EXISTS {t}_no_delete"]

_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION xinan_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'audit records are append-only';
END;
$$ LANGUAGE plpgsql
"""
_PG = [
    "DROP TRIGGER IF EXISTS {t}_append_only ON {t}",
    "CREATE TRIGGER {t}_append_only BEFORE UPDATE OR DELETE ON {t} FOR EACH ROW EXECUTE FUNCTION xinan_append_only()",
    "DROP TRIGGER IF EXISTS {t}_no_truncate ON {t}",
    "CREATE TRIGGER {t}_no_truncate BEFORE TRUNCATE ON {t} FOR EACH STATEMENT EXECUTE FUNCTION xinan_append_only()",
]
_PG_DROP = ["DROP TRIGGER IF EXISTS {t}_append_only ON {t}", "DROP TRIGGER IF EXISTS {t}_no_truncate ON {t}"]


def install(connection) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_PG_FUNCTION)
            statements = _PG
        else:
            statements = _SQLITE
        for table in APPEND_ONLY_TABLES:
            for sql in statements:
                cursor.execute(sql.format(t=table))


def remove(connection) -> None:
    statements = _PG_DROP if connection.vendor == "postgresql" else _SQLITE_DROP
    with connection.cursor() as cursor:
        for table in APPEND_ONLY_TABLES:
            for sql in statements:
                cursor.execute(sql.format(t=table))
