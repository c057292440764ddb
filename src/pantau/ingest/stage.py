"""Staging in DuckDB: the file's rows parsed, checked and shaped like the canonical table.

Normally one pass over the source makes ``_pantau_parsed``: per row the canonical columns
(defaults and derived columns filled), ``_empty`` (no value, or left out by the mapping),
``_skip`` and ``_bad`` (some cell is wrong). Its ``rowid`` is the data row number minus one,
since DuckDB keeps a file's row order when it creates a table from it (a reshaped source, whose
rows are not the file's, carries the file's row number as ``_row``). Only when a row is bad is the
table made again from the source (:func:`build_checked`), then with, per template column, the
typed value, an error code and (for bad cells only) the cell text, for the report.

``_pantau_stage`` is a view of the rows to write: those not empty and not dropped
(``_drop``: a duplicate key, a history row that is no change); ``_seq`` numbers them in file
order, ``_row`` is their row in the file. One materialised copy of the file, not two, keeps an
import of millions of rows within the connection's memory limit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from pantau.ingest.formats import ColumnFormat, DateFormat
from pantau.ingest.header import HeaderMap
from pantau.ingest.parse import (
    DATE_KINDS,
    NUMBER_KINDS,
    PARSED_TYPE,
    error,
    matcher,
    parsed,
    stored,
)
from pantau.ingest.readers import Source, date_cell_text, typed_cell
from pantau.ingest.sqltext import literal, quote_ident
from pantau.model.records import Column, RecordType, stored_columns

#: the import's scratch database, a file in its temporary folder (:func:`attach_work`)
WORK = "_pantau_work"
PARSED = f"{WORK}._pantau_parsed"
STAGE = "_pantau_stage"
DUPS = "_pantau_dups"


@dataclass(frozen=True)
class Plan:
    """What is imported: the record type, how the file's columns map, the business time zone,
    and the format decided for each number and date column."""

    rt: RecordType
    hmap: HeaderMap
    source: Source
    tz: str
    formats: dict[str, ColumnFormat] = field(default_factory=dict)
    skip: str | None = None  # SQL over the source: a row left out on purpose

    @property
    def present(self) -> list[Column]:
        return [c for c in self.rt.columns if c.name in self.hmap.fields]

    def fmt(self, column: str) -> ColumnFormat | None:
        return self.formats.get(column)

    def checked(self) -> list[Column]:
        """Present columns whose cells can be wrong."""
        return [c for c in self.present if error(c, "v", "p", self.fmt(c.name)) is not None]

    def groups(self) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
        """``one_of`` groups: (all columns of the group, those present in the file)."""
        return [(g, tuple(c for c in g if c in self.hmap.fields)) for g in self.rt.one_of]

    def text_sql(self, c: Column) -> str:
        """SQL of the text of column ``c``'s cell; in a workbook's date column a number cell
        (an Excel serial date) as the date it stands for (:func:`readers.serial_text`)."""
        f = self.hmap.fields[c.name]
        fmt = self.fmt(c.name)
        pattern = isinstance(fmt, DateFormat) and fmt.pattern is not None  # the user's format
        if c.kind in DATE_KINDS and not pattern:
            return date_cell_text(f, self.source.cell_types)
        return f.sql

    def typed_cells(self, c: Column) -> str | None:
        """SQL: a cell of number column ``c`` was a typed number in the workbook (exact)."""
        f = self.hmap.fields[c.name]
        if not self.source.cell_types or c.kind not in NUMBER_KINDS or not f.plain:
            return None
        assert f.index is not None
        return typed_cell(f.index)

    @property
    def row_sql(self) -> str:
        """SQL of a ``_pantau_parsed`` row's data row number in the file."""
        return "_row" if self.source.has_row else "rowid + 1"

    def carried(self) -> str:
        """The source's bookkeeping columns, carried through every level (``, _row, _line``)."""
        names = (["_row"] if self.source.has_row else []) + (
            ["_line"] if self.source.has_line else []
        )
        return "".join(", " + n for n in names)


def q(name: str) -> str:
    return quote_ident(name)


def attach_work(con: duckdb.DuckDBPyConnection, folder: Path) -> None:
    """Attach the scratch database ``_pantau_work`` (a new file in ``folder``) to ``con``.

    ``_pantau_parsed`` lives there, not among the connection's temporary tables: DuckDB writes
    a file-backed table compressed, row group by row group, while it is created, and only
    caches it within the memory limit — a temporary table of millions of rows is held
    uncompressed, and is the largest part of an import's memory.
    """
    con.execute(f"ATTACH {literal(str(folder / 'work.duckdb'))} AS {WORK}")


def build_parsed(con: duckdb.DuckDBPyConnection, plan: Plan) -> None:
    """Create ``_pantau_parsed`` from the source in one pass: the canonical columns of the rows
    to write, with ``_empty``, ``_skip``, ``_bad`` and ``_drop`` (see the module docstring).

    Levels, innermost first: text → parts (formatted columns only) → value → error → bad →
    stored (only for good rows: a bad cell may not convert) → derived.
    """
    keep = plan.carried()
    levels = [_texts(plan), _parts(plan), _values(plan), _checks(plan), _bad(plan)]
    levels += [_stored(plan), _derived_level(plan)]
    con.execute(f"CREATE OR REPLACE TABLE {PARSED} AS {_nest(plan, levels, keep)}")


