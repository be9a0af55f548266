"""The audit trail is append-only in the database itself on PostgreSQL, like the receipts: a
trigger refuses every UPDATE and DELETE of an audit row, whoever sends it.

TRUNCATE (a test database's flush) fires no row trigger and is not refused. SQLite keeps the
ORM's and the admin's refusal only.
"""

from django.db import migrations

TABLE = "aom_auditevent"

CREATE = f"""
CREATE OR REPLACE FUNCTION {TABLE}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only: % refused on %', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END
$$;
DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE};
CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION {TABLE}_append_only();
"""

DROP = f"""
DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE};
DROP FUNCTION IF EXISTS {TABLE}_append_only();
"""


def on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)  # no placeholders: the % are PL/pgSQL

    return run


class Migration(migrations.Migration):
    dependencies = [("aom", "0004_user_must_change_password")]

    operations = [migrations.RunPython(on_postgresql(CREATE), on_postgresql(DROP), elidable=False)]
