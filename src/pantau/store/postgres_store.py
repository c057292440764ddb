"""The PostgreSQL store: ``--db postgresql://user:password@host:port/db[?schema=name]``.

The same tables, settings, import log and accounts as the DuckDB store, created by the same
migrations (:mod:`pantau.store.schema`); KPI expressions run on Ibis's PostgreSQL backend
through the same :meth:`ibis` contract. Code that writes SQL of its own (accounts, the import
log) gets a :class:`PgConnection`, which speaks like a DuckDB connection (``?`` placeholders,
``execute(...).fetchall()``), so it runs unchanged on both engines.

PostgreSQL needs no file lock: readers see committed data. Writers take one advisory lock per
store for the length of :meth:`write`, so a check followed by a write (an import, "create the
first admin") is as serialised as on DuckDB. ``?schema=name`` keeps Pantau's tables in their own
schema (created when missing); without it they go to the role's default schema.
"""

from __future__ import annotations

import os
import re
import zlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from pantau.errors import StoreBusy, StoreError
from pantau.store.duckdb_store import LOCK_TIMEOUT_S, Store
from pantau.store.schema import MIGRATIONS, SCHEMA_VERSION

if TYPE_CHECKING:
    import psycopg

SCHEMES = ("postgresql", "postgres")
_SCHEMA_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}")
CONNECT_TIMEOUT_S = int(os.environ.get("PANTAU_PG_CONNECT_TIMEOUT", "10"))


def is_postgres_url(text: str) -> bool:
    """Whether ``text`` names a PostgreSQL store (``postgresql://`` or ``postgres://``)."""
    scheme, sep, _rest = text.partition("://")
    return bool(sep) and scheme.lower() in SCHEMES


@dataclass(frozen=True)
class PgAddress:
    """Where a PostgreSQL store lives."""

    conninfo: str  # the libpq URL, without Pantau's own ``schema`` parameter
    schema: str | None
    label: str  # the URL without the password, for messages

    @classmethod
    def parse(cls, url: str) -> PgAddress:
        parts = urlsplit(url)
        query = parse_qsl(parts.query, keep_blank_values=True)
        schema = next((v for k, v in query if k == "schema"), None)
        if schema is not None and not _SCHEMA_NAME.fullmatch(schema):
            raise StoreError(f"'{schema}' is not a schema name (letters, digits and _)")
        rest = urlencode([(k, v) for k, v in query if k != "schema"])
        conninfo = urlunsplit(parts._replace(query=rest))
        userinfo, _at, hostport = parts.netloc.rpartition("@")
        user = userinfo.partition(":")[0]
        label = f"{parts.scheme}://{user + '@' if user else ''}{hostport}{parts.path}"
        return cls(conninfo, schema, label + (f"?schema={schema}" if schema else ""))


class PgConnection:
    """A psycopg connection behind the part of DuckDB's connection API Pantau uses.

    ``execute`` takes ``?`` placeholders and returns the connection, so
    ``con.execute(sql, params).fetchone()`` reads the same on both engines. The connection is in
    autocommit mode: ``BEGIN TRANSACTION`` … ``COMMIT`` statements work as they do in DuckDB.
    """

    def __init__(self, raw: psycopg.Connection[Any]) -> None:
        self.raw = raw
        self._cursor: psycopg.Cursor[Any] | None = None

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> PgConnection:
        query = placeholders(sql) if params is not None else sql
        self._cursor = self.raw.execute(query, params)
        return self

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> PgConnection:
        with self.raw.cursor() as cursor:
            cursor.executemany(placeholders(sql), rows)
        return self

    def fetchone(self) -> tuple[Any, ...] | None:
        return self._last().fetchone()

    def fetchall(self) -> list[tuple[Any, ...]]:
        return self._last().fetchall()

    def fetchmany(self, size: int) -> list[tuple[Any, ...]]:
        return self._last().fetchmany(size)

    @property
    def description(self) -> Any:
        return self._last().description

    def close(self) -> None:
        self.raw.close()

    def _last(self) -> psycopg.Cursor[Any]:
        if self._cursor is None:
            raise StoreError("no statement has been executed on this connection")
        return self._cursor


def placeholders(sql: str) -> str:
    """DuckDB's ``?`` placeholders as psycopg's ``%s`` (a literal ``%`` doubled).

    >>> placeholders("SELECT '?', x FROM t WHERE a = ? AND b LIKE 'x%'")
    "SELECT '?', x FROM t WHERE a = %s AND b LIKE 'x%%'"
    """
    out: list[str] = []
    quote: str | None = None
    for char in sql:
        if quote is None and char in "'\"":
            quote = char
        elif char == quote:
            quote = None
        if char == "%":
            out.append("%%")
        elif char == "?" and quote is None:
            out.append("%s")
        else:
            out.append(char)
    return "".join(out)