def build_checked(con: duckdb.DuckDBPyConnection, plan: Plan) -> None:
    """Create ``_pantau_parsed`` again, for the report of a file with bad rows: per template
    column the typed value, an error code (``_e_``) and the text of a bad cell (``_r_``).

    Levels, innermost first: text → parts (formatted columns only) → value → error → kept.
    """
    keep = plan.carried()
    levels = [_texts(plan), _parts(plan), _values(plan), _checks(plan), _kept(plan)]
    con.execute(f"CREATE OR REPLACE TABLE {PARSED} AS {_nest(plan, levels, keep)}")


def _nest(plan: Plan, levels: list[list[str]], keep: str) -> str:
    sql = f"SELECT {', '.join(levels[0])}{keep} FROM {plan.source.relation}"
    for level in levels[1:]:
        sql = f"SELECT {', '.join(level)}{keep} FROM ({sql})"
    return sql


def _v(c: Column) -> str:
    return q("v_" + c.name)


def _passed(plan: Plan) -> list[str]:
    """Columns every level passes on: per-row headers, the skip flag, typed-cell flags."""
    heads = [q("h_" + c) for c, f in plan.hmap.fields.items() if f.header_sql]
    exact = [q("t_" + c.name) for c in plan.present if plan.typed_cells(c)]
    return [*heads, "_skip", *exact]


def _texts(plan: Plan) -> list[str]:
    out = [f"{plan.text_sql(c)} AS {_v(c)}" for c in plan.present]
    out += [f"{f.header_sql} AS {q('h_' + c)}" for c, f in plan.hmap.fields.items() if f.header_sql]
    out.append(f"coalesce({plan.skip or 'false'}, false) AS _skip")
    for c in plan.present:
        typed = plan.typed_cells(c)
        if typed:
            out.append(f"{typed} AS {q('t_' + c.name)}")
    return out


def _parts(plan: Plan) -> list[str]:
    out = [_v(c) for c in plan.present] + _passed(plan)
    for c in plan.present:
        m = matcher(c, _v(c), plan.fmt(c.name))
        if m is not None:
            out.append(f"{m} AS {q('m_' + c.name)}")
    return out


def _values(plan: Plan) -> list[str]:
    return [_v(c) for c in plan.present] + _passed(plan) + [_value(plan, c) for c in plan.present]


def _checks(plan: Plan) -> list[str]:
    cols = plan.present
    heads = [q("h_" + c) for c, f in plan.hmap.fields.items() if f.header_sql]
    out = [f"{q('p_' + c.name)} AS {q(c.name)}" for c in cols] + heads
    out += [_v(c) for c in plan.checked()]
    out += [
        f"{error(c, _v(c), q('p_' + c.name), plan.fmt(c.name))} AS {q('_e_' + c.name)}"
        for c in plan.checked()
    ]
    for i, (_group, present) in enumerate(plan.groups()):
        empty = " AND ".join(f"{q('v_' + c)} IS NULL" for c in present)
        out.append(f"CASE WHEN {empty} THEN 'missing_one_of' END AS {q(f'_e_one_of_{i}')}")
    empty_row = " AND ".join(f"{_v(c)} IS NULL" for c in cols) or "true"
    return [*out, f"({empty_row}) OR _skip AS _empty", "_skip"]


def _bad(plan: Plan) -> list[str]:
    """The parsed values, ``_empty``, ``_skip`` and ``_bad``: some check of the row failed."""
    errors = [q("_e_" + c.name) for c in plan.checked()]
    errors += [q(f"_e_one_of_{i}") for i in range(len(plan.groups()))]
    bad = " OR ".join(f"{e} IS NOT NULL" for e in errors) or "false"
    return [q(c.name) for c in plan.present] + ["_empty", "_skip", f"({bad}) AS _bad"]


def _stored(plan: Plan) -> list[str]:
    """The canonical columns (``stage.stored``) of good rows; NULL in empty and bad rows."""
    out = ["_empty", "_skip", "_bad", "false AS _drop"]
    for c in plan.rt.columns:
        p = q(c.name) if c.name in plan.hmap.fields else _null(c)
        out += [
            f"CASE WHEN _empty OR _bad THEN NULL ELSE {sql} END AS {q(name)}"
            for name, sql in stored(c, p, plan.tz)
        ]
    return out


def _derived_level(plan: Plan) -> list[str]:
    """Derived columns (but ``line_no``, see :func:`number_lines`) from the stored ones."""
    derived = _derived(plan.rt)
    derived.pop("line_no", None)
    names = [n for n, _t in stored_columns(plan.rt) if n != "_import_id"]
    out = ["_empty", "_skip", "_bad", "_drop"]
    return out + [f"{derived[n]} AS {q(n)}" if n in derived else q(n) for n in names]


