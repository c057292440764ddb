"""How each number and date column is written, decided from the evidence of the whole column.

One aggregate query over the source (DuckDB, regular expressions, no Python loop over rows)
counts, per column, the cells that only a decimal comma explains (``1.234,5``), only a decimal
point (``1,234.5``), or either (``1.234``); the dates whose first number is over 12 (day first),
whose second is (month first), or neither (``05/03/2026``). A column with decisive cells gets its
:class:`NumberFormat` / :class:`DateFormat`; a column whose cells are ambiguous, or contradict each
other, gets a :class:`Question` instead — the import stops and asks for ``--decimal`` or
``--date-format`` rather than guess. Columns holding only ISO dates and plain numbers keep the
strict reading of :mod:`pantau.ingest.parse` (no format at all).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

import duckdb

from pantau.errors import UsageError
from pantau.i18n import gettext as _
from pantau.ingest import dates, numbers
from pantau.ingest.dates import Order
from pantau.ingest.header import Field
from pantau.ingest.messages import N_
from pantau.ingest.readers import date_cell_text, typed_cell
from pantau.ingest.sqltext import literal, quote_ident
from pantau.model.records import Column

NUMBER_KINDS = ("number", "integer", "fraction")
DATE_KINDS = ("timestamp", "date")
DECIMALS = (",", ".")


@dataclass(frozen=True)
class NumberFormat:
    """The decimal separator of a number column (``None``: undecided, only digits read)."""

    decimal: str | None
    given: bool = False

    def describe(self, lang: str) -> str:
        if self.decimal == ",":
            return _(N_("decimal comma (1.234.567,5)"), lang)
        return _(N_("decimal point (1,234,567.5)"), lang)


@dataclass(frozen=True)
class DateFormat:
    """How the non-ISO dates of a column are read: a day/month order or the user's pattern."""

    order: Order | None
    pattern: str | None = None
    given: bool = False
    named: bool = False  # the column has dates with month names (only those, if no order)

    def describe(self, lang: str) -> str:
        if self.pattern is not None:
            return _(N_("pattern {pattern}"), lang, pattern=self.pattern)
        if self.order == "mdy":
            return _(N_("month first (12/31/2026)"), lang)
        if self.order == "dmy" and not self.named:
            return _(N_("day first (31/12/2026)"), lang)
        return _(N_("day first, month names (5 Agustus 2025)"), lang)


ColumnFormat = NumberFormat | DateFormat


@dataclass(frozen=True)
class Question:
    """What the importer cannot decide alone, and the options that decide it."""

    column: str  # the file's header
    kind: str  # 'date_order' or 'decimal'
    examples: list[str]
    options: list[str]  # command-line options, e.g. "--date-format '%d/%m/%Y'"
    message: str  # translated
    suggestion: str  # translated

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Decisions:
    """The formats decided per template column, the questions, and a note per file column."""

    formats: dict[str, ColumnFormat] = field(default_factory=dict)
    questions: list[Question] = field(default_factory=list)
    notes: dict[str, str] = field(default_factory=dict)  # file header → how it is read


@dataclass(frozen=True)
class Given:
    """What the user said: ``--date-format`` / ``date_format`` and ``--decimal`` / ``decimal``."""

    date_format: str | None = None
    decimal: str | None = None


def check_given(given: Given, lang: str) -> None:
    """Refuse a decimal other than ``,``/``.`` and a date pattern DuckDB cannot use."""
    if given.decimal is not None and given.decimal not in DECIMALS:
        raise UsageError(
            _(N_("--decimal must be ',' or '.', not '{value}'"), lang, value=given.decimal)
        )
    if given.date_format is not None:
        check_pattern(given.date_format, lang)


def check_pattern(pattern: str, lang: str) -> None:
    """Raise ``UsageError`` unless ``pattern`` is a strptime pattern with a day, month and year."""
    try:
        with duckdb.connect() as con:
            con.execute(f"SELECT try_strptime('', {literal(pattern)})").fetchall()
    except duckdb.Error:
        raise UsageError(bad_pattern(pattern, lang)) from None
    if not re.search(r"%-?[dj]", pattern) or not re.search(r"%-?[mbB]|%j", pattern):
        raise UsageError(bad_pattern(pattern, lang))
    if not re.search(r"%-?[yY]", pattern):
        raise UsageError(bad_pattern(pattern, lang))


