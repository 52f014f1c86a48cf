"""The column type of an audit event's before/after images (变更前/变更后).

An image is stored as the very text the chain hashes it in (``chain.encode``: sorted keys, no
white space, UTF-8), so ``xinan audit verify`` can place the stored text into the event's
canonical form as it is (``rowhash.fast_hashes``) instead of decoding and re-encoding every image.
On PostgreSQL the column is ``json``, which keeps the text as written; ``jsonb`` would store a
parsed form and spell it out anew on every read (the server's largest cost in verification).
Elsewhere a JSONField is text already.

Queries see the images as Django's JSONField does: on PostgreSQL the column is read as ``jsonb``
(``col::jsonb``), so key lookups (``after__what=…``), containment and the values read back are
those of a ``jsonb`` column. Only writes differ.
"""

from django.db.models import JSONField
from django.db.models.expressions import Col
from django.utils.functional import cached_property

from .chain import encode


class _JsonbCol(Col):
    """The ``json`` column read as ``jsonb`` on PostgreSQL, so every lookup and loader applies."""

    def as_postgresql(self, compiler, connection):
        sql, params = self.as_sql(compiler, connection)
        return f"({sql})::jsonb", params


class ChainImageField(JSONField):
    """A JSONField stored in the chain's canonical spelling (``json`` on PostgreSQL)."""

    def db_type(self, connection):
        if connection.vendor == "postgresql":
            return "json"
        return super().db_type(connection)

    def get_db_prep_save(self, value, connection):
        if value is None or hasattr(value, "as_sql"):
            return super().get_db_prep_save(value, connection)
        text = encode(self.get_prep_value(value))
        if connection.vendor == "postgresql":
            from psycopg.types.json import Json

            # typed ``json`` (a bare string would be typed ``text``, which a json column refuses);
            # the text is passed through as encoded
            return Json(text, dumps=str)
        return text

    def get_col(self, alias, output_field=None):
        if alias == self.model._meta.db_table and (output_field is None or output_field == self):
            return self.cached_col
        return _JsonbCol(alias, self, output_field)

    @cached_property
    def cached_col(self):
        return _JsonbCol(self.model._meta.db_table, self)
