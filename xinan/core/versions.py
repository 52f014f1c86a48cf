"""Data versions: a token per database table that changes whenever the table's rows change.

Caches of things read on every page (parameters, role grants, filter choices, list counts and
table bodies) are keyed on the tokens of the tables they read, so any write — through a service,
an import, a migration or plain SQL — invalidates them in every process at once.

The tokens are kept by database triggers, not by Python signals: ``QuerySet.update``, bulk
inserts and raw SQL bypass signals, and a cache that misses one write shows stale data. A table
is *tracked* when some module asks for its tokens (``track``); ``install`` (run after every
``migrate``) creates its triggers and gives every tracked table a fresh token, so nothing cached
before a schema change survives it.

Tokens are random, not counters: a rolled-back transaction restores the previous token together
with the previous rows, and a counter would then hand out the rolled-back number again for
different data. A cache entry is stored under the tokens read *before* the data, so a write
committed in between can only make the entry newer than its key, never staler.

Within one GET request the tokens are read once (one query) and reused; elsewhere every call
reads them, so CLI commands and tests always see their own writes.
"""

import copy
import re
from contextvars import ContextVar

from django.db import connection

TABLE = "core_dataversion"
_tracked: set[str] = set()
_request_tokens: ContextVar[dict | None] = ContextVar("xinan_data_tokens", default=None)

_SQLITE_TRIGGER = (
    "CREATE TRIGGER IF NOT EXISTS xinan_version_{table}_{op} AFTER {op} ON {table} BEGIN "
    "INSERT INTO core_dataversion (name, token) VALUES ('{table}', lower(hex(randomblob(16)))) "
    "ON CONFLICT (name) DO UPDATE SET token = excluded.token; END"
)
_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION xinan_data_version() RETURNS trigger AS $$
BEGIN
  INSERT INTO core_dataversion (name, token) VALUES (TG_TABLE_NAME, md5(random()::text || clock_timestamp()::text))
  ON CONFLICT (name) DO UPDATE SET token = excluded.token;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql
"""
_PG_TRIGGER = (
    "CREATE OR REPLACE TRIGGER xinan_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
    "FOR EACH STATEMENT EXECUTE FUNCTION xinan_data_version()"
)


def table_of(model_or_table) -> str:
    return model_or_table if isinstance(model_or_table, str) else model_or_table._meta.db_table


def track(*models_or_tables) -> tuple[str, ...]:
    """Declare tables whose tokens some cache needs; returns their names."""
    tables = tuple(table_of(m) for m in models_or_tables)
    _tracked.update(tables)
    return tables


UNTRACKED_APPS = {"audit"}  # append-only and written on every action: nothing caches them


def tracked() -> frozenset[str]:
    """Every table of the product's models (except the audit chain's), and any declared."""
    from django.apps import apps

    tables = {m._meta.db_table for m in apps.get_models()
              if m.__module__.startswith("xinan.") and m._meta.app_label not in UNTRACKED_APPS
              and not m._meta.proxy and m._meta.managed and m._meta.db_table != TABLE}
    return frozenset(tables | _tracked)


def install(using="default", **_kwargs) -> None:
    """Create the triggers of every tracked table and give each a fresh token (post_migrate)."""
    from django.db import connections

    conn = connections[using]
    existing = set(conn.introspection.table_names())
    if TABLE not in existing:
        return  # migrated to a state before the table exists
    tables = sorted(t for t in tracked() if t in existing)
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            cursor.execute(_PG_FUNCTION)
            for table in tables:
                cursor.execute(_PG_TRIGGER.format(table=conn.ops.quote_name(table)))
        else:
            for table in tables:
                for op in ("INSERT", "UPDATE", "DELETE"):
                    cursor.execute(_SQLITE_TRIGGER.format(table=table, op=op))
    bump(*tables, using=using)


def bump(*tables, using=None) -> None:
    """New tokens for ``tables`` (what the triggers do; also used after installing them)."""
    from django.db import connections

    conn = connections[using or "default"]
    if not tables:
        return
    new = "md5(random()::text || clock_timestamp()::text)" if conn.vendor == "postgresql" else "lower(hex(randomblob(16)))"
    with conn.cursor() as cursor:
        for table in tables:
            cursor.execute(
                f"INSERT INTO {TABLE} (name, token) VALUES (%s, {new}) ON CONFLICT (name) DO UPDATE SET token = excluded.token",
                [table])


def _read() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT name, token FROM {TABLE}")
        return dict(cursor.fetchall())


def snapshot() -> dict:
    """The tokens of every tracked table: the request's (read once), else read now."""
    current = _request_tokens.get()
    if current is None:
        return _read()
    current.load()  # before any data is read: an entry must never be older than its tokens
    return current


def in_request() -> bool:
    """Whether the tokens are read once for the current (GET) request."""
    return _request_tokens.get() is not None


