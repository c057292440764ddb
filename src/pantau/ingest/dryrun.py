"""Dry runs: ``import_file(..., dry_run=True)`` checks a file to the end and writes nothing.

Every step runs as in a real import — reading, header matching, value parsing, errors,
warnings (which look at the store as the import would change it) — but the store side is
:class:`DryRun`: a rejected file is not logged, and an accepted one is not upserted; the report
says how many rows *would* be new and how many would replace a stored row, and has no import id.
The web import page shows this report before the user confirms.
"""

from __future__ import annotations

import duckdb

from pantau.ingest.report import ImportReport
from pantau.ingest.stage import STAGE, q
from pantau.ingest.targets import Target
from pantau.model.records import RecordType


class DryRun:
    """A :class:`~pantau.ingest.targets.Target` that checks like ``inner`` and writes nothing."""

    def __init__(self, inner: Target) -> None:
        self.inner = inner

    def prepare(self, con: duckdb.DuckDBPyConnection, rt: RecordType) -> None:
        self.inner.prepare(con, rt)

    def write_rejected(self, con: duckdb.DuckDBPyConnection, report: ImportReport) -> None:
        return None

    def write_import(
        self, con: duckdb.DuckDBPyConnection, rt: RecordType, report: ImportReport
    ) -> None:
        report.inserted, report.updated = would_upsert(con, rt)


def would_upsert(con: duckdb.DuckDBPyConnection, rt: RecordType) -> tuple[int, int]:
    """(new rows, replaced rows) the staged rows would give (matching as ``load.upsert`` does).

    On a PostgreSQL store the check database holds only the ids other records refer to, so
    there the split is exact for reference tables only (all other rows count as new).
    """
    match = " AND ".join(f"t.{q(k)} IS NOT DISTINCT FROM s.{q(k)}" for k in rt.key)
    staged = int(con.execute(f"SELECT count(*) FROM {STAGE}").fetchall()[0][0])
    replaced = int(
        con.execute(
            f"SELECT count(*) FROM main.{q(rt.table)} t "
            f"WHERE EXISTS (SELECT 1 FROM {STAGE} s WHERE {match})"
        ).fetchall()[0][0]
    )
    return staged - replaced, replaced
