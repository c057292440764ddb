"""Dates as people write them: ``05/03/2026``, ``3/5/26 2:30 PM``, ``5 Agustus 2025``.

ISO values (``2026-03-05 …``) are read as before (:mod:`pantau.ingest.parse`). Every other cell is
split by one regular expression (:data:`DATE_RE`) into day, month and year — numeric
(``d/m/y`` or ``m/d/y``, separators ``/ . -``), with an Indonesian or English month name
(``5 Agustus 2025``, ``05-Agu-2025``, ``August 5, 2025``) or year first (``2025/08/05``) — plus an
optional time (``14:30``, ``14.30``, ``2:30 PM``). The pieces are put together as ISO text and
read with ``strptime``. Whether ``05/03/2026`` is day-first is decided per column from all its
cells (:mod:`pantau.ingest.formats`), never per cell. A pattern given by the user
(``--date-format``) is used as it is, with Indonesian month names read as English ones.
"""

from __future__ import annotations

from typing import Literal

from pantau.ingest.sqltext import literal, string_list

Order = Literal["dmy", "mdy"]

MONTHS: dict[str, int] = {
    **{n: i + 1 for i, n in enumerate(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug"])},
    **{"sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12},
    "january": 1, "february": 2, "march": 3, "april": 4, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    # Indonesian
    "januari": 1, "februari": 2, "pebruari": 2, "peb": 2, "maret": 3, "mei": 5, "juni": 6,
    "juli": 7, "agustus": 8, "agu": 8, "agt": 8, "ags": 8, "oktober": 10, "okt": 10,
    "nopember": 11, "nop": 11, "desember": 12, "des": 12,
}  # fmt: skip
#: Indonesian month names → the English ones ``strptime``'s ``%b``/``%B`` know
ENGLISH = {
    "januari": "January", "februari": "February", "pebruari": "February", "maret": "March",
    "mei": "May", "juni": "June", "juli": "July", "agustus": "August", "oktober": "October",
    "nopember": "November", "desember": "December", "peb": "Feb", "agu": "Aug", "agt": "Aug",
    "ags": "Aug", "okt": "Oct", "nop": "Nov", "des": "Dec",
}  # fmt: skip

ISO_RE = r"^\d{4}-\d{1,2}-\d{1,2}"
_TIME = (
    r"(?:,?(?:T|\s+)(?:(?i:pukul|jam|at)\s+)?"
    r"(\d{1,2}[:.]\d{2}(?:[:.]\d{2}(?:\.\d+)?)?(?:\s*[AaPp][Mm])?))?"
)
DATE_RE = (
    r"^(?:(\d{1,2})[./-](\d{1,2})[./-](\d{4}|\d{2})"  # a, b, y1: 05/03/2026
    r"|(?:[A-Za-z]+,\s*)?(\d{1,2})[ ./-]*([A-Za-z]{3,})\.?[ ./,-]*(\d{4}|\d{2})"  # 5 Agu 2025
    r"|([A-Za-z]{3,})\.?[ ./-]*(\d{1,2})(?:st|nd|rd|th)?,?[ ./-]+(\d{4})"  # August 5, 2025
    r"|(\d{4})[./](\d{1,2})[./](\d{1,2}))" + _TIME + "$"  # 2025/08/05
)
PARTS = ["a", "b", "y1", "d2", "mn2", "y2", "mn3", "d3", "y3", "y4", "m4", "d4", "t"]
TIME_FORMATS = (
    "%H:%M", "%H:%M:%S", "%H:%M:%S.%f", "%H.%M", "%H.%M.%S",
    "%I:%M %p", "%I:%M:%S %p", "%I:%M%p", "%I:%M:%S%p",
)  # fmt: skip
FORMATS = ["%Y-%m-%d"] + [f"%Y-%m-%d {t}" for t in TIME_FORMATS]


def matcher(v: str) -> str:
    """SQL: the parts of cell ``v`` as a struct (all fields ``''`` when no shape fits)."""
    return f"regexp_extract({v}, {literal(DATE_RE)}, {string_list(PARTS)})"


def month_number(name: str) -> str:
    """SQL: the month number (text) of a month name, NULL for an unknown name."""
    by_number: dict[int, list[str]] = {}
    for word, number in MONTHS.items():
        by_number.setdefault(number, []).append(word)
    cases = " ".join(
        f"WHEN lower({name}) IN ({', '.join(literal(w) for w in words)}) THEN '{n}'"
        for n, words in sorted(by_number.items())
    )
    return f"CASE {cases} END"


def _numeric(m: str, order: Order | None) -> tuple[str, str]:
    """(month, day) SQL of a numeric date; with no order only ``a == b`` is readable."""
    if order == "dmy":
        return f"{m}.b", f"{m}.a"
    if order == "mdy":
        return f"{m}.a", f"{m}.b"
    same = f"try_cast({m}.a AS INTEGER) = try_cast({m}.b AS INTEGER)"
    return f"CASE WHEN {same} THEN {m}.a END", f"CASE WHEN {same} THEN {m}.a END"


def _year(m: str) -> str:
    y = f"CASE WHEN {m}.y1 <> '' THEN {m}.y1 WHEN {m}.y2 <> '' THEN {m}.y2 ELSE {m}.y3 END"
    short = (
        "CAST(CASE WHEN CAST(yy AS INTEGER) < 69 THEN 2000 ELSE 1900 END "
        "+ CAST(yy AS INTEGER) AS VARCHAR)"
    )
    pivot = short.replace("yy", y)
    return f"CASE WHEN {m}.y4 <> '' THEN {m}.y4 WHEN length({y}) = 2 THEN {pivot} ELSE {y} END"


def iso_text(m: str, order: Order | None) -> str:
    """SQL: ``Y-M-D[ time]`` from the parts ``m`` (NULL when the pieces do not make a date)."""
    num_month, num_day = _numeric(m, order)
    named2, named3 = month_number(m + ".mn2"), month_number(m + ".mn3")
    month = (
        f"CASE WHEN {m}.a <> '' THEN {num_month} WHEN {m}.mn2 <> '' THEN {named2} "
        f"WHEN {m}.mn3 <> '' THEN {named3} ELSE {m}.m4 END"
    )
    day = (
        f"CASE WHEN {m}.a <> '' THEN {num_day} WHEN {m}.d2 <> '' THEN {m}.d2 "
        f"WHEN {m}.d3 <> '' THEN {m}.d3 ELSE {m}.d4 END"
    )
    time = f"CASE WHEN {m}.t <> '' THEN ' ' || {m}.t ELSE '' END"
    return f"({_year(m)} || '-' || ({month}) || '-' || ({day}) || {time})"


def english(v: str) -> str:
    """SQL: ``v`` with Indonesian month names replaced by English ones (for ``%b``/``%B``)."""
    out = v
    for word, en in ENGLISH.items():
        pattern = literal(r"(?i)\b" + word + r"\b")
        out = f"regexp_replace({out}, {pattern}, {literal(en)})"
    return out


def value(v: str, m: str, order: Order | None, pattern: str | None, sql_type: str) -> str:
    """SQL: the date/time in cell ``v`` as ``sql_type`` (TIMESTAMPTZ or DATE); NULL if unreadable.

    ISO cells are cast as they are; others go through ``pattern`` (the user's) when given, else
    through :func:`iso_text` with the column's day/month ``order``.
    """
    if pattern is not None:
        text = english(v) if "%b" in pattern or "%B" in pattern else v
        other = f"try_strptime({text}, {literal(pattern)})"
    else:
        other = f"try_strptime({iso_text(m, order)}, {string_list(FORMATS)})"
    return (
        f"CASE WHEN regexp_matches({v}, {literal(ISO_RE)}) THEN try_cast({v} AS {sql_type}) "
        f"ELSE CAST({other} AS {sql_type}) END"
    )


def evidence_flags(v: str, m: str) -> dict[str, str]:
    """Per cell, what :func:`evidence` counts (``n``: non-empty cells); ``m`` may be NULL for an
    ISO cell (:data:`DATE_RE` matches none)."""
    a, b = f"try_cast(NULLIF({m}.a, '') AS INTEGER)", f"try_cast(NULLIF({m}.b, '') AS INTEGER)"
    return {
        "n": f"{v} IS NOT NULL",
        "iso": f"regexp_matches({v}, {literal(ISO_RE)})",
        "numeric": f"{a} IS NOT NULL",
        "named": f"{m}.mn2 <> '' OR {m}.mn3 <> ''",
        "day_first": f"{a} > 12",
        "month_first": f"{b} > 12",
        "ambiguous": f"{a} <> {b} AND {a} <= 12 AND {b} <= 12",
    }


def evidence(v: str, m: str) -> dict[str, str]:
    """Aggregates (SQL) over a column: what its cells say about the day/month order (the
    counts of :func:`evidence_flags`, and an example cell of each order)."""
    flags = evidence_flags(v, m)
    out = {"n": f"count({v})"}
    out.update({k: f"count(*) FILTER (WHERE {flag})" for k, flag in flags.items() if k != "n"})
    for k in ("day_first", "month_first", "ambiguous"):
        out[f"{k}_example"] = f"min({v}) FILTER (WHERE {flags[k]})"
    return out
