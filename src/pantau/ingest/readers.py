"""Readers: each input format becomes a DuckDB relation of VARCHAR columns ``c0, c1, …``.

CSV is read by DuckDB's ``read_csv`` (``all_varchar``: nothing is guessed), Parquet by
``read_parquet`` with every column cast to text, Excel workbooks by python-calamine into a temporary
table in batches. Row order is the file's order; the importer numbers rows from it.
"""

from __future__ import annotations

import datetime as dt
import html
import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

import duckdb

from pantau.errors import UsageError
from pantau.i18n import gettext as _
from pantau.ingest.csvtext import CsvText, prepare
from pantau.ingest.files import SourceFile, fail
from pantau.ingest.header import Field, raw_name
from pantau.ingest.layout import FOOTER_RE, MAX_TITLE_ROWS, HeaderHint, pick_header
from pantau.ingest.sqltext import literal

Progress = Callable[[str, float], None]
BATCH = 20_000
RAW_TABLE = "_pantau_raw"


@dataclass(frozen=True)
class Source:
    """An opened input: its header cells and the SQL relation that yields its rows.

    ``typed``: columns whose cells were all typed numbers (workbook cells, Parquet numbers), so
    their text is exact and needs no number-format detection. ``cell_types``: the relation
    carries ``_types``, one character per column and row, ``n`` where a workbook cell was a typed
    number (see :func:`typed_cell`). ``skipped``: title rows above the
    header; ``footer``: footer lines left out below the data.
    """

    headers: list[str]
    relation: str  # a FROM item with VARCHAR columns c0..cN (plus _line for Excel)
    has_line: bool  # the relation carries each row's sheet row number as ``_line``
    csv: CsvText | None = None
    sheet: str | None = None
    has_row: bool = False  # the relation carries each row's data row number as ``_row``
    typed: frozenset[int] = frozenset()
    cell_types: bool = False
    skipped: int = 0
    footer: tuple[str, ...] = field(default_factory=tuple)


def sql_string(text: str) -> str:
    """``text`` as a SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def quote_ident(name: str) -> str:
    """``name`` as a SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def open_source(
    con: duckdb.DuckDBPyConnection,
    src: SourceFile,
    *,
    sheet: str | None,
    workdir: Path,
    lang: str,
    progress: Progress,
    hint: HeaderHint | None = None,
) -> Source:
    """Open ``src`` as a relation in ``con`` (Excel rows are copied into a temporary table)."""
    if sheet is not None and src.format != "excel":
        raise UsageError(_("--sheet only applies to Excel workbooks", lang))
    hint = hint or HeaderHint()
    if src.format == "csv":
        return _csv_source(prepare(src, workdir, lang, hint))
    if src.format == "parquet":
        return _parquet_source(con, src, lang)
    if src.format == "html":
        return _html_source(con, src, lang, progress, hint)
    return _excel_source(con, src, sheet, lang, progress, hint)


# -- CSV ---------------------------------------------------------------------------------------
def _csv_source(text: CsvText) -> Source:
    columns = ", ".join(f"'{raw_name(i)}': 'VARCHAR'" for i in range(len(text.header)))
    relation = (
        f"read_csv({sql_string(str(text.path))}, header = true, auto_detect = false, "
        f"delim = {sql_string(text.delimiter)}, quote = '\"', escape = '\"', "
        f"skip = {int(text.skip)}, columns = {{{columns}}})"
    )
    return Source(
        text.header, relation, has_line=False, csv=text, skipped=text.skip, footer=text.footer
    )


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
    typed = frozenset(i for i, d in enumerate(described) if _numeric_type(str(d[1])))
    return Source([str(d[0]) for d in described], relation, has_line=False, typed=typed)


def _numeric_type(sqltype: str) -> bool:
    return sqltype.startswith("DECIMAL") or sqltype in (
        "DOUBLE", "FLOAT", "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT",
        "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT",
    )  # fmt: skip


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
    hint: HeaderHint,
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
    found = _excel_header(numbered, hint)
    if found is None:
        fail(src.path, "sheet '{sheet}' is empty", lang=lang, sheet=name)
    header, skipped, rest = found
    typed = _copy_rows(con, header, rest, max(data.height, 1), progress)
    footer = _drop_footer(con, len(header))
    return Source(
        header,
        RAW_TABLE,
        has_line=True,
        sheet=name,
        typed=typed,
        cell_types=True,
        skipped=skipped,
        footer=footer,
    )


def typed_cell(i: int) -> str:
    """SQL: the cell of column ``i`` was a typed number (sources with ``cell_types``)."""
    return f"substr(_types, {i + 1}, 1) = 'n'"


#: the Excel serial dates read as dates: 1950-01-01 up to (not including) 2200-01-01. (Excel
#: counts days from 1900-01-01 as day 1, with a 29 February 1900 that never was: from day 61
#: on, day n is 1899-12-30 + n days.) Smaller or larger numbers are more likely something else
#: typed into a date column (a bare year 2024, a date written 150124) and stay bad dates.
EXCEL_SERIALS = (18264, 109574)


