"""Helpers for importer tests: fixture paths and a store snapshot."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pantau.model.records import RECORD_TYPES
from pantau.store import Store

DATA = Path(__file__).parent.parent / "data" / "ingest"
TYPES = DATA / "types"
#: an order in which every type's references are loaded before it
LOAD_ORDER = [
    "reps",
    "customers",
    "products",
    "stages",
    "leads",
    "opportunities",
    "activities",
    "stage_history",
    "order_lines",
    "sales_costs",
    "collateral",
    "collateral_usage",
    "targets",
]


def rows(store: Store, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    with store.read() as con:
        return con.execute(sql, params or []).fetchall()


def snapshot(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Every canonical table's rows (sorted, without ``_import_id``) plus the meta version."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    with store.read() as con:
        for name in RECORD_TYPES:
            data = con.execute(f'SELECT * EXCLUDE (_import_id) FROM "{name}"').fetchall()
            out[name] = sorted(data, key=repr)
        out["_version"] = con.execute("SELECT * FROM pantau_meta ORDER BY key").fetchall()
    return out


_CON: dict[str, Any] = {}  # one in-memory DuckDB for all read_column calls (connecting is slow)


def read_column(
    kind: str, cells: list[str | None], given: Any = None, tz: str = "Asia/Jakarta"
) -> tuple[Any, list[Any], list[str | None]]:
    """One column of ``cells`` read like an import does: (decisions, values, error codes).

    The format is decided from all the cells (``formats.decide``), then each cell is parsed with
    the SQL of ``parse`` — the same pieces ``stage.build_parsed`` puts together.
    """
    import duckdb
    import pyarrow as pa

    from pantau.ingest import formats, parse
    from pantau.ingest.header import Field
    from pantau.model.records import Column

    col = Column("x", kind)  # type: ignore[arg-type]
    con = _CON.setdefault("con", duckdb.connect())
    con.execute(f"SET TimeZone = '{tz}'")
    con.register("cells", pa.table({"c0": pa.array(cells, pa.string())}))
    field = Field.of(0, "x")
    decisions = formats.decide(
        con, "(SELECT * FROM cells)", [(col, field)], given or formats.Given(), "en"
    )
    fmt = decisions.formats.get("x")
    m = parse.matcher(col, "v", fmt) or "NULL"
    p = parse.parsed(col, "v", fmt, "m")
    error = parse.error(col, "v", "p", fmt) or "NULL"
    value = ", ".join(sql for _n, sql in parse.stored(col, "p", tz))
    rows = con.execute(
        f"SELECT {value}, {error} FROM (SELECT v, m, {p} AS p FROM "
        f"(SELECT v, {m} AS m FROM (SELECT {field.sql} AS v FROM cells)))"
    ).fetchall()
    con.unregister("cells")
    values = [r[1] if len(r) == 3 else r[0] for r in rows]  # timestamps: the local time
    return decisions, values, [r[-1] for r in rows]


def write_xlsx(path: Path, *rows: list[Any]) -> Path:
    """A one-sheet workbook of ``rows`` (the first is the header), cells typed as given: a
    number stays a number cell, text a text cell (what Excel itself writes)."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    for i, row in enumerate(rows):
        sheet.write_row(i, 0, row)
    book.close()
    return path
