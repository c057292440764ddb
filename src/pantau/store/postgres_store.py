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

Readers (:meth:`read`, :meth:`ibis`) reuse idle connections: a store keeps up to
``PANTAU_PG_POOL`` (default 4) of them, each reset (temporary tables dropped, every session
setting back to Pantau's) when it is taken again, so a request pays one round trip instead of a
new connection (~8 ms on a local server). Writers always get a new connection.
"""

from __future__ import annotations

import os
import re
import threading
import time
import weakref
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
#: idle reader connections a store keeps for reuse (0: a new connection every time)
POOL_SIZE = int(os.environ.get("PANTAU_PG_POOL", "4"))
#: the libpq parameters that say which database (and as whom) a URL reaches: the cache identity
_WHERE = ("host", "hostaddr", "port", "dbname", "user", "service", "options")
#: connections a forked child inherited: never used nor closed there (closing would end the
#: parent's session on the shared socket)
_INHERITED: list[Any] = []


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

    The KPI engine caches its answers per (:meth:`cache_identity`, ``data_version``). The
    identity is where the tables are — host, port, database, role and schema as the URL says
    them, never the password — and the version is read from ``pantau_meta`` on every call (one
    small query; there is no :meth:`cache_fingerprint`), so a write by any process or any other
    :class:`PostgresStore` object is seen by the next call. Every Pantau write (import, setting,
    target, ``copy-to``) increases ``data_version`` in its own transaction, and a new store's
    counter starts at its creation time in microseconds, not 0, so a schema dropped and created
    again never repeats a version an older process still has answers for. Writes made outside
    Pantau must increase ``data_version`` too (``UPDATE pantau_meta SET value =
    CAST(CAST(value AS BIGINT) + 1 AS VARCHAR) WHERE key = 'data_version'``).
    """

    def __init__(self, url: str) -> None:  # the DuckDB file of the base class is not used
        self.address = PgAddress.parse(url)
        self.path = Path(self.address.label)  # only shown in messages
        self.lock_path = self.path
        self._schema_ok = False
        key = "pantau:" + (self.address.schema or "")
        self._lock_key = zlib.crc32(key.encode()) - 2**31  # a signed int4 for pg_advisory_lock
        self._identity: tuple[Any, ...] | None = None
        self._idle = _Idle()
        weakref.finalize(self, self._idle.close_all)

    def __repr__(self) -> str:
        return f"PostgresStore({self.address.label!r})"

    def cache_identity(self) -> tuple[Any, ...]:
        """Which database and schema this store is, for the KPI engine's caches (no password).

        ``localhost`` and ``127.0.0.1`` are two identities of one database: harmless, as the
        version is read on every call; what matters is that two different databases never share
        one.
        """
        if self._identity is None:
            from psycopg.conninfo import conninfo_to_dict

            params = conninfo_to_dict(self.address.conninfo)
            where = tuple((k, str(params[k])) for k in _WHERE if params.get(k) is not None)
            self._identity = ("postgresql", where, self.address.schema)
        return self._identity

    def close(self) -> None:
        """Close the idle connections kept for reuse (also done when the store is collected)."""
        self._idle.close_all()

    # -- connections ---------------------------------------------------------------------------
    def connect(
        self, *, autocommit: bool = True, read_only: bool = False
    ) -> psycopg.Connection[Any]:
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
        raw.execute(self._session_sql(read_only=read_only))
        if not autocommit:
            raw.commit()
        return raw

    def _session_sql(self, *, read_only: bool = False) -> str:
        """Pantau's session settings: time zone UTC, the lock timeout, the schema.

        Inlined rather than bound, so that the reset of a reused connection is one round trip;
        the values are safe literals (a number, a schema name checked by :class:`PgAddress`).
        """
        settings = {"TimeZone": "UTC", "lock_timeout": f"{int(LOCK_TIMEOUT_S * 1000)}ms"}
        if self.address.schema:
            settings["search_path"] = self.address.schema
        if read_only:
            settings["default_transaction_read_only"] = "on"
        calls = ", ".join(f"set_config('{k}', '{v}', false)" for k, v in settings.items())
        return f"SELECT {calls}"

    @contextmanager
    def _reader(self, *, read_only: bool) -> Iterator[psycopg.Connection[Any]]:
        """A connection for reading, reused when one is idle; back to the idle ones after the
        block when it is healthy and outside a transaction, closed otherwise."""
        raw = self._checkout(read_only)
        try:
            yield raw
        except BaseException:
            raw.close()  # whatever state the failure left behind goes with it
            raise
        self._checkin(raw)

    def _checkout(self, read_only: bool) -> psycopg.Connection[Any]:
        import psycopg

        while (raw := self._idle.take()) is not None:
            try:  # one round trip: a reset, and the proof that the connection still works
                raw.execute("DISCARD TEMP; RESET ALL; " + self._session_sql(read_only=read_only))
                return raw
            except psycopg.Error:  # the server went away or closed it: try the next one
                raw.close()
        return self.connect(read_only=read_only)

    def _checkin(self, raw: psycopg.Connection[Any]) -> None:
        from psycopg.pq import TransactionStatus

        idle = raw.info.transaction_status == TransactionStatus.IDLE
        if raw.closed or raw.broken or not idle or not self._idle.keep(raw):
            raw.close()

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
            con.execute(  # a new store's first version: unique, see the class docstring
                "INSERT INTO pantau_meta VALUES ('data_version', ?) ON CONFLICT (key) DO NOTHING",
                [str(time.time_ns() // 1000)],
            )

    # -- public API ----------------------------------------------------------------------------
    def exists(self) -> bool:
        return True  # the database is there (or connecting says why not); tables are made on use

    @contextmanager
    def read(self) -> Iterator[Any]:
        """A read-only :class:`PgConnection` for the ``with`` block."""
        self._ensure_schema()
        with self._reader(read_only=True) as raw:
            yield PgConnection(raw)

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
        """An Ibis PostgreSQL backend for the ``with`` block (over a reused connection)."""
        import ibis

        self._ensure_schema()
        with self._reader(read_only=False) as raw:
            yield ibis.postgres.from_connection(raw)


class _Idle:
    """A store's idle reader connections (thread-safe, bounded by :data:`POOL_SIZE`)."""

    def __init__(self) -> None:
        self._conns: list[Any] = []
        self._lock = threading.Lock()
        self._pid = os.getpid()

    def _forked(self) -> bool:
        """In a forked child, hand the parent's connections to :data:`_INHERITED` (lock held)."""
        if self._pid == os.getpid():
            return False
        _INHERITED.extend(self._conns)
        self._conns.clear()
        self._pid = os.getpid()
        return True

    def take(self) -> Any:
        with self._lock:
            self._forked()
            return self._conns.pop() if self._conns else None

    def keep(self, raw: Any) -> bool:
        """Keep ``raw`` for reuse; False when it should be closed instead."""
        with self._lock:
            if self._forked() or len(self._conns) >= POOL_SIZE:
                return False
            self._conns.append(raw)
            return True

    def close_all(self) -> None:
        with self._lock:
            self._forked()
            conns = list(self._conns)
            self._conns.clear()
        for raw in conns:
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