class PostgresStore(Store):
    """A Pantau store in a PostgreSQL database (schema). Cheap to construct.

    Implements the public API of :class:`~pantau.store.Store`: :meth:`read`, :meth:`write`,
    :meth:`ibis`, settings (inherited: their SQL is portable) and ``data_version``.
    """

    def __init__(self, url: str) -> None:  # the DuckDB file of the base class is not used
        self.address = PgAddress.parse(url)
        self.path = Path(self.address.label)  # only shown in messages
        self.lock_path = self.path
        self._schema_ok = False
        key = "pantau:" + (self.address.schema or "")
        self._lock_key = zlib.crc32(key.encode()) - 2**31  # a signed int4 for pg_advisory_lock

    def __repr__(self) -> str:
        return f"PostgresStore({self.address.label!r})"

    # -- connections ---------------------------------------------------------------------------
    def connect(self, *, autocommit: bool = True) -> psycopg.Connection[Any]:
        """A new psycopg connection in the store's schema, session time zone UTC."""
        try:
            import psycopg
        except ImportError:
            raise StoreError(
                "PostgreSQL stores need psycopg: pip install 'pantau[postgres]'"
            ) from None
        try:
            raw = psycopg.connect(
                self.address.conninfo, autocommit=autocommit, connect_timeout=CONNECT_TIMEOUT_S
            )
        except psycopg.Error as exc:
            reason = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
            raise StoreError(f"cannot connect to {self.address.label}: {reason}") from None
        raw.execute(
            "SELECT set_config('TimeZone', 'UTC', false), set_config('lock_timeout', %s, false)",
            [f"{int(LOCK_TIMEOUT_S * 1000)}ms"],
        )
        if self.address.schema:
            raw.execute("SELECT set_config('search_path', %s, false)", [self.address.schema])
        if not autocommit:
            raw.commit()
        return raw

    def lock(self, raw: psycopg.Connection[Any], *, transaction: bool = False) -> None:
        """Take the store's writer lock (until the transaction or the connection ends)."""
        import psycopg

        function = "pg_advisory_xact_lock" if transaction else "pg_advisory_lock"
        try:
            raw.execute(f"SELECT {function}(%s)", [self._lock_key])
        except psycopg.errors.LockNotAvailable:
            raise StoreBusy(
                f"{self.address.label} is busy (another Pantau process is writing to it); "
                "try again later"
            ) from None

    def _ensure_schema(self) -> None:
        if self._schema_ok:
            return
        raw = self.connect(autocommit=False)
        try:
            version = _schema_version(raw)
            raw.rollback()
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"{self.address.label} was written by a newer Pantau (schema {version}); "
                    "upgrade Pantau"
                )
            if version < SCHEMA_VERSION:
                self._migrate(raw)
        finally:
            raw.close()
        self._schema_ok = True

    def _migrate(self, raw: psycopg.Connection[Any]) -> None:
        from psycopg import sql

        with raw.transaction():
            if self.address.schema:
                raw.execute(
                    sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(
                        sql.Identifier(self.address.schema)
                    )
                )
            self.lock(raw, transaction=True)
            found = _schema_version(raw)
            if found >= SCHEMA_VERSION:
                return
            con = cast(Any, PgConnection(raw))
            for version, step in MIGRATIONS:
                if version > found:
                    step(con)
            con.execute(
                "INSERT INTO pantau_meta VALUES ('schema_version', ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [str(SCHEMA_VERSION)],
            )
            con.execute(
                "INSERT INTO pantau_meta VALUES ('data_version', '0') ON CONFLICT (key) DO NOTHING"
            )

    # -- public API ----------------------------------------------------------------------------
    def exists(self) -> bool:
        return True  # the database is there (or connecting says why not); tables are made on use

    @contextmanager
    def read(self) -> Iterator[Any]:
        """A read-only :class:`PgConnection` for the ``with`` block."""
        self._ensure_schema()
        raw = self.connect()
        try:
            raw.execute("SET default_transaction_read_only = on")
            yield PgConnection(raw)
        finally:
            raw.close()

    @contextmanager
    def write(self) -> Iterator[Any]:
        """A :class:`PgConnection` holding the store's writer lock. The caller manages
        transactions (``BEGIN TRANSACTION`` … ``COMMIT``), as with DuckDB."""
        self._ensure_schema()
        raw = self.connect()
        try:
            self.lock(raw)
            yield PgConnection(raw)
        finally:
            raw.close()  # ends the session, and with it the advisory lock

    @contextmanager
    def ibis(self) -> Iterator[Any]:
        """An Ibis PostgreSQL backend over a new connection, for the ``with`` block."""
        import ibis

        self._ensure_schema()
        raw = self.connect()
        try:
            yield ibis.postgres.from_connection(raw)
        finally:
            raw.close()


def _schema_version(raw: psycopg.Connection[Any]) -> int:
    row = raw.execute("SELECT to_regclass('pantau_meta') IS NOT NULL").fetchone()
    if not row or not row[0]:
        return 0
    row = raw.execute("SELECT value FROM pantau_meta WHERE key = 'schema_version'").fetchone()
    return int(row[0]) if row else 0


def copy_rows(
    raw: psycopg.Connection[Any],
    table: str,
    columns: Sequence[str],
    batches: Iterable[Sequence[Sequence[Any]]],
) -> int:
    """``COPY`` rows into ``table`` (in the caller's transaction); the number of rows."""
    from psycopg import sql

    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    n = 0
    with raw.cursor() as cursor, cursor.copy(statement) as copy:
        for batch in batches:
            for row in batch:
                copy.write_row(row)
            n += len(batch)
    return n
