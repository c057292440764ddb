"""Row errors: every bad cell of ``_pantau_parsed``, one query per column that has any."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import duckdb

from pantau.ingest import damage
from pantau.ingest.messages import error_texts
from pantau.ingest.report import ISSUE_CAP, Issue
from pantau.ingest.stage import PARSED, Plan, error_columns, q


@dataclass
class ErrorScan:
    """The errors found: issues (capped per column), exact counts per kind, bad-row count."""

    issues: list[Issue] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    bad_rows: int = 0


def count_rows(con: duckdb.DuckDBPyConnection) -> int:
    """Data rows in the file (fully empty rows do not count)."""
    return int(con.execute(f"SELECT count(*) FROM {PARSED} WHERE NOT _empty").fetchall()[0][0])


def count_skipped(con: duckdb.DuckDBPyConnection) -> int:
    """Rows a mapping's ``[skip]`` left out."""
    return int(con.execute(f"SELECT count(*) FROM {PARSED} WHERE _skip").fetchall()[0][0])


def count_bad(con: duckdb.DuckDBPyConnection) -> int:
    """Rows with a bad cell (``stage.build_parsed``); the report then needs
    ``stage.build_checked``."""
    sql = f"SELECT count(*) FROM {PARSED} WHERE NOT _empty AND _bad"
    return int(con.execute(sql).fetchall()[0][0])


def collect_errors(con: duckdb.DuckDBPyConnection, plan: Plan, lang: str) -> ErrorScan:
    """Find every bad cell. One pass counts them per column; bad columns are then listed.

    Runs on the table of :func:`pantau.ingest.stage.build_checked`.
    """
    columns = error_columns(plan)
    scan = ErrorScan()
    if not columns:
        return scan
    counts = [f"count(*) FILTER (WHERE {q(e)} IS NOT NULL)" for e, _c, _r in columns]
    any_bad = " OR ".join(f"{q(e)} IS NOT NULL" for e, _c, _r in columns)
    row = con.execute(
        f"SELECT {', '.join(counts)}, count(*) FILTER (WHERE {any_bad}) "
        f"FROM {PARSED} WHERE NOT _empty"
    ).fetchall()[0]
    scan.bad_rows = int(row[-1])
    for (ecol, column, rcol), n in zip(columns, row[:-1], strict=False):
        if n:
            _column_errors(con, plan, scan, (ecol, column, rcol), lang)
    scan.issues.sort(key=lambda i: (i.row or 0, i.column or ""))
    return scan


def _column_errors(
    con: duckdb.DuckDBPyConnection,
    plan: Plan,
    scan: ErrorScan,
    column: tuple[str, str, str | None],
    lang: str,
) -> None:
    """List the bad cells of one column (``column`` as in ``stage.error_columns``)."""
    ecol, name, rcol = column
    where = f"FROM {PARSED} WHERE NOT _empty AND {q(ecol)} IS NOT NULL"
    for kind, n in con.execute(f"SELECT {q(ecol)}, count(*) {where} GROUP BY 1").fetchall():
        scan.counts[str(kind)] += int(n)
    raw = q(rcol) if rcol else "NULL"
    rows = con.execute(
        f"SELECT {plan.row_sql}, {q(ecol)}, {raw}, {name} {where} ORDER BY rowid LIMIT {ISSUE_CAP}"
    ).fetchall()
    choices = _choices(plan, ecol)
    for row_no, kind, value, header in rows:
        message, suggestion = error_texts(
            str(kind),
            lang,
            column=header,
            value=value or "",
            choices=choices,
            **_guess(kind, value),
        )
        scan.issues.append(
            Issue("error", str(kind), int(row_no), None, header, value, message, suggestion)
        )


def _guess(kind: object, value: str | None) -> dict[str, str]:
    """Extra message parameters of an ``excel_damage`` error: what the cell probably was."""
    if kind != "excel_damage" or value is None:
        return {}
    return {"guess": damage.original(value)}


def _choices(plan: Plan, ecol: str) -> str:
    name = ecol.removeprefix("_e_")
    if name in plan.rt.column_names:
        return ", ".join(plan.rt.column(name).choices)
    return ""