def bad_pattern(pattern: str, lang: str) -> str:
    return _(
        N_("'{pattern}' is not a date pattern: write it like %d/%m/%Y (day, month, 4-digit year)"),
        lang,
        pattern=pattern,
    )


def decide(
    con: duckdb.DuckDBPyConnection,
    relation: str,
    columns: list[tuple[Column, Field]],
    given: Given,
    lang: str,
    typed: frozenset[int] = frozenset(),
    cell_types: bool = False,
) -> Decisions:
    """Decide the format of every number and date column of ``relation`` (one query).

    ``typed`` are source columns whose cells were all typed numbers in a workbook: already
    exact. With ``cell_types`` the relation marks typed cells one by one (``_types``): those do
    not count as evidence (their text is exact, not what a person wrote).
    """
    out = Decisions()
    looked = [(c, f) for c, f in columns if _needs_evidence(c, f, given, typed)]
    evidence = _evidence(con, relation, looked, cell_types) if looked else {}
    for col, fld in columns:
        fmt = _format(col, fld, given, evidence.get(col.name), typed, out, lang)
        if fmt is None:
            continue
        out.formats[col.name] = fmt
        if _decided(fmt):
            out.notes[fld.header] = fmt.describe(lang)
    return out


def _decided(fmt: ColumnFormat) -> bool:
    if isinstance(fmt, NumberFormat):
        return fmt.decimal is not None
    return fmt.order is not None or fmt.pattern is not None or fmt.named


def _needs_evidence(col: Column, fld: Field, given: Given, typed: frozenset[int]) -> bool:
    if col.kind in NUMBER_KINDS:
        return given.decimal is None and not _typed(fld, typed)
    return col.kind in DATE_KINDS and given.date_format is None


def _typed(fld: Field, typed: frozenset[int]) -> bool:
    return fld.plain and fld.index in typed


def _evidence(
    con: duckdb.DuckDBPyConnection,
    relation: str,
    columns: list[tuple[Column, Field]],
    cell_types: bool,
) -> dict[str, dict[str, Any]]:
    """The evidence of every column in ``columns``: one pass over ``relation`` counts; the
    examples a question shows are looked up afterwards, for the columns that ask one."""
    out = _evidence_counts(con, relation, columns, cell_types)
    asking = [(c, f) for c, f in columns if _asks(c, out[c.name])]
    if asking:
        out.update(_evidence_full(con, relation, asking, cell_types))
    return out


def _asks(col: Column, ev: dict[str, Any]) -> bool:
    """Whether ``_number_format`` / ``_date_format`` ask a question with examples for ``ev``."""
    if col.kind in NUMBER_KINDS:
        if ev["plain"] == ev["n"] and not ev["ambiguous"]:
            return False
        return bool(ev["comma"] and ev["point"]) or bool(
            ev["ambiguous"] and not ev["comma"] and not ev["point"]
        )
    if ev["iso"] == ev["n"]:
        return False
    first, second = ev["day_first"], ev["month_first"]
    return bool(first and second) or bool(ev["ambiguous"] and not first and not second)


def _texts(columns: list[tuple[Column, Field]], cell_types: bool) -> list[str]:
    texts = []
    for i, (col, fld) in enumerate(columns):
        sql = fld.sql
        if cell_types and col.kind in NUMBER_KINDS and fld.plain and fld.index is not None:
            sql = f"CASE WHEN {typed_cell(fld.index)} THEN NULL ELSE {sql} END"
        elif col.kind in DATE_KINDS:
            sql = date_cell_text(fld, cell_types)  # an Excel serial date: its ISO date
        texts.append(f"{sql} AS v{i}")
    return texts


