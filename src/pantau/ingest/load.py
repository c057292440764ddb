"""Writing: the upsert into the canonical table and the import log, in one transaction.

Rows whose natural key exists are deleted and inserted again (keys with empty parts match with
``IS NOT DISTINCT FROM``), so importing the same file twice leaves the same rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import duckdb

from pantau.ingest.report import ImportReport, Issue
from pantau.ingest.stage import STAGE, q
from pantau.model.records import RecordType, stored_columns
from pantau.store import bump_data_version


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """``BEGIN`` … ``COMMIT``; ``ROLLBACK`` when the block raises."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def next_import_id(con: duckdb.DuckDBPyConnection) -> int:
    return int(con.execute("SELECT coalesce(max(import_id), 0) + 1 FROM imports").fetchall()[0][0])


def upsert(con: duckdb.DuckDBPyConnection, rt: RecordType, import_id: int) -> tuple[int, int]:
    """Replace/insert the staged rows in ``rt``'s table; return (inserted, updated)."""
    table = f"main.{q(rt.table)}"
    match = " AND ".join(f"t.{q(k)} IS NOT DISTINCT FROM s.{q(k)}" for k in rt.key)
    # EXISTS (a semi join) rather than DELETE … USING (an inner join): the same rows, as the
    # staged keys are unique, in a third of the time and memory for millions of keys
    updated = int(
        con.execute(
            f"DELETE FROM {table} t WHERE EXISTS (SELECT 1 FROM {STAGE} s WHERE {match})"
        ).fetchall()[0][0]
    )
    names = [n for n, _t in stored_columns(rt) if n != "_import_id"]
    cols = ", ".join(q(n) for n in names)
    inserted = con.execute(
        f"INSERT INTO {table} ({cols}, _import_id) SELECT {cols}, {int(import_id)} FROM {STAGE}"
    ).fetchall()[0][0]
    return int(inserted) - updated, updated


def log_import(con: duckdb.DuckDBPyConnection, report: ImportReport) -> None:
    """Add the import to ``imports`` and its (kept) issues to ``import_issues``."""
    con.execute(
        "INSERT INTO imports VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
        "CAST(? AS TIMESTAMP), CAST(? AS TIMESTAMP))",
        import_values(report),
    )
    _log_issues(con, report.import_id or 0, report.errors + report.warnings)


def import_values(report: ImportReport) -> list[object]:
    """The ``imports`` row of ``report``, in column order (times as ISO text)."""
    return [
        report.import_id,
        report.record_type,
        report.file,
        report.path,
        report.checksum,
        report.status,
        report.rows_read,
        report.inserted,
        report.updated,
        report.rejected,
        report.warning_total,
        report.user,
        report.started_at,
        report.finished_at,
    ]


def _log_issues(con: duckdb.DuckDBPyConnection, import_id: int, issues: list[Issue]) -> None:
    if not issues:
        return
    columns: list[tuple[str, list[object]]] = [
        ("BIGINT", [import_id] * len(issues)),
        ("VARCHAR", [i.level for i in issues]),
        ("VARCHAR", [i.kind for i in issues]),
        ("BIGINT", [i.row for i in issues]),
        ("BIGINT", [i.line for i in issues]),
        ("VARCHAR", [i.column for i in issues]),
        ("VARCHAR", [i.value for i in issues]),
        ("VARCHAR", [i.message for i in issues]),
    ]
    # lists as parameters: no pyarrow table (the first one imports pandas, ~0.3 s)
    unnested = ", ".join(f"unnest(?::{sqltype}[])" for sqltype, _values in columns)
    con.execute(f"INSERT INTO import_issues SELECT {unnested}", [v for _t, v in columns])


def write_rejected(con: duckdb.DuckDBPyConnection, report: ImportReport) -> None:
    """Log a rejected import; the canonical tables are not touched."""
    with transaction(con):
        report.import_id = next_import_id(con)
        log_import(con, report)


def write_import(con: duckdb.DuckDBPyConnection, rt: RecordType, report: ImportReport) -> None:
    """Upsert the staged rows and log the import, all in one transaction."""
    with transaction(con):
        report.import_id = next_import_id(con)
        report.inserted, report.updated = upsert(con, rt, report.import_id)
        log_import(con, report)
        bump_data_version(con)