def date_cell_text(fld: Field, cell_types: bool) -> str:
    """SQL of the text of date field ``fld``: :func:`serial_text` of its cell when the source
    tells number cells apart (a workbook) and the field is one column as it is, else its text."""
    if cell_types and fld.plain and fld.index is not None:
        return serial_text(fld.index, fld.sql)
    return fld.sql


def serial_text(i: int, text: str) -> str:
    """SQL: cell ``text`` of column ``i`` of a workbook, where a *number* cell in a date column
    is an Excel serial date (a General-formatted date cell, e.g. ``46031`` for 2026-01-09, a
    fraction for the time of day): the text :func:`cell_text` gives a date-formatted cell,
    to the second; a number outside :data:`EXCEL_SERIALS` and every text cell unchanged. Not
    used for a column whose date format the user gave (``--date-format``, the mapping)."""
    n = f"try_cast({text} AS DOUBLE)"
    low, high = EXCEL_SERIALS
    at = f"(TIMESTAMP '1899-12-30' + to_seconds(CAST(round({n} * 86400) AS BIGINT)))"
    iso = (
        f"CASE WHEN {at} = date_trunc('day', {at}) THEN strftime({at}, '%Y-%m-%d') "
        f"ELSE strftime({at}, '%Y-%m-%d %H:%M:%S') END"
    )
    return f"CASE WHEN {typed_cell(i)} AND {n} >= {low} AND {n} < {high} THEN {iso} ELSE {text} END"


# -- HTML tables saved as .xls -----------------------------------------------------------------
#: the tags the table reader acts on; a tag is at most 4,000 characters and holds no ``<``, so
#: the scan stays linear in the document's size whatever it holds
_TABLE_TAG = re.compile(r"<(/?)(table|tr|td|th|br)\b[^<>]{0,4000}>", re.IGNORECASE)
_COLSPAN = re.compile(r"""colspan\s*=\s*["']?(\d{1,5})""", re.IGNORECASE)
_OTHER_TAG = re.compile(r"<[^<>]{0,4000}>")
#: empty cells that ``colspan`` may add to a whole document (a cell spanning n columns is
#: followed by n - 1 empty ones); beyond it a cell spans one column: a few bytes of
#: ``colspan=999`` must not become gigabytes of cells
SPAN_BUDGET = 1_000_000


class _Table:
    """One table being read: its rows and the cell open in it."""

    def __init__(self) -> None:
        self.rows: list[list[str]] = []
        self.cell: list[str] | None = None
        self.span = 1

    def end_cell(self) -> None:
        if self.cell is not None and self.rows:
            text = html.unescape(_OTHER_TAG.sub("", "".join(self.cell)))
            self.rows[-1].append(" ".join(text.split()))
            self.rows[-1].extend([""] * (self.span - 1))
        self.cell = None


def html_tables(text: str) -> list[list[list[str]]]:
    """The rows of every ``<table>`` of an HTML document, in the order they close: the text of
    each ``<td>``/``<th>`` (other tags dropped, entities decoded, white space collapsed, ``<br>``
    a space; a cell spanning n columns is followed by n - 1 empty ones, within
    :data:`SPAN_BUDGET`). A nested table is a table of its own and adds nothing to its cell.

    >>> html_tables("<table><tr><th>a</th><th colspan=2>b &amp; <i>c</i></th></tr></table>")
    [[['a', 'b & c', '']]]
    """
    tables: list[list[list[str]]] = []
    open_: list[_Table] = []  # tables being read, innermost last
    budget = SPAN_BUDGET
    pos = 0
    for match in _TABLE_TAG.finditer(text):
        if open_ and open_[-1].cell is not None and match.start() > pos:
            open_[-1].cell.append(text[pos : match.start()])
        pos = match.end()
        closing, tag = match.group(1) == "/", match.group(2).lower()
        if tag == "table":
            if not closing:
                open_.append(_Table())
            elif open_:
                table = open_.pop()
                table.end_cell()
                tables.append(table.rows)
            continue
        if not open_:
            continue
        table = open_[-1]
        if closing:
            if tag in ("td", "th", "tr"):
                table.end_cell()
        elif tag == "tr":
            table.end_cell()
            table.rows.append([])
        elif tag in ("td", "th"):
            table.end_cell()
            if not table.rows:
                table.rows.append([])
            table.cell = []
            found = _COLSPAN.search(match.group(0))
            span = min(int(found.group(1)), 16384) if found else 1
            table.span = max(1, min(span, budget + 1))
            budget -= table.span - 1
        elif tag == "br" and table.cell is not None:
            table.cell.append(" ")
    if open_ and open_[-1].cell is not None:
        open_[-1].cell.append(text[pos:])
    while open_:  # a document cut short: its open tables as far as they go
        table = open_.pop()
        table.end_cell()
        tables.append(table.rows)
    return tables


