"""Triggers that keep the 三员 rule true in the database itself.

PostgreSQL raises them as ``check_violation`` (SQLSTATE 23514) so that drivers and Django report
an integrity error, as SQLite's RAISE(ABORT) does.

``RoleAssignment.triad`` must equal its role's ``triad`` (so the partial unique index
``org_one_triad_role_per_person`` sees every 三员 grant), and a role's ``triad`` never changes.
"""

_SQLITE = [
    """CREATE TRIGGER IF NOT EXISTS org_assignment_triad_ins BEFORE INSERT ON org_roleassignment
    WHEN NEW.triad IS NOT (SELECT triad FROM org_role WHERE id = NEW.role_id)
    BEGIN SELECT RAISE(ABORT, 'role assignment triad must match its role'); END""",
    """CREATE TRIGGER IF NOT EXISTS org_assignment_triad_upd BEFORE UPDATE ON org_roleassignment
    WHEN NEW.triad IS NOT (SELECT triad FROM org_role WHERE id = NEW.role_id)
    BEGIN SELECT RAISE(ABORT, 'role assignment triad must match its role'); END""",
    """CREATE TRIGGER IF NOT EXISTS org_role_triad_fixed BEFORE UPDATE ON org_role
    WHEN NEW.triad IS NOT OLD.triad
    BEGIN SELECT RAISE(ABORT, 'a role''s triad kind cannot change'); END""",
]

_PG = [
    """CREATE OR REPLACE FUNCTION xinan_assignment_triad() RETURNS trigger AS $$
    BEGIN
      IF NEW.triad IS DISTINCT FROM (SELECT triad FROM org_role WHERE id = NEW.role_id) THEN
        RAISE EXCEPTION 'role assignment triad must match its role' USING ERRCODE = 'check_violation';
      END IF;
      RETURN NEW;
    END; $$ LANGUAGE plpgsql""",
    "DROP TRIGGER IF EXISTS org_assignment_triad ON org_roleassignment",
    """CREATE TRIGGER org_assignment_triad BEFORE INSERT OR UPDATE ON org_roleassignment
    FOR EACH ROW EXECUTE FUNCTION xinan_assignment_triad()""",
    """CREATE OR REPLACE FUNCTION xinan_role_triad_fixed() RETURNS trigger AS $$
    BEGIN
      IF NEW.triad IS DISTINCT FROM OLD.triad THEN
        RAISE EXCEPTION 'a role''s triad kind cannot change' USING ERRCODE = 'check_violation';
      END IF;
      RETURN NEW;
    END; $$ LANGUAGE plpgsql""",
    "DROP TRIGGER IF EXISTS org_role_triad_fixed ON org_role",
    "CREATE TRIGGER org_role_triad_fixed BEFORE UPDATE ON org_role FOR EACH ROW EXECUTE FUNCTION xinan_role_triad_fixed()",
]


def install(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for sql in _PG if connection.vendor == "postgresql" else _SQLITE:
            cursor.execute(sql)