def tokens(*models_or_tables) -> tuple | None:
    """The current tokens of these tables, or None when one is unknown (its triggers are not
    installed yet): callers then must not cache."""
    current = snapshot()
    out = []
    for m in models_or_tables:
        token = current.get(table_of(m))
        if token is None:
            return None
        out.append(token)
    return tuple(out)


class RequestTokensMiddleware:
    """Reads the tokens once per GET/HEAD request. Other methods write, and must see their own
    writes in what they render afterwards, so they read the tokens at every use; a GET request
    that writes reads them again after the write."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        lazy = _LazyTokens()
        reset = _request_tokens.set(lazy)
        try:
            with connection.execute_wrapper(lazy.forget_on_write):
                return self.get_response(request)
        finally:
            _request_tokens.reset(reset)


class _LazyTokens(dict):
    """The request's tokens, read on first use (a request that caches nothing pays nothing)."""

    _loaded = False

    def load(self) -> None:
        if not self._loaded:
            self.update(_read())
            self._loaded = True

    def get(self, key, default=None):
        self.load()
        return super().get(key, default)

    def forget_on_write(self, execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if self._loaded and isinstance(sql, str) and sql.lstrip()[:6].upper() in _WRITES:
            self.clear()
            self._loaded = False
        return result


_WRITES = {"INSERT", "UPDATE", "DELETE", "REPLAC"}


# -- which tables a computation read -----------------------------------------------------------
_captures: ContextVar[tuple] = ContextVar("xinan_table_captures", default=())
_QUOTED = re.compile(r'"([A-Za-z0-9_]+)"')


def _note_tables(tables) -> None:
    tables = tuple(tables)  # every enclosing capture gets them, not just the first
    for capture in _captures.get():
        capture.update(tables)


def note_read(*models_or_tables) -> None:
    """Declare that the computation under way read these tables without a query (from a cache
    of its own): an enclosing ``VersionedCache`` entry then depends on them too."""
    _note_tables(table_of(m) for m in models_or_tables)


def _capture_sql(execute, sql, params, many, context):
    _note_tables(_QUOTED.findall(sql) if isinstance(sql, str) else ())
    return execute(sql, params, many, context)


class VersionedCache:
    """A small per-process cache whose entries stay valid while the tables they were built from
    are unchanged.

    ``get_or_build(key, build)`` runs ``build()`` on a miss and records which tables its queries
    named (every SQL statement it ran, through ``connection.execute_wrapper``); the entry is
    served again only while each of those tables has the token it had *before* ``build`` ran.
    An entry built from a table without a token (not tracked, e.g. sessions or the audit chain)
    is not stored. A hit inside another ``get_or_build`` passes its tables on to the outer one.
    ``tables=`` names the tables instead of capturing them.
    """

    def __init__(self, size: int = 512):
        self.size = size
        self._entries: dict = {}

    def get_or_build(self, key, build, tables=None):
        current = dict(snapshot())  # as of now: the request's tokens are re-read after a write
        entry = self._entries.get(key)
        if entry is not None:
            stamp, value = entry
            if all(current.get(table) == token for table, token in stamp):
                _note_tables(table for table, _token in stamp)
                return value
        if tables is not None:
            value = build()
            used = {table_of(t) for t in tables}
        else:
            used = set()
            reset = _captures.set((*_captures.get(), used))
            try:
                with connection.execute_wrapper(_capture_sql):
                    value = build()
            finally:
                _captures.reset(reset)
        _note_tables(used)
        stamp = tuple((table, current.get(table)) for table in sorted(used) if table in _known_tables())
        if all(token is not None for _table, token in stamp):
            if len(self._entries) >= self.size:
                self._entries.clear()
            self._entries[key] = (stamp, value)
        return value

    def clear(self) -> None:
        self._entries.clear()


def fresh_copy(instance, _copies=None):
    """A copy of a cached model instance and of the related instances it carries (Django's own
    copy shares those; a one-to-one pair points both ways), or None: what a request notes on an
    object it was handed from a cache must not reach the next request."""
    if instance is None:
        return None
    copies = {} if _copies is None else _copies
    if id(instance) in copies:
        return copies[id(instance)]
    clone = copies[id(instance)] = copy.copy(instance)  # Model.__getstate__ copies the related-row cache dict
    cache = clone._state.fields_cache
    for name, related in cache.items():
        cache[name] = fresh_copy(related, copies)
    return clone


def _known_tables() -> frozenset[str]:
    """Every table of every installed model: quoted names in SQL that are not tables (column
    aliases, columns) are ignored."""
    global _all_tables
    if _all_tables is None:
        from django.apps import apps

        _all_tables = frozenset(m._meta.db_table for m in apps.get_models(include_auto_created=True))
    return _all_tables


_all_tables = None