def _html_text(raw: bytes) -> str:
    """The document's text: its byte-order mark or ``charset``, else UTF-8, else Windows-1252."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="replace")
    found = re.search(rb"""charset=["']?([A-Za-z0-9_.:-]+)""", raw[:4096])
    if found:
        try:
            return raw.decode(found.group(1).decode("ascii"), errors="replace")
        except LookupError:
            pass
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def _html_source(
    con: duckdb.DuckDBPyConnection,
    src: SourceFile,
    lang: str,
    progress: Progress,
    hint: HeaderHint,
) -> Source:
    """An HTML table saved with an Excel name (Salesforce Classic's "Excel" report export and
    other CRMs'): the document's largest table, read like a sheet of text cells."""
    found_tables = html_tables(_html_text(src.path.read_bytes()))
    tables = [t for t in found_tables if any(any(c for c in row) for row in t)]
    if not tables:
        fail(src.path, "is an HTML file without a table of data", lang=lang)
    table = max(tables, key=len)
    numbered = ((i + 1, row) for i, row in enumerate(table))
    found = _excel_header(numbered, hint)
    if found is None:  # pragma: no cover - a table with a non-empty cell has a header
        fail(src.path, "is an HTML file without a table of data", lang=lang)
    header, skipped, rest = found
    typed = _copy_rows(con, header, rest, max(len(table), 1), progress)
    footer = _drop_footer(con, len(header))
    return Source(header, RAW_TABLE, has_line=True, typed=typed, skipped=skipped, footer=footer)


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


Rows = Iterator[tuple[int, list[Any]]]


def _excel_header(rows: Rows, hint: HeaderHint) -> tuple[list[str], int, Rows] | None:
    """(header cells, sheet rows above it, the rows after it) — see ``layout.pick_header``."""
    first: list[tuple[int, list[Any]]] = []
    for line, cells in rows:
        if any(cell_text(c) is not None for c in cells):
            first.append((line, cells))
            if len(first) >= MAX_TITLE_ROWS:
                break
    if not first:
        return None
    texts = [(line - 1, [cell_text(c) or "" for c in cells]) for line, cells in first]
    at = pick_header(texts, hint)
    index = next(i for i, (pos, _cells) in enumerate(texts) if pos == at)
    after = itertools.chain(first[index + 1 :], rows)
    return texts[index][1], at, after


def _copy_rows(
    con: duckdb.DuckDBPyConnection,
    header: list[str],
    rows: Rows,
    height: int,
    progress: Progress,
) -> frozenset[int]:
    """Copy the rows into the raw table; the columns whose cells were all typed numbers."""
    width = len(header)
    cols = ", ".join(f"{raw_name(i)} VARCHAR" for i in range(width))
    con.execute(f"CREATE OR REPLACE TEMP TABLE {RAW_TABLE} (_line BIGINT, _types VARCHAR, {cols})")
    names = ["_line", "_types"] + [raw_name(i) for i in range(width)]
    batch: list[list[Any]] = [[] for _ in names]
    numeric, textual = [False] * width, [False] * width
    for line, cells in rows:
        texts = [cell_text(c) for c in cells[:width]]
        if all(t is None for t in texts):
            continue
        types = _note_types(cells[:width], texts, numeric, textual)
        texts += [None] * (width - len(texts))
        for column, value in zip(batch, [line, types, *texts], strict=True):
            column.append(value)
        if len(batch[0]) >= BATCH:
            _flush(con, names, batch)
            progress("reading", 0.4 * line / height)
    _flush(con, names, batch)
    return frozenset(i for i in range(width) if numeric[i] and not textual[i])


def _note_types(
    cells: list[Any], texts: list[str | None], numeric: list[bool], textual: list[bool]
) -> str:
    """Note which columns had numbers and which text; the row's ``_types`` mask."""
    mask = []
    for i, (cell, text) in enumerate(zip(cells, texts, strict=False)):
        number = text is not None and isinstance(cell, int | float) and not isinstance(cell, bool)
        mask.append("n" if number else ".")
        if number:
            numeric[i] = True
        elif text is not None:
            textual[i] = True
    return "".join(mask)


def _drop_footer(con: duckdb.DuckDBPyConnection, width: int) -> tuple[str, ...]:
    """Delete footer rows at the end of the raw table (``layout.FOOTER_RE``); their text."""
    first = "coalesce(" + ", ".join(raw_name(i) for i in range(width)) + ")" if width else "NULL"
    footer = f"regexp_full_match(trim({first}), {literal(FOOTER_RE)})"
    last = f"(SELECT coalesce(max(_line), 0) FROM {RAW_TABLE} WHERE NOT coalesce({footer}, false))"
    rows = con.execute(
        f"SELECT trim({first}) FROM {RAW_TABLE} WHERE _line > {last} ORDER BY _line"
    ).fetchall()
    if rows:
        con.execute(f"DELETE FROM {RAW_TABLE} WHERE _line > {last}")
    return tuple(str(r[0]) for r in rows)


def _flush(con: duckdb.DuckDBPyConnection, names: list[str], batch: list[list[Any]]) -> None:
    if not batch[0]:
        return
    import pyarrow as pa  # only when an Excel sheet is read (the CLI starts faster)

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
