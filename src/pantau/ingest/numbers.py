"""Numbers as people write them: ``1.234.567,50``, ``1,234,567.50``, ``Rp 1.250.000``, ``Rp1,2 jt``.

A cell is split by one regular expression (:data:`NUMBER_RE`) into sign, digits and separators
(the *body*), a scale word and a percent sign. Which of ``.`` and ``,`` is the decimal separator is
decided per column from the evidence of all its cells (:mod:`pantau.ingest.formats`):

- ``1.234,5`` / ``1.234.567`` / ``1,5`` / ``0,25`` / ``1234,5`` can only have a decimal comma;
- ``1,234.5`` / ``1,234,567`` / ``1.5`` / ``0.25`` / ``1234.5`` can only have a decimal point;
- ``1.234`` and ``1,234`` (one separator, three digits after it) could be either: *ambiguous*.

Scale words: ``rb``/``ribu`` = 10³, ``jt``/``juta`` = 10⁶, ``M``/``miliar`` = 10⁹ (Indonesian:
``M`` is *miliar*, not million). Currency: ``Rp``, ``Rp.``, ``IDR``. Negative: ``-5``, ``(5)``.
Everything here is SQL text; nothing loops over rows in Python.
"""

from __future__ import annotations

from pantau.ingest.sqltext import literal

#: groups: open paren, sign, sign after the currency, body, scale word, percent, close paren
NUMBER_RE = (
    r"^(\()?\s*([-+])?\s*(?:(?i:rp)\.?|(?i:idr))?\s*([-+])?\s*(\d[\d.,]*)\s*"
    r"((?i:jt|juta|rb|ribu|miliar|milyar)|M)?\.?\s*(%)?\s*(\))?$"
)
PARTS = ["open", "sign", "sign2", "body", "scale", "pct", "close"]
#: a value the plain cast reads as it is (the strict path of :mod:`pantau.ingest.parse`)
PLAIN_RE = r"[-+]?\d+(\.\d+)?([eE][-+]?\d+)?"
#: bodies that only a decimal comma explains
COMMA_RE = r"\d{1,3}(\.\d{3})+,\d+|\d{1,3}(\.\d{3}){2,}|\d+,(\d{1,2}|\d{4,})|0,\d+|\d{4,},\d+"
#: bodies that only a decimal point explains
POINT_RE = r"\d{1,3}(,\d{3})+\.\d+|\d{1,3}(,\d{3}){2,}|\d+\.(\d{1,2}|\d{4,})|0\.\d+|\d{4,}\.\d+"
#: one separator followed by exactly three digits: a thousands group or three decimals
AMBIGUOUS_RE = r"[1-9]\d{0,2}[.,]\d{3}"
SCALES = {"rb": 1_000, "ribu": 1_000, "jt": 1_000_000, "juta": 1_000_000}
BILLION = 1_000_000_000
OTHER = {",": ".", ".": ","}


def matcher(v: str) -> str:
    """SQL: the parts of cell ``v`` as a struct (all fields ``''`` when it is no number)."""
    names = "[" + ", ".join(literal(p) for p in PARTS) + "]"
    return f"regexp_extract({v}, {literal(NUMBER_RE)}, {names})"


def body_pattern(decimal: str | None) -> str:
    """The well-formed bodies for a decimal separator (``None``: digits only)."""
    if decimal is None:
        return r"\d+"
    d, t = "\\" + decimal, "\\" + OTHER[decimal]
    return rf"\d{{1,3}}({t}\d{{3}})+({d}\d+)?|\d+({d}\d+)?"


def _scale(m: str) -> str:
    cases = " ".join(f"WHEN {literal(w)} THEN {n}" for w, n in SCALES.items())
    return (
        f"CASE WHEN {m}.scale = 'M' THEN {BILLION} WHEN lower({m}.scale) IN ('miliar', 'milyar') "
        f"THEN {BILLION} ELSE CASE lower({m}.scale) {cases} ELSE 1 END END"
    )


def _magnitude(m: str, decimal: str | None) -> str:
    """The unsigned value of the body, exact in DECIMAL when a scale word multiplies it."""
    body = f"{m}.body"
    if decimal is not None:
        body = f"replace(replace({body}, {literal(OTHER[decimal])}, ''), {literal(decimal)}, '.')"
    return (
        f"CASE WHEN {m}.scale = '' THEN try_cast({body} AS DOUBLE) "
        f"ELSE CAST(try_cast({body} AS DECIMAL(38, 9)) * {_scale(m)} AS DOUBLE) END"
    )


def _negative(m: str) -> str:
    return f"({m}.open = '(' OR {m}.sign = '-' OR {m}.sign2 = '-')"


def value(v: str, m: str, decimal: str | None, *, percent: bool) -> str:
    """SQL: the number in cell ``v`` (``m`` = :func:`matcher` of it); NULL when unreadable.

    ``percent``: a trailing ``%`` divides by 100 (discounts); elsewhere it makes the cell bad.
    """
    ok = (
        f"{m}.body <> '' AND ({m}.open = '') = ({m}.close = '') "
        f"AND regexp_full_match({m}.body, {literal(body_pattern(decimal))})"
    )
    if not percent:
        ok += f" AND {m}.pct = ''"
    signed = f"CASE WHEN {_negative(m)} THEN -1 ELSE 1 END * ({_magnitude(m, decimal)})"
    if percent:
        signed = f"({signed}) / CASE WHEN {m}.pct = '%' THEN 100 ELSE 1 END"
    plain = f"try_cast({v} AS DOUBLE)" if decimal == "." else "NULL"
    return (
        f"CASE WHEN {ok} THEN {signed} "
        f"WHEN regexp_full_match({v}, {literal(PLAIN_RE)}) THEN {plain} END"
    )


#: SQL: cell ``{v}`` has a separator (no body of COMMA_RE, POINT_RE or AMBIGUOUS_RE has none)
HAS_SEPARATOR = "(contains({v}, '.') OR contains({v}, ','))"


def evidence_flags(v: str, body: str) -> dict[str, str]:
    """Per cell, what :func:`evidence` counts (``n``: non-empty cells); ``body`` may be NULL
    for a cell without a separator."""
    return {
        "n": f"{v} IS NOT NULL",
        "plain": f"regexp_full_match({v}, {literal(PLAIN_RE)})",
        "comma": f"regexp_full_match({body}, {literal(COMMA_RE)})",
        "point": f"regexp_full_match({body}, {literal(POINT_RE)})",
        "ambiguous": f"regexp_full_match({body}, {literal(AMBIGUOUS_RE)})",
    }


def evidence(v: str, body: str) -> dict[str, str]:
    """Aggregates (SQL) over a column: what its cells say about the decimal separator."""
    return {
        "n": f"count({v})",
        "plain": f"count(*) FILTER (WHERE regexp_full_match({v}, {literal(PLAIN_RE)}))",
        "comma": f"count(*) FILTER (WHERE regexp_full_match({body}, {literal(COMMA_RE)}))",
        "point": f"count(*) FILTER (WHERE regexp_full_match({body}, {literal(POINT_RE)}))",
        "ambiguous": f"count(*) FILTER (WHERE regexp_full_match({body}, {literal(AMBIGUOUS_RE)}))",
        "comma_example": f"min({v}) FILTER (WHERE regexp_full_match({body}, {literal(COMMA_RE)}))",
        "point_example": f"min({v}) FILTER (WHERE regexp_full_match({body}, {literal(POINT_RE)}))",
        "ambiguous_example": (
            f"min({v}) FILTER (WHERE regexp_full_match({body}, {literal(AMBIGUOUS_RE)}))"
        ),
    }