def _evidence_counts(
    con: duckdb.DuckDBPyConnection,
    relation: str,
    columns: list[tuple[Column, Field]],
    cell_types: bool,
) -> dict[str, dict[str, Any]]:
    """The counts of the evidence (no examples), with as few regular expressions per cell as
    give the same counts: a cell without ``.`` or ``,`` has no separator to weigh, an ISO date
    has no day/month order."""
    parts, flags, aggs = [], [], []
    names: list[tuple[str, list[str]]] = []
    for i, (col, _fld) in enumerate(columns):
        v, m = f"v{i}", f"m{i}"
        if col.kind in NUMBER_KINDS:
            found = numbers.evidence_flags(v, m)
            split = f"regexp_extract({v}, {literal(numbers.NUMBER_RE)}, 4)"
            parts.append(
                f"{v}, CASE WHEN {numbers.HAS_SEPARATOR.format(v=v)} THEN {split} END AS {m}"
            )
        else:
            found = dates.evidence_flags(v, m)
            iso = f"regexp_matches({v}, {literal(dates.ISO_RE)})"
            parts.append(f"{v}, CASE WHEN {iso} THEN NULL ELSE {dates.matcher(v)} END AS {m}")
        flags.append(f"{v}")
        for k, sql in found.items():
            if k == "n":
                aggs.append(f"count({v})")
            else:
                flags.append(f"{sql} AS {quote_ident(f'{i}:{k}')}")
                aggs.append(f"count(*) FILTER (WHERE {quote_ident(f'{i}:{k}')})")
        names.append((col.name, list(found)))
    row = con.execute(
        f"SELECT {', '.join(aggs)} FROM (SELECT {', '.join(flags)} FROM "
        f"(SELECT {', '.join(parts)} FROM (SELECT {', '.join(_texts(columns, cell_types))} "
        f"FROM {relation})))"
    ).fetchall()[0]
    return _by_column(names, row)


def _evidence_full(
    con: duckdb.DuckDBPyConnection,
    relation: str,
    columns: list[tuple[Column, Field]],
    cell_types: bool,
) -> dict[str, dict[str, Any]]:
    """Every evidence aggregate of ``columns``, examples included (one pass)."""
    parts, aggs = [], []
    names: list[tuple[str, list[str]]] = []
    for i, (col, _fld) in enumerate(columns):
        v, m = f"v{i}", f"m{i}"
        if col.kind in NUMBER_KINDS:
            parts.append(f"{v}, regexp_extract({v}, {literal(numbers.NUMBER_RE)}, 4) AS {m}")
            found = numbers.evidence(v, m)
        else:
            parts.append(f"{v}, {dates.matcher(v)} AS {m}")
            found = dates.evidence(v, m)
        aggs += [f"{sql} AS {quote_ident(f'{i}:{k}')}" for k, sql in found.items()]
        names.append((col.name, list(found)))
    row = con.execute(
        f"SELECT {', '.join(aggs)} FROM (SELECT {', '.join(parts)} FROM "
        f"(SELECT {', '.join(_texts(columns, cell_types))} FROM {relation}))"
    ).fetchall()[0]
    return _by_column(names, row)


def _by_column(
    names: list[tuple[str, list[str]]], row: tuple[Any, ...]
) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    values = iter(row)
    for name, keys in names:
        out[name] = {k: next(values) for k in keys}
    return out


def _format(
    col: Column,
    fld: Field,
    given: Given,
    ev: dict[str, Any] | None,
    typed: frozenset[int],
    out: Decisions,
    lang: str,
) -> ColumnFormat | None:
    if col.kind in NUMBER_KINDS:
        if _typed(fld, typed):
            return None
        if given.decimal is not None:
            return NumberFormat(given.decimal, given=True)
        if ev is None:
            return None
        return _number_format(fld.header, ev, out, lang)
    if col.kind in DATE_KINDS:
        if given.date_format is not None:
            return DateFormat(None, given.date_format, given=True)
        assert ev is not None
        return _date_format(fld.header, ev, out, lang)
    return None


