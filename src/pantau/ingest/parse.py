"""Value parsing as SQL expressions, one set per column kind (``pantau.model.records.Kind``).

For a column, ``parsed`` turns the trimmed text ``v`` into a typed value (``NULL`` when empty or
unreadable) and ``error`` names what is wrong with a cell (``NULL`` when it is fine). Both are
plain DuckDB expressions, so a whole file is checked in one columnar pass. Timestamps are cast to
``TIMESTAMPTZ`` while the session's ``TimeZone`` is the business time zone: a value without an
offset is local time, one with an offset is that instant.

Without a format the reading is strict (ISO dates, plain numbers). A column whose format was
decided from its cells (:mod:`pantau.ingest.formats`) is read through :mod:`pantau.ingest.numbers`
or :mod:`pantau.ingest.dates` instead: ``matcher`` splits the cell once into a struct ``m`` that
``parsed`` then assembles.
"""

from __future__ import annotations

from pantau.ingest import damage, dates, numbers
from pantau.ingest.formats import ColumnFormat, DateFormat, NumberFormat
from pantau.ingest.sqltext import literal, trimmed
from pantau.model.records import Column

TRIM_CHARS = " "  # DuckDB's one-argument trim() is 2x faster than trim(x, characters)
TRUE_WORDS = ("true", "1", "yes", "ya")
FALSE_WORDS = ("false", "0", "no", "tidak")

#: DuckDB type of the parsed (intermediate) value of each kind
PARSED_TYPE = {
    "timestamp": "TIMESTAMPTZ",
    "date": "DATE",
    "number": "DOUBLE",
    "integer": "DOUBLE",
    "fraction": "DOUBLE",
    "bool": "BOOLEAN",
}


NUMBER_KINDS = ("number", "integer", "fraction")
DATE_KINDS = ("timestamp", "date")
#: SQL type a date column is read as
DATE_TYPE = {"timestamp": "TIMESTAMPTZ", "date": "DATE"}
__all__ = ["literal", "matcher", "parsed", "error", "stored", "trimmed"]


def _in_list(words: tuple[str, ...]) -> str:
    return "(" + ", ".join(literal(w) for w in words) + ")"


def matcher(col: Column, v: str, fmt: ColumnFormat | None) -> str | None:
    """SQL splitting cell ``v`` into the parts ``parsed`` needs for ``fmt`` (None: not needed)."""
    if isinstance(fmt, NumberFormat) and col.kind in NUMBER_KINDS:
        return numbers.matcher(v)
    if isinstance(fmt, DateFormat) and col.kind in DATE_KINDS and fmt.pattern is None:
        return dates.matcher(v)
    return None


def parsed(col: Column, v: str, fmt: ColumnFormat | None = None, m: str = "m") -> str:
    """SQL for the typed value of ``col`` from its trimmed text ``v`` (loose: see ``error``).

    With a format, ``m`` names the parts of the cell (``matcher``).
    """
    kind = col.kind
    if isinstance(fmt, NumberFormat) and kind in NUMBER_KINDS:
        return numbers.value(v, m, fmt.decimal, percent=kind == "fraction")
    if isinstance(fmt, DateFormat) and kind in DATE_KINDS:
        return dates.value(v, m, fmt.order, fmt.pattern, DATE_TYPE[kind])
    if kind in ("id", "text"):
        return v
    if kind == "label":
        return f"lower({v})"
    if kind == "enum":
        return f"CASE WHEN lower({v}) IN {_in_list(col.choices)} THEN lower({v}) END"
    if kind in ("timestamp", "date", "number"):
        return f"try_cast({v} AS {PARSED_TYPE[kind]})"
    if kind == "integer":
        return f"try_cast({v} AS DOUBLE)"
    if kind == "fraction":
        return (
            f"CASE WHEN right({v}, 1) = '%' THEN try_cast(rtrim(left({v}, -1)) AS DOUBLE) / 100 "
            f"ELSE try_cast({v} AS DOUBLE) END"
        )
    if kind == "bool":
        return (
            f"CASE WHEN lower({v}) IN {_in_list(TRUE_WORDS)} THEN true "
            f"WHEN lower({v}) IN {_in_list(FALSE_WORDS)} THEN false END"
        )
    if kind == "month":
        month = "'\\d{4}-(0[1-9]|1[0-2])(-01)?'"
        return f"CASE WHEN regexp_full_match({v}, {month}) THEN left({v}, 7) END"
    if kind == "period":
        return (
            f"CASE WHEN regexp_full_match(upper({v}), '\\d{{4}}(-(0[1-9]|1[0-2])|-Q[1-4])?') "
            f"THEN upper({v}) END"
        )
    raise ValueError(f"unknown column kind {kind!r}")


