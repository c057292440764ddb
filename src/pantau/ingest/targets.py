"""Where an import is checked and written, per engine.

The importer reads, parses and checks a file in DuckDB SQL. For a DuckDB store that happens on
the store's own connection, and the rows are upserted there (:mod:`pantau.ingest.load`). For a
PostgreSQL store it happens in a scratch DuckDB database in the import's temporary folder, which
holds the ids the reference checks look up; the checked canonical rows are then copied to
PostgreSQL with ``COPY`` and upserted — delete the matching keys, insert — in one PostgreSQL
transaction, together with the import log and the data-version bump. The Spark engine is
read-only.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any, Protocol

import duckdb

from pantau.errors import StoreError
from pantau.ingest import load
from pantau.ingest.report import ImportReport
from pantau.ingest.stage import STAGE, q
from pantau.model.records import ID_COLUMN, RecordType, stored_columns
from pantau.store import PostgresStore, SparkStore, Store, bump_data_version
from pantau.store.postgres_store import PgConnection, copy_rows
from pantau.store.schema import migrate
from pantau.store.spark_store import READ_ONLY

BATCH_ROWS = 50_000
ISSUE_COLUMNS = (
    "import_id",
    "level",
    "kind",
    "row_number",
    "line_number",
    "column_name",
    "value",
    "message",
)
#: what an empty part of an optional key column compares as (next to an IS NULL flag)
_EMPTY = {"VARCHAR": "''", "BIGINT": "0"}


class Target(Protocol):
    """The store side of an import."""

    def prepare(self, con: duckdb.DuckDBPyConnection, rt: RecordType) -> None:
        """Make what the checks of ``rt`` look up (``main.<table>``) available on ``con``."""

    def write_rejected(self, con: duckdb.DuckDBPyConnection, report: ImportReport) -> None:
        """Log a rejected import."""

    def write_import(
        self, con: duckdb.DuckDBPyConnection, rt: RecordType, report: ImportReport
    ) -> None:
        """Upsert the staged rows and log the import, all or nothing."""


class LocalTarget:
    """A DuckDB store: the checks and the writes use the store's own connection."""

    def prepare(self, con: duckdb.DuckDBPyConnection, rt: RecordType) -> None:
        return None

    def write_rejected(self, con: duckdb.DuckDBPyConnection, report: ImportReport) -> None:
        load.write_rejected(con, report)

    def write_import(
        self, con: duckdb.DuckDBPyConnection, rt: RecordType, report: ImportReport
    ) -> None:
        load.write_import(con, rt, report)


@contextmanager
def open_target(store: Store, workdir: Path) -> Iterator[tuple[duckdb.DuckDBPyConnection, Target]]:
    """The DuckDB connection to check the import on, and where its result goes."""
    if isinstance(store, SparkStore):
        raise StoreError(READ_ONLY)
    if isinstance(store, PostgresStore):
        with closing(duckdb.connect(str(workdir / "workspace.duckdb"))) as con:
            migrate(con)  # empty canonical tables: the checks find what prepare() copies in
            yield con, PostgresTarget(store)
        return
    with store.write() as con:
        yield con, LocalTarget()


class PostgresTarget:
    """A PostgreSQL store, checked in a scratch DuckDB database (see the module docstring)."""

    def __init__(self, store: PostgresStore) -> None:
        self.store = store

    def prepare(self, con: duckdb.DuckDBPyConnection, rt: RecordType) -> None:
        import pyarrow as pa  # only for a PostgreSQL target (the CLI starts faster)

        wanted: dict[str, tuple[str, ...]] = {
            c.ref: (ID_COLUMN[c.ref],) for c in rt.columns if c.ref
        }
        if rt.name == "opportunities":
            wanted["stages"] = ("stage", "kind")
        with self.store.read() as pg:
            for table, columns in sorted(wanted.items()):
                cols = ", ".join(q(c) for c in columns)
                rows = pg.raw.execute(f"SELECT {cols} FROM {q(table)}").fetchall()
                data = pa.table(
                    {c: pa.array([r[i] for r in rows], pa.string()) for i, c in enumerate(columns)}
                )
                con.register("_pantau_known", data)
                con.execute(f"INSERT INTO main.{q(table)} ({cols}) SELECT * FROM _pantau_known")
                con.unregister("_pantau_known")

    def write_rejected(self, con: duckdb.DuckDBPyConnection, report: ImportReport) -> None:
        with closing(self.store.connect(autocommit=False)) as raw, raw.transaction():
            self.store.lock(raw, transaction=True)
            report.import_id = _next_import_id(raw)
            _log_import(raw, report)

    def write_import(
        self, con: duckdb.DuckDBPyConnection, rt: RecordType, report: ImportReport
    ) -> None:
        with closing(self.store.connect(autocommit=False)) as raw, raw.transaction():
            self.store.lock(raw, transaction=True)
            report.import_id = _next_import_id(raw)
            report.inserted, report.updated = _upsert(con, raw, rt, report.import_id)
            _log_import(raw, report)
            bump_data_version(PgConnection(raw))  # type: ignore[arg-type]


def _next_import_id(raw: Any) -> int:
    return int(raw.execute("SELECT coalesce(max(import_id), 0) + 1 FROM imports").fetchone()[0])


def _upsert(
    con: duckdb.DuckDBPyConnection, raw: Any, rt: RecordType, import_id: int
) -> tuple[int, int]:
    """Copy the staged rows to PostgreSQL, replace/insert them; (inserted, updated)."""
    table = q(rt.table)
    names = [n for n, _t in stored_columns(rt) if n != "_import_id"]
    cols = ", ".join(q(n) for n in names)
    raw.execute(f"CREATE TEMP TABLE _pantau_stage (LIKE {table}) ON COMMIT DROP")
    cursor = con.execute(f"SELECT {cols} FROM {STAGE}")
    copy_rows(raw, "_pantau_stage", names, iter(lambda: cursor.fetchmany(BATCH_ROWS), []))
    match = " AND ".join(_key_match(rt, k) for k in rt.key)
    updated = raw.execute(f"DELETE FROM {table} t USING _pantau_stage s WHERE {match}").rowcount
    inserted = raw.execute(
        f"INSERT INTO {table} ({cols}, _import_id) SELECT {cols}, %s FROM _pantau_stage",
        [import_id],
    ).rowcount
    return inserted - updated, updated


def _key_match(rt: RecordType, key: str) -> str:
    """``t.key`` matches ``s.key`` (empty matches empty), as a join PostgreSQL can hash."""
    t, s = f"t.{q(key)}", f"s.{q(key)}"
    column = rt.column(key)
    if column.required:
        return f"{t} = {s}"
    empty = _EMPTY.get(column.sql_type)
    if empty is None:
        return f"{t} IS NOT DISTINCT FROM {s}"
    return f"({t} IS NULL) = ({s} IS NULL) AND coalesce({t}, {empty}) = coalesce({s}, {empty})"


def _log_import(raw: Any, report: ImportReport) -> None:
    marks = ", ".join(["%s"] * 14)
    raw.execute(f"INSERT INTO imports VALUES ({marks})", load.import_values(report))
    issues = report.errors + report.warnings
    rows = [
        (report.import_id, i.level, i.kind, i.row, i.line, i.column, i.value, i.message)
        for i in issues
    ]
    copy_rows(raw, "import_issues", ISSUE_COLUMNS, [rows])