def _number_format(
    header: str, ev: dict[str, Any], out: Decisions, lang: str
) -> NumberFormat | None:
    if ev["plain"] == ev["n"] and not ev["ambiguous"]:
        return None
    if ev["comma"] and ev["point"]:
        examples = [ev["comma_example"], ev["point_example"]]
        message = N_(
            "some numbers have a decimal comma ('{first}'), others a decimal point ('{second}')"
        )
        out.questions.append(_decimal_question(header, examples, message, lang))
        return NumberFormat(None)
    if ev["comma"]:
        return NumberFormat(",")
    if ev["point"]:
        return NumberFormat(".")
    if ev["ambiguous"]:
        message = N_("'{first}' can be read with a thousands separator or a decimal separator")
        out.questions.append(_decimal_question(header, [ev["ambiguous_example"]], message, lang))
        return NumberFormat(None)
    return NumberFormat(".")


def _decimal_question(header: str, examples: list[str], message: str, lang: str) -> Question:
    first = examples[0]
    options = ["--decimal ,", "--decimal ."]
    return Question(
        header,
        "decimal",
        examples,
        options,
        _(message, lang, first=first, second=examples[-1]),
        _(
            N_(
                "say which: import again with {comma} ({first} read as {as_comma}) or "
                "{point} ({first} read as {as_point}), or set decimal in the mapping"
            ),
            lang,
            comma=options[0],
            point=options[1],
            first=first,
            as_comma=_reading(first, ","),
            as_point=_reading(first, "."),
        ),
    )


def _reading(text: str, decimal: str) -> str:
    """How ``text`` reads with ``decimal`` (for the question), e.g. ``1.234`` → ``1234``."""
    body = re.sub(r"[^\d.,]", "", text)
    body = body.replace(numbers.OTHER[decimal], "").replace(decimal, ".")
    return body


def _date_format(header: str, ev: dict[str, Any], out: Decisions, lang: str) -> DateFormat | None:
    if ev["iso"] == ev["n"]:
        return None
    named = bool(ev["named"])
    if ev["day_first"] and ev["month_first"]:
        examples = [ev["day_first_example"], ev["month_first_example"]]
        message = N_("some dates are day first ('{first}'), others month first ('{second}')")
        out.questions.append(_date_question(header, examples, message, lang))
        return DateFormat(None, named=named)
    if ev["day_first"]:
        return DateFormat("dmy", named=named)
    if ev["month_first"]:
        return DateFormat("mdy", named=named)
    if ev["ambiguous"]:
        message = N_(
            "'{first}' can be read day first or month first, and no date in the column decides it"
        )
        out.questions.append(_date_question(header, [ev["ambiguous_example"]], message, lang))
        return DateFormat(None, named=named)
    return DateFormat("dmy", named=named or not ev["numeric"])


def _date_question(header: str, examples: list[str], message: str, lang: str) -> Question:
    day_first, month_first = patterns_for(examples[0])
    options = [f"--date-format '{day_first}'", f"--date-format '{month_first}'"]
    return Question(
        header,
        "date_order",
        examples,
        options,
        _(message, lang, first=examples[0], second=examples[-1]),
        _(
            N_(
                "say which: import again with {day_first} (day first) or {month_first} "
                "(month first), or set date_format in the mapping"
            ),
            lang,
            day_first=options[0],
            month_first=options[1],
        ),
    )


_NUMERIC = re.compile(
    r"\s*\d{1,2}([./-])\d{1,2}[./-](\d+)(?:,?[ T]+(\d{1,2})([:.])\d{2}(\4\d{2})?(\s*[AaPp][Mm])?)?"
)


def patterns_for(example: str) -> tuple[str, str]:
    """(day-first, month-first) strptime patterns that read ``example``.

    >>> patterns_for("05/03/26 14:30")
    ('%d/%m/%y %H:%M', '%m/%d/%y %H:%M')
    """
    found = _NUMERIC.match(example)
    if found is None:
        return "%d/%m/%Y", "%m/%d/%Y"
    sep, year, hour, tsep, seconds, ampm = found.groups()
    y = "%Y" if len(year) == 4 else "%y"
    time = ""
    if hour is not None:
        h = "%I" if ampm else "%H"
        time = f" {h}{tsep}%M" + (f"{tsep}%S" if seconds else "") + (" %p" if ampm else "")
    return f"%d{sep}%m{sep}{y}{time}", f"%m{sep}%d{sep}{y}{time}"
