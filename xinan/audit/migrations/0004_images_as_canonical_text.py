"""Before/after images kept as the text the chain hashes (``fields.ChainImageField``).

PostgreSQL: the columns become ``json`` (text kept as written). Events written before keep
jsonb's spelling and verify on the decoding path; new ones are written canonically. Elsewhere
the column is text already: only the model state changes, so SQLite does not rebuild the table
(a rebuild would drop the append-only triggers of 0002).
"""

from django.db import migrations

import xinan.audit.fields


def _alter(to):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        table = schema_editor.quote_name("audit_auditevent")
        columns = ", ".join(
            f"ALTER COLUMN {schema_editor.quote_name(c)} TYPE {to} USING {schema_editor.quote_name(c)}::{to}"
            for c in ("before", "after")
        )
        schema_editor.execute(f"ALTER TABLE {table} {columns}")

    return run


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0003_subject_time_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="auditevent",
                    name="before",
                    field=xinan.audit.fields.ChainImageField(blank=True, null=True, verbose_name="变更前"),
                ),
                migrations.AlterField(
                    model_name="auditevent",
                    name="after",
                    field=xinan.audit.fields.ChainImageField(blank=True, null=True, verbose_name="变更后"),
                ),
            ],
            database_operations=[migrations.RunPython(_alter("json"), _alter("jsonb"))],
        ),
    ]
