"""Value parsing as SQL expressions, one set per column kind (``pantau.model.records.Kind``).

For a column, ``parsed`` turns the trimmed text ``v`` into a typed value (``NULL`` when empty or
unreadable) and ``error`` names what is wrong with a cell (``NULL`` when it is fine). Both are
plain DuckDB expressions, so a whole file is checked in one columnar pass. Timestamps are cast to
``TIMESTAMPTZ`` while the session's ``TimeZone`` is the business time zone: a value without an
offset is local time, one with an offset is that instant.
"""

from __future__ import annotations

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


def literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _in_list(words: tuple[str, ...]) -> str:
    return "(" + ", ".join(literal(w) for w in words) + ")"


def trimmed(raw: str) -> str:
    """The cell text without surrounding spaces; ``NULL`` for an empty cell."""
    return f"NULLIF(trim({raw}), '')"


def parsed(col: Column, v: str) -> str:
    """SQL for the typed value of ``col`` from its trimmed text ``v`` (loose: see ``error``)."""
    kind = col.kind
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


def _bad(col: Column, v: str, p: str) -> tuple[str, str] | None:
    """(condition on a non-empty cell, error code), or None when any text is acceptable."""
    kind = col.kind
    if kind in ("id", "text", "label"):
        return None
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


def error(col: Column, v: str, p: str) -> str | None:
    """SQL naming the problem of a cell (an error code), ``NULL`` if fine; None if never bad."""
    bad = _bad(col, v, p)
    missing = "'missing_value'" if col.required else "NULL"
    if bad is None:
        return f"CASE WHEN {v} IS NULL THEN 'missing_value' END" if col.required else None
    condition, code = bad
    if col.kind == "fraction":
        # a bare 20 (not 20%) gets its own message: the user most likely meant 20%
        code_sql = (
            f"CASE WHEN right({v}, 1) <> '%' AND {p} > 1 THEN 'fraction_over_one' ELSE '{code}' END"
        )
    else:
        code_sql = f"'{code}'"
    return f"CASE WHEN {v} IS NULL THEN {missing} WHEN {condition} THEN {code_sql} END"


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
