"""Readers: each input format becomes a DuckDB relation of VARCHAR columns ``c0, c1, …``.

CSV is read by DuckDB's ``read_csv`` (``all_varchar``: nothing is guessed), Parquet by
``read_parquet`` with every column cast to text, Excel workbooks by python-calamine into a temporary
table in batches. Row order is the file's order; the importer numbers rows from it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import duckdb
import pyarrow as pa

from pantau.errors import UsageError
from pantau.i18n import gettext as _
from pantau.ingest.csvtext import CsvText, prepare
from pantau.ingest.files import SourceFile, fail

Progress = Callable[[str, float], None]
BATCH = 20_000
RAW_TABLE = "_pantau_raw"


@dataclass(frozen=True)
class Source:
    """An opened input: its header cells and the SQL relation that yields its rows."""

    headers: list[str]
    relation: str  # a FROM item with VARCHAR columns c0..cN (plus _line for Excel)
    has_line: bool  # the relation carries each row's sheet row number as ``_line``
    csv: CsvText | None = None
    sheet: str | None = None


def sql_string(text: str) -> str:
    """``text`` as a SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def quote_ident(name: str) -> str:
    """``name`` as a SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def raw_name(i: int) -> str:
    return f"c{i}"


def open_source(
    con: duckdb.DuckDBPyConnection,
    src: SourceFile,
    *,
    sheet: str | None,
    workdir: Path,
    lang: str,
    progress: Progress,
) -> Source:
    """Open ``src`` as a relation in ``con`` (Excel rows are copied into a temporary table)."""
    if sheet is not None and src.format != "excel":
        raise UsageError(_("--sheet only applies to Excel workbooks", lang))
    if src.format == "csv":
        return _csv_source(prepare(src, workdir, lang))
    if src.format == "parquet":
        return _parquet_source(con, src, lang)
    return _excel_source(con, src, sheet, lang, progress)


# -- CSV ---------------------------------------------------------------------------------------
def _csv_source(text: CsvText) -> Source:
    columns = ", ".join(f"'{raw_name(i)}': 'VARCHAR'" for i in range(len(text.header)))
    relation = (
        f"read_csv({sql_string(str(text.path))}, header = true, auto_detect = false, "
        f"delim = {sql_string(text.delimiter)}, quote = '\"', escape = '\"', "
        f"columns = {{{columns}}})"
    )
    return Source(text.header, relation, has_line=False, csv=text)


# -- Parquet -----------------------------------------------------------------------------------
def _parquet_source(con: duckdb.DuckDBPyConnection, src: SourceFile, lang: str) -> Source:
    scan = f"read_parquet({sql_string(str(src.path))})"
    try:
        described = con.execute(f"DESCRIBE SELECT * FROM {scan}").fetchall()
    except duckdb.Error as exc:
        fail(src.path, "cannot be read as Parquet: {err}", lang=lang, err=_first_line(exc))
    exprs = [
        _parquet_text(quote_ident(str(d[0])), str(d[1])) + f" AS {raw_name(i)}"
        for i, d in enumerate(described)
    ]
    relation = f"(SELECT {', '.join(exprs)} FROM {scan})"
    return Source([str(d[0]) for d in described], relation, has_line=False)


def _parquet_text(col: str, sqltype: str) -> str:
    if sqltype in ("DOUBLE", "FLOAT"):
        # integral floats without '.0', like Excel cells
        return (
            f"CASE WHEN {col} = trunc({col}) AND abs({col}) < 1e15 "
            f"THEN CAST(CAST({col} AS BIGINT) AS VARCHAR) ELSE CAST({col} AS VARCHAR) END"
        )
    return f"CAST({col} AS VARCHAR)"


# -- Excel -------------------------------------------------------------------------------------
def _excel_source(
    con: duckdb.DuckDBPyConnection,
    src: SourceFile,
    sheet: str | None,
    lang: str,
    progress: Progress,
) -> Source:
    from python_calamine import CalamineWorkbook

    # calamine raises assorted exception types (zip, XML, OLE errors) for a damaged file
    try:
        book = CalamineWorkbook.from_path(str(src.path))
        names = list(book.sheet_names)
    except Exception:
        _damaged(src, lang)
    name = _pick_sheet(src, names, sheet, lang)
    try:
        data = book.get_sheet_by_name(name)
        rows = data.iter_rows()
    except Exception:
        _damaged(src, lang)
    numbered = ((i + 1, r) for i, r in enumerate(rows))
    header = _excel_header(numbered)
    if header is None:
        fail(src.path, "sheet '{sheet}' is empty", lang=lang, sheet=name)
    _copy_rows(con, header, numbered, max(data.height, 1), progress)
    return Source(header, RAW_TABLE, has_line=True, sheet=name)


def _damaged(src: SourceFile, lang: str) -> NoReturn:
    fail(
        src.path,
        "is not a readable Excel workbook (damaged or truncated?)",
        "open it in Excel and save it again, or export it as CSV",
        lang=lang,
    )


def _pick_sheet(src: SourceFile, names: list[str], sheet: str | None, lang: str) -> str:
    if not names:
        fail(src.path, "the workbook has no sheets", lang=lang)
    if sheet is None:
        return names[0]
    if sheet in names:
        return sheet
    folded = {n.strip().lower(): n for n in names}
    if sheet.strip().lower() in folded:
        return folded[sheet.strip().lower()]
    fail(
        src.path,
        "no sheet named '{sheet}'",
        "the workbook's sheets are: {sheets}",
        lang=lang,
        sheet=sheet,
        sheets=", ".join(names),
    )


def _excel_header(rows: Iterator[tuple[int, list[Any]]]) -> list[str] | None:
    for _line, cells in rows:
        texts = [cell_text(c) for c in cells]
        if any(t is not None for t in texts):
            return [t or "" for t in texts]
    return None


def _copy_rows(
    con: duckdb.DuckDBPyConnection,
    header: list[str],
    rows: Iterator[tuple[int, list[Any]]],
    height: int,
    progress: Progress,
) -> None:
    width = len(header)
    cols = ", ".join(f"{raw_name(i)} VARCHAR" for i in range(width))
    con.execute(f"CREATE OR REPLACE TEMP TABLE {RAW_TABLE} (_line BIGINT, {cols})")
    names = ["_line"] + [raw_name(i) for i in range(width)]
    batch: list[list[Any]] = [[] for _ in names]
    for line, cells in rows:
        texts = [cell_text(c) for c in cells[:width]]
        if all(t is None for t in texts):
            continue
        texts += [None] * (width - len(texts))
        for column, value in zip(batch, [line, *texts], strict=True):
            column.append(value)
        if len(batch[0]) >= BATCH:
            _flush(con, names, batch)
            progress("reading", 0.4 * line / height)
    _flush(con, names, batch)


def _flush(con: duckdb.DuckDBPyConnection, names: list[str], batch: list[list[Any]]) -> None:
    if not batch[0]:
        return
    arrays = [pa.array(batch[0], pa.int64())] + [pa.array(c, pa.string()) for c in batch[1:]]
    table = pa.Table.from_arrays(arrays, names=names)
    con.register("_pantau_batch", table)
    try:
        con.execute(f"INSERT INTO {RAW_TABLE} SELECT * FROM _pantau_batch")
    finally:
        con.unregister("_pantau_batch")
    for column in batch:
        column.clear()


def cell_text(value: Any) -> str | None:
    """A spreadsheet cell as canonical text (``None`` for an empty cell).

    >>> cell_text(1200.0), cell_text(0.25), cell_text(True), cell_text(dt.date(2026, 3, 5))
    ('1200', '0.25', 'true', '2026-03-05')
    >>> cell_text(dt.datetime(2026, 3, 5, 14, 30))
    '2026-03-05 14:30:00'
    """
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0) and value.tzinfo is None:
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value).strip() or None


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