def _bad(col: Column, v: str, p: str, fmt: ColumnFormat | None) -> tuple[str, str] | None:
    """(condition on a non-empty cell, error code), or None when any text is acceptable."""
    kind = col.kind
    if kind in ("id", "text", "label"):
        return None
    if isinstance(fmt, DateFormat) and kind in DATE_KINDS:
        # the year guard keeps out a 2-digit year read with %Y (year 26)
        return f"{p} IS NULL OR NOT isfinite({p}) OR NOT year({p}) BETWEEN 1000 AND 9999", (
            f"bad_{kind}"
        )
    if kind == "timestamp":
        # the 4-digit-year guard keeps out what DuckDB also accepts: 'infinity', year 20260
        return f"{p} IS NULL OR NOT isfinite({p}) OR substr({v}, 5, 1) <> '-'", "bad_timestamp"
    if kind == "date":
        return f"{p} IS NULL OR NOT isfinite({p}) OR substr({v}, 5, 1) <> '-'", "bad_date"
    if kind == "number":
        return f"{p} IS NULL OR NOT isfinite({p})", "bad_number"
    if kind == "integer":
        return f"{p} IS NULL OR NOT abs({p}) < 9e18 OR {p} <> trunc({p})", "bad_integer"
    if kind == "fraction":
        return f"{p} IS NULL OR NOT isfinite({p}) OR {p} > 1", "bad_fraction"
    return f"{p} IS NULL", f"bad_{kind}"


def error(col: Column, v: str, p: str, fmt: ColumnFormat | None = None) -> str | None:
    """SQL naming the problem of a cell (an error code), ``NULL`` if fine; None if never bad."""
    bad = _bad(col, v, p, fmt)
    missing = "'missing_value'" if col.required else "NULL"
    if bad is None:
        return f"CASE WHEN {v} IS NULL THEN 'missing_value' END" if col.required else None
    condition, code = bad
    excel = ""
    if col.kind in NUMBER_KINDS:
        # 'May-20' in a number column: a range Excel turned into a date, not a typo
        excel = f"WHEN {damage.sql_match(v)} THEN 'excel_damage' "
    if col.kind == "fraction":
        # a bare 20 (not 20%) gets its own message: the user most likely meant 20%
        code_sql = (
            f"CASE WHEN right({v}, 1) <> '%' AND {p} > 1 THEN 'fraction_over_one' ELSE '{code}' END"
        )
    else:
        code_sql = f"'{code}'"
    return f"CASE WHEN {v} IS NULL THEN {missing} {excel}WHEN {condition} THEN {code_sql} END"


def stored(col: Column, p: str, tz: str) -> list[tuple[str, str]]:
    """(column name, SQL) of the canonical column(s) for ``col`` from its parsed value ``p``."""
    if col.kind == "timestamp":
        return [
            (col.name, f"timezone('UTC', {p})"),
            (col.name + "_local", f"timezone({literal(tz)}, {p})"),
        ]
    if col.kind == "integer":
        return [(col.name, f"CAST({p} AS BIGINT)")]
    if col.default is not None:
        return [(col.name, f"coalesce({p}, {literal(col.default)})")]
    return [(col.name, p)]