def _kept(plan: Plan) -> list[str]:
    heads = [q("h_" + c) for c, f in plan.hmap.fields.items() if f.header_sql]
    out = [q(c.name) for c in plan.present] + heads + ["_empty", "_skip"]
    out += [q(f"_e_one_of_{i}") for i in range(len(plan.groups()))]
    for c in plan.checked():
        e = q("_e_" + c.name)
        out += [e, f"CASE WHEN {e} IS NOT NULL THEN {_v(c)} END AS {q('_r_' + c.name)}"]
    return out


def _value(plan: Plan, c: Column) -> str:
    v = q("v_" + c.name)
    value = parsed(c, v, plan.fmt(c.name), q("m_" + c.name))
    if plan.typed_cells(c) is not None:  # a typed number cell is exact, whatever the format
        value = f"CASE WHEN {q('t_' + c.name)} THEN try_cast({v} AS DOUBLE) ELSE {value} END"
    return f"{value} AS {q('p_' + c.name)}"


def error_columns(plan: Plan) -> list[tuple[str, str, str | None]]:
    """(error column in ``_pantau_parsed``, reported column name, raw-text column or None).

    The reported name is SQL: the header's text, or the per-row header of a reshaped source.
    """
    out: list[tuple[str, str, str | None]] = []
    for c in plan.checked():
        f = plan.hmap.fields[c.name]
        name = literal(f.header.strip() or c.name)
        if f.header_sql:
            name = f"coalesce({q('h_' + c.name)}, {name})"
        out.append(("_e_" + c.name, name, "_r_" + c.name))
    out += [
        (f"_e_one_of_{i}", literal(" / ".join(g)), None) for i, (g, _p) in enumerate(plan.groups())
    ]
    return out


def build_stage(con: duckdb.DuckDBPyConnection, plan: Plan) -> None:
    """Create the ``_pantau_stage`` view: canonical columns (no ``_import_id``) plus
    ``_seq``/``_row``/``_line``; order lines without a ``line_no`` get theirs first."""
    if "line_no" in _derived(plan.rt):
        number_lines(con)
    names = [n for n, _t in stored_columns(plan.rt) if n != "_import_id"]
    cols = ["rowid + 1 AS _seq", f"{plan.row_sql} AS _row"]
    cols += ["_line"] if plan.source.has_line else []
    cols += [q(n) for n in names]
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW {STAGE} AS SELECT {', '.join(cols)} FROM {PARSED} "
        "WHERE NOT _empty AND NOT _drop"
    )


def number_lines(con: duckdb.DuckDBPyConnection) -> None:
    """Fill a missing ``line_no``: the line's position in its order, in file order.

    Only orders with such a line are numbered (a window over the whole file is the slowest part
    of an order-lines import); the position counts every line of the order, as before.
    """
    rows = f"{PARSED} WHERE NOT _empty"
    missing = con.execute(f"SELECT count(*) FROM {rows} AND line_no IS NULL").fetchall()[0][0]
    if not missing:
        return
    orders = f"SELECT DISTINCT order_id FROM {rows} AND line_no IS NULL"
    con.execute(
        f"UPDATE {PARSED} AS p SET line_no = n.line_no FROM ("
        "SELECT rowid AS id, row_number() OVER (PARTITION BY order_id ORDER BY rowid) AS line_no "
        f"FROM {rows} AND order_id IN ({orders})"
        ") n WHERE p.rowid = n.id AND p.line_no IS NULL"
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
        "line_no": "coalesce(line_no, row_number() OVER (PARTITION BY order_id ORDER BY _seq))",
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
    """Put rows whose key comes again later in the file into ``_pantau_dups``; their count.

    ``_pantau_dups`` holds each losing row's ``_seq`` and ``_row`` and the winner's ``_row``.
    """
    keys = ", ".join(key_sql(rt))
    row = con.execute(f"SELECT count(*) - count(DISTINCT row({keys})) FROM {STAGE}").fetchall()
    if not row[0][0]:
        return 0
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {DUPS} AS SELECT _seq, _row, winner FROM ("
        f"SELECT _seq, _row, arg_max(_row, _seq) OVER (PARTITION BY {keys}) AS winner, "
        f"max(_seq) OVER (PARTITION BY {keys}) AS last FROM {STAGE}) WHERE _seq < last"
    )
    return int(con.execute(f"SELECT count(*) FROM {DUPS}").fetchall()[0][0])


def drop_duplicates(con: duckdb.DuckDBPyConnection) -> None:
    drop_rows(con, f"SELECT _seq FROM {DUPS}")


def drop_rows(con: duckdb.DuckDBPyConnection, seqs: str) -> int:
    """Leave the staged rows whose ``_seq`` the query ``seqs`` yields out; how many."""
    found = con.execute(
        f"UPDATE {PARSED} SET _drop = true WHERE rowid IN (SELECT _seq - 1 FROM ({seqs}))"
    ).fetchall()
    return int(found[0][0]) if found else 0
