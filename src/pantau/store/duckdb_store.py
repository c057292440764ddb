"""The embedded store: one DuckDB file, shared safely by the CLI and the web server.

DuckDB lets one process write a database file, or several processes read it, never both. Pantau
therefore never keeps a connection open between operations. Every operation takes an advisory
lock on ``<store>.lock`` first — shared for reading, exclusive for writing — then opens the file
(read-only for readers), does its work and closes it. A reader that arrives during an import
waits for the import to commit instead of seeing a lock error, and an import waits for running
queries to finish. A write is one DuckDB transaction, so a crash or ``kill -9`` leaves the store as
it was before that write.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import duckdb

from pantau.errors import StoreBusy, StoreError, UsageError
from pantau.model.records import RECORD_TYPES
from pantau.store.schema import DEFAULT_SETTINGS, SCHEMA_VERSION, current_version, migrate

LOCK_TIMEOUT_S = float(os.environ.get("PANTAU_LOCK_TIMEOUT", "600"))


def default_path() -> Path:
    """``$PANTAU_DB``, else ``$XDG_DATA_HOME/pantau/pantau.duckdb`` (``~/.local/share/...``)."""
    env = os.environ.get("PANTAU_DB")
    if env:
        return Path(env)
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "pantau" / "pantau.duckdb"


class Store:
    """A Pantau store in a DuckDB file. Cheap to construct; opens connections on demand."""

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path = Path(path) if path else default_path()
        if self.path.exists() and self.path.is_dir():
            raise StoreError(f"{self.path} is a directory; --db takes a file name")
        self.lock_path = self.path.with_name(self.path.name + ".lock")
        self._schema_ok = False

    # -- locking ---------------------------------------------------------------------------
    @contextmanager
    def _lock(self, exclusive: bool) -> Iterator[None]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        mode = fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH
        deadline = time.monotonic() + LOCK_TIMEOUT_S
        try:
            while True:
                try:
                    fcntl.flock(fd, mode | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise StoreBusy(
                            f"{self.path} is busy (another Pantau process is "
                            f"{'using' if exclusive else 'writing to'} it); try again later"
                        ) from None
                    time.sleep(0.05)
            yield
        finally:
            os.close(fd)  # closing the descriptor releases the lock

    def _open(self, read_only: bool) -> duckdb.DuckDBPyConnection:
        try:
            con = duckdb.connect(str(self.path), read_only=read_only)
        except duckdb.Error as exc:
            raise StoreError(f"{self.path} cannot be opened as a Pantau store: {exc}") from None
        con.execute("SET TimeZone = 'UTC'")
        return con

    def _ensure_schema(self) -> None:
        if self._schema_ok and self.path.exists():
            return
        self._check_schema()
        self._schema_ok = True

    def _check_schema(self) -> None:
        if self.path.exists():
            with self._lock(exclusive=False):
                con = self._open(read_only=True)
                try:
                    version = current_version(con)
                finally:
                    con.close()
            if version == SCHEMA_VERSION:
                return
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"{self.path} was written by a newer Pantau (schema {version}); upgrade Pantau"
                )
            if version == 0 and self._has_foreign_tables():
                raise StoreError(f"{self.path} is a DuckDB file but not a Pantau store")
        with self._lock(exclusive=True):
            con = self._open(read_only=False)
            try:
                migrate(con)
            finally:
                con.close()

    def _has_foreign_tables(self) -> bool:
        with self._lock(exclusive=False):
            con = self._open(read_only=True)
            try:
                row = con.execute(
                    "SELECT count(*) FILTER (WHERE table_name <> 'pantau_meta') "
                    "* (1 - count(*) FILTER (WHERE table_name = 'pantau_meta')) "
                    "FROM information_schema.tables"
                ).fetchone()
            finally:
                con.close()
        return bool(row and row[0])

    # -- public API ------------------------------------------------------------------------
    def exists(self) -> bool:
        """Whether the store exists already (a new DuckDB file is created on first use)."""
        return self.path.exists()

    @contextmanager
    def read(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-only connection, held under a shared lock for the ``with`` block."""
        self._ensure_schema()
        with self._lock(exclusive=False):
            con = self._open(read_only=True)
            try:
                yield con
            finally:
                con.close()

    @contextmanager
    def write(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-write connection under the exclusive lock. The caller manages transactions."""
        self._ensure_schema()
        with self._lock(exclusive=True):
            con = self._open(read_only=False)
            try:
                yield con
            finally:
                con.close()

    @contextmanager
    def ibis(self) -> Iterator[Any]:
        """An Ibis backend over a read-only connection (shared lock held for the block).

        KPI definitions are Ibis expressions; this is where they meet the DuckDB engine. Other
        engines (PostgreSQL, Spark) provide the same method.
        """
        import ibis

        with self.read() as con:
            yield ibis.duckdb.from_connection(con)

    # -- settings --------------------------------------------------------------------------
    def settings(self) -> dict[str, str]:
        """All store settings, defaults filled in."""
        with self.read() as con:
            rows = con.execute("SELECT key, value FROM settings").fetchall()
        out = dict(DEFAULT_SETTINGS)
        out.update({k: v for k, v in rows})
        return out

    def setting(self, key: str) -> str:
        return self.settings()[key]

    def set_setting(self, key: str, value: str) -> None:
        """Change a setting. Changing ``timezone`` re-derives every stored local time."""
        if key not in DEFAULT_SETTINGS:
            raise UsageError(
                f"unknown setting '{key}'; settings are: {', '.join(sorted(DEFAULT_SETTINGS))}"
            )
        value = normalise_setting(key, value)
        with self.write() as con:
            con.execute("BEGIN TRANSACTION")
            try:
                con.execute(
                    "INSERT INTO settings VALUES (?, ?) "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    [key, value],
                )
                if key == "timezone":
                    _relocalise(con, value)
                bump_data_version(con)
                con.execute("COMMIT")
            except Exception:
                con.execute("ROLLBACK")
                raise

    def data_version(self) -> int:
        """A counter that changes whenever data or settings change (for caches)."""
        with self.read() as con:
            row = con.execute("SELECT value FROM pantau_meta WHERE key = 'data_version'").fetchone()
        return int(row[0]) if row else 0


def normalise_setting(key: str, value: str) -> str:
    """Check a setting's new value; return it in its stored form or raise UsageError."""
    value = value.strip()
    if key == "timezone":
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise UsageError(
                f"unknown time zone '{value}'; use an IANA name such as Asia/Jakarta, "
                "Asia/Makassar or Asia/Jayapura"
            ) from None
    if key == "currency" and (len(value) != 3 or not value.isalpha()):
        raise UsageError(f"'{value}' is not an ISO 4217 currency code such as IDR")
    if key == "language" and value not in ("id", "en"):
        raise UsageError("language must be 'id' or 'en'")
    if key == "upload_max_mb" and not (value.isdigit() and 1 <= int(value) <= 10_000):
        raise UsageError("upload_max_mb must be a whole number of megabytes from 1 to 10000")
    if key == "currency":
        return value.upper()
    if key == "key_activity_type":
        return value.lower()
    return value


def bump_data_version(con: duckdb.DuckDBPyConnection) -> None:
    """Increment the data version inside the caller's transaction."""
    con.execute(
        "UPDATE pantau_meta SET value = CAST(CAST(value AS BIGINT) + 1 AS VARCHAR) "
        "WHERE key = 'data_version'"
    )


def _relocalise(con: duckdb.DuckDBPyConnection, tz: str) -> None:
    for rt in RECORD_TYPES.values():
        sets = [
            f'"{c.name}_local" = timezone(?, timezone(\'UTC\', "{c.name}"))'
            for c in rt.columns
            if c.kind == "timestamp"
        ]
        if sets:
            con.execute(f'UPDATE "{rt.table}" SET {", ".join(sets)}', [tz] * len(sets))
