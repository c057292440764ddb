"""Reshaping a source in SQL, for exports whose rows are not the records: one deal row with a
"Date entered …" column per stage (→ a stage-history row per filled column), one owner per many
deals (→ one rep), a history with a row per edit (→ a row per stage change).

Reshaped rows keep the file's data row number as ``_row`` (and the sheet's ``_line``), so reports
still point at the file's own rows.
"""

from __future__ import annotations

from dataclasses import replace

import duckdb

from pantau.ingest.readers import RAW_TABLE, Source, raw_name
from pantau.ingest.sqltext import literal, trimmed
from pantau.ingest.stage import drop_rows

ROWS = "_pantau_rows"


def numbered(con: duckdb.DuckDBPyConnection, source: Source) -> str:
    """A relation of ``source``'s rows with their data row number ``_row``."""
    if source.has_row:
        return source.relation
    if source.relation != RAW_TABLE:  # a file scan: materialise it once, in file order
        con.execute(f"CREATE OR REPLACE TEMP TABLE {ROWS} AS SELECT * FROM {source.relation}")
        return f"(SELECT rowid + 1 AS _row, * FROM {ROWS})"
    return f"(SELECT rowid + 1 AS _row, * FROM {RAW_TABLE})"


def unpivot(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    key: int,
    spread: list[tuple[int, str]],
    headers: tuple[str, str, str],
) -> Source:
    """One row per filled cell of the ``spread`` columns ((index, label) pairs).

    The result has four columns: the ``key`` column, the label, the cell and the cell's header
    (for reports); ``headers`` names the first three.
    """
    rel = numbered(con, source)
    line = ", _line" if source.has_line else ""
    parts = [
        f"SELECT _row{line}, {raw_name(key)} AS c0, {literal(label)} AS c1, "
        f"{raw_name(i)} AS c2, {literal(source.headers[i].strip())} AS c3, {k} AS _k FROM {rel} "
        f"WHERE {trimmed(raw_name(i))} IS NOT NULL"
        for k, (i, label) in enumerate(spread)
    ]
    if not parts:
        empty = "NULL AS c0, NULL AS c1, NULL AS c2, NULL AS c3, 0 AS _k"
        parts = [f"SELECT _row{line}, {empty} FROM {rel} WHERE false"]
    relation = f"(SELECT * EXCLUDE (_k) FROM ({' UNION ALL '.join(parts)}) ORDER BY _row, _k)"
    return replace(
        source,
        headers=[*headers, ""],
        relation=relation,
        has_row=True,
        typed=frozenset(),
        cell_types=False,
    )


def distinct(con: duckdb.DuckDBPyConnection, source: Source, key_sql: str) -> tuple[Source, int]:
    """One row per non-empty value of ``key_sql`` (its first row in the file); how many rows
    were folded into an earlier one."""
    rel = numbered(con, source)
    counted = con.execute(
        f"SELECT count(*) - count(DISTINCT {key_sql}) FROM {rel} WHERE {key_sql} IS NOT NULL"
    ).fetchall()
    cols = [f"arg_min({raw_name(i)}, _row) AS {raw_name(i)}" for i in range(len(source.headers))]
    if source.has_line:
        cols.append("arg_min(_line, _row) AS _line")
    if source.cell_types:
        cols.append("arg_min(_types, _row) AS _types")
    relation = (
        f"(SELECT min(_row) AS _row, {', '.join(cols)} FROM {rel} "
        f"WHERE {key_sql} IS NOT NULL GROUP BY {key_sql} ORDER BY 1)"
    )
    return replace(source, relation=relation, has_row=True), int(counted[0][0])


def keep_stage_changes(con: duckdb.DuckDBPyConnection, stage: str) -> int:
    """Leave out staged stage-history rows whose stage is the one before (an edit of something
    else); how many were left out."""
    return drop_rows(
        con,
        f"SELECT _seq FROM (SELECT _seq, stage, "
        f"lag(stage) OVER (PARTITION BY opportunity_id ORDER BY entered_at, _seq) AS previous "
        f"FROM {stage}) WHERE lower(stage) = lower(previous)",
    )
