"""Staging in DuckDB: the file's rows parsed (``_pantau_parsed``) and then shaped like the
canonical table (``_pantau_stage``), both temporary tables of the import's connection.

``_pantau_parsed`` keeps, per template column, the typed value, an error code and (for bad cells
only) the cell text; its ``rowid`` is the data row number minus one, since DuckDB keeps a file's row
order when it creates a table from it. ``_pantau_stage`` holds what will be written: defaults and
derived columns filled, one row per natural key (the later duplicate wins).
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from pantau.ingest.header import HeaderMap
from pantau.ingest.parse import PARSED_TYPE, error, parsed, stored, trimmed
from pantau.ingest.readers import Source, quote_ident, raw_name
from pantau.model.records import Column, RecordType, stored_columns

PARSED = "_pantau_parsed"
STAGE = "_pantau_stage"
DUPS = "_pantau_dups"


@dataclass(frozen=True)
class Plan:
    """What is imported: the record type, how the file's columns map, the business time zone."""

    rt: RecordType
    hmap: HeaderMap
    source: Source
    tz: str

    @property
    def present(self) -> list[Column]:
        return [c for c in self.rt.columns if c.name in self.hmap.positions]

    def checked(self) -> list[Column]:
        """Present columns whose cells can be wrong."""
        return [c for c in self.present if error(c, "v", "p") is not None]

    def groups(self) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
        """``one_of`` groups: (all columns of the group, those present in the file)."""
        return [(g, tuple(c for c in g if c in self.hmap.positions)) for g in self.rt.one_of]


def q(name: str) -> str:
    return quote_ident(name)


def build_parsed(con: duckdb.DuckDBPyConnection, plan: Plan) -> None:
    """Create ``_pantau_parsed`` from the source in one pass (levels: text → value → error)."""
    cols = plan.present
    line = ", _line" if plan.source.has_line else ""
    texts = [
        f"{trimmed(raw_name(plan.hmap.positions[c.name]))} AS {q('v_' + c.name)}" for c in cols
    ]
    values = [q("v_" + c.name) for c in cols] + [
        f"{parsed(c, q('v_' + c.name))} AS {q('p_' + c.name)}" for c in cols
    ]
    checks = [f"{q('p_' + c.name)} AS {q(c.name)}" for c in cols]
    checks += [q("v_" + c.name) for c in plan.checked()]
    checks += [
        f"{error(c, q('v_' + c.name), q('p_' + c.name))} AS {q('_e_' + c.name)}"
        for c in plan.checked()
    ]
    for i, (_group, present) in enumerate(plan.groups()):
        empty = " AND ".join(f"{q('v_' + c)} IS NULL" for c in present)
        checks.append(f"CASE WHEN {empty} THEN 'missing_one_of' END AS {q(f'_e_one_of_{i}')}")
    empty_row = " AND ".join(f"{q('v_' + c.name)} IS NULL" for c in cols) or "true"
    checks.append(f"{empty_row} AS _empty")
    outer = [q(c.name) for c in cols] + ["_empty"]
    outer += [q(f"_e_one_of_{i}") for i in range(len(plan.groups()))]
    for c in plan.checked():
        e = q("_e_" + c.name)
        outer += [
            e,
            f"CASE WHEN {e} IS NOT NULL THEN {q('v_' + c.name)} END AS {q('_r_' + c.name)}",
        ]
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {PARSED} AS "
        f"SELECT {', '.join(outer)}{line} FROM ("
        f"SELECT {', '.join(checks)}{line} FROM ("
        f"SELECT {', '.join(values)}{line} FROM ("
        f"SELECT {', '.join(texts)}{line} FROM {plan.source.relation})))"
    )


def error_columns(plan: Plan) -> list[tuple[str, str, str | None]]:
    """(error column in ``_pantau_parsed``, reported column name, raw-text column or None)."""
    out: list[tuple[str, str, str | None]] = [
        ("_e_" + c.name, plan.hmap.header_of(c.name).strip() or c.name, "_r_" + c.name)
        for c in plan.checked()
    ]
    out += [(f"_e_one_of_{i}", " / ".join(g), None) for i, (g, _p) in enumerate(plan.groups())]
    return out


def build_stage(con: duckdb.DuckDBPyConnection, plan: Plan) -> None:
    """Create ``_pantau_stage``: canonical columns (no ``_import_id``) plus ``_row``/``_line``."""
    base = ["rowid + 1 AS _row"] + (["_line"] if plan.source.has_line else [])
    for c in plan.rt.columns:
        p = q(c.name) if c.name in plan.hmap.positions else _null(c)
        base += [f"{sql} AS {q(name)}" for name, sql in stored(c, p, plan.tz)]
    derived = _derived(plan.rt)
    names = [n for n, _t in stored_columns(plan.rt) if n != "_import_id"]
    outer = ["_row"] + (["_line"] if plan.source.has_line else [])
    outer += [f"{derived[n]} AS {q(n)}" if n in derived else q(n) for n in names]
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {STAGE} AS SELECT {', '.join(outer)} FROM ("
        f"SELECT {', '.join(base)} FROM {PARSED} WHERE NOT _empty)"
    )


def _null(c: Column) -> str:
    return f"CAST(NULL AS {PARSED_TYPE.get(c.kind, c.sql_type)})"


def _derived(rt: RecordType) -> dict[str, str]:
    """Columns computed from others of the same row (data-model.md, architecture.md)."""
    if rt.name == "sales_costs":
        return {"month_start": "CAST(month || '-01' AS DATE)"}
    if rt.name != "order_lines":
        return {}
    qty = "nullif(quantity, 0)"
    unit_net = f"coalesce(unit_net_price, net_amount / {qty})"
    net = "coalesce(net_amount, quantity * unit_net_price)"
    list_factor = "nullif(1 - discount, 0)"
    cost = f"coalesce(quantity * unit_cost, cost_amount, {net} - profit)"
    return {
        "line_no": "coalesce(line_no, row_number() OVER (PARTITION BY order_id ORDER BY _row))",
        "unit_net_price": unit_net,
        "net_amount": net,
        "unit_list_price": f"coalesce(unit_list_price, {unit_net} / {list_factor})",
        "unit_cost": f"coalesce(unit_cost, {cost} / {qty})",
        "line_list_amount": f"coalesce(quantity * unit_list_price, {net} / {list_factor})",
        "line_cost_amount": cost,
    }


def key_sql(rt: RecordType) -> list[str]:
    return [q(k) for k in rt.key]


def find_duplicates(con: duckdb.DuckDBPyConnection, rt: RecordType) -> int:
    """Put rows whose key comes again later in the file into ``_pantau_dups``; their count."""
    keys = ", ".join(key_sql(rt))
    row = con.execute(f"SELECT count(*) - count(DISTINCT row({keys})) FROM {STAGE}").fetchall()
    if not row[0][0]:
        return 0
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {DUPS} AS SELECT _row, winner FROM ("
        f"SELECT _row, max(_row) OVER (PARTITION BY {keys}) AS winner FROM {STAGE}) "
        "WHERE _row < winner"
    )
    return int(con.execute(f"SELECT count(*) FROM {DUPS}").fetchall()[0][0])


def drop_duplicates(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"DELETE FROM {STAGE} WHERE _row IN (SELECT _row FROM {DUPS})")
