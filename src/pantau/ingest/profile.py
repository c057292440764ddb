"""A look at a file before importing it: its header row, a guessed mapping, how its numbers and
dates read, and values Excel damaged — what ``pantau mapping suggest`` prints.

Reads the file like an import does (same readers, same per-column evidence queries, in an
in-memory DuckDB), writes nothing.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from pantau.i18n import gettext as _
from pantau.ingest import aliases, formats
from pantau.ingest.damage import DAMAGE_RE, original
from pantau.ingest.files import inspect
from pantau.ingest.header import Field, raw_name
from pantau.ingest.layout import HeaderHint
from pantau.ingest.messages import N_
from pantau.ingest.readers import Source, open_source
from pantau.ingest.sqltext import literal, trimmed
from pantau.ingest.suggest import Suggestion, suggest_mapping
from pantau.model.records import RECORD_TYPES, record_type


@dataclass
class Profile:
    """What a look at a file found."""

    suggestion: Suggestion
    skipped: int = 0
    footer: tuple[str, ...] = ()
    decisions: formats.Decisions = field(default_factory=formats.Decisions)
    damage: dict[str, tuple[int, str]] = field(default_factory=dict)  # header → (count, example)

    def comments(self, lang: str) -> list[str]:
        """Comment lines for the suggested mapping file."""
        out = []
        if self.skipped:
            out.append(
                _(N_("{n} title lines above the header (skip_rows = {n})"), lang, n=self.skipped)
            )
        if self.footer:
            out.append(_(N_("footer lines left out: {lines}"), lang, lines=" | ".join(self.footer)))
        for header, how in self.decisions.notes.items():
            out.append(_(N_("{column} reads as {how}"), lang, column=header, how=how))
        for q in self.decisions.questions:
            out.append(f"{q.column}: {q.message}")
            key = "date_format" if q.kind == "date_order" else "decimal"
            choices = " or ".join(o.split(" ", 1)[1].strip("'") for o in q.options)
            out.append(
                _(N_("QUESTION: set {key} = one of {choices}"), lang, key=key, choices=choices)
            )
        for header, (n, example) in self.damage.items():
            out.append(
                _(
                    N_(
                        "{column}: {n} values look like ranges Excel turned into dates "
                        "('{example}' = {guess}?)"
                    ),
                    lang,
                    column=header,
                    n=n,
                    example=example,
                    guess=original(example),
                )
            )
        return out


def profile_file(
    path: str | Path,
    *,
    record_type_name: str | None = None,
    sheet: str | None = None,
    skip_rows: int | None = None,
    lang: str = "en",
) -> Profile:
    """Look at the file ``path`` (nothing is imported)."""
    known = frozenset(n for name in RECORD_TYPES for n in aliases.known(name))
    if record_type_name:
        known = aliases.known(record_type(record_type_name).name)
    with opened(path, HeaderHint(skip_rows, known), sheet, lang) as (con, source):
        suggestion = suggest_mapping(source.headers, record_type_name)
        return Profile(
            suggestion,
            source.skipped,
            source.footer,
            _formats(con, source, suggestion, lang),
            _damage(con, source),
        )


@contextmanager
def opened(
    path: str | Path, hint: HeaderHint, sheet: str | None, lang: str
) -> Iterator[tuple[duckdb.DuckDBPyConnection, Source]]:
    """The file as a source in an in-memory DuckDB (for a look, not an import)."""
    src = inspect(path, lang)
    with tempfile.TemporaryDirectory(prefix="pantau-look-") as tmp, duckdb.connect() as con:
        yield (
            con,
            open_source(
                con,
                src,
                sheet=sheet,
                workdir=Path(tmp),
                lang=lang,
                progress=lambda _s, _f: None,
                hint=hint,
            ),
        )


def _formats(
    con: duckdb.DuckDBPyConnection, source: Source, suggestion: Suggestion, lang: str
) -> formats.Decisions:
    rt = RECORD_TYPES[suggestion.record_type]
    index = {h.strip(): i for i, h in enumerate(source.headers)}
    columns = [
        (col, Field.of(index[suggestion.columns[col.name]], suggestion.columns[col.name]))
        for col in rt.columns
        if col.name in suggestion.columns
    ]
    given = formats.Given()
    return formats.decide(
        con, source.relation, columns, given, lang, source.typed, source.cell_types
    )


def _damage(con: duckdb.DuckDBPyConnection, source: Source) -> dict[str, tuple[int, str]]:
    """Per column (all of them): cells like ``May-20``, and one of them."""
    if not source.headers:
        return {}
    aggs = []
    for i in range(len(source.headers)):
        hit = f"regexp_full_match({trimmed(raw_name(i))}, {literal(DAMAGE_RE)})"
        aggs += [f"count(*) FILTER (WHERE {hit})", f"min(trim({raw_name(i)})) FILTER (WHERE {hit})"]
    row = con.execute(f"SELECT {', '.join(aggs)} FROM {source.relation}").fetchall()[0]
    return {
        source.headers[i].strip(): (int(row[2 * i]), str(row[2 * i + 1]))
        for i in range(len(source.headers))
        if row[2 * i]
    }
