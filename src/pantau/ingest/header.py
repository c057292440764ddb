"""Header matching: which file column holds which template column.

Names match case-, space- and punctuation-insensitively: ``Rep ID``, `` rep_id ``, ``REP-ID``
and ``Rep.Id`` all name ``rep_id``. A file may hold any subset of the template columns as long
as the required ones are there; other columns are ignored (and listed in the report).

The result is a :class:`HeaderMap`: for each template column a :class:`Field`, the SQL that reads
its text from the source relation (``c0``, ``c1`` …). Without a mapping a field is one file column;
a mapping (:mod:`pantau.ingest.mapping`) or a preset may add value maps, constants and expressions
over several columns, while reports still name the file's own header.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from pantau.ingest.files import fail
from pantau.ingest.sqltext import trimmed
from pantau.model.records import RecordType

_SEPARATORS = re.compile(r"[\s\-./:]+")


def raw_name(i: int) -> str:
    """Name of the ``i``-th column of a source relation: ``c0``, ``c1`` …"""
    return f"c{i}"


def normalise(name: str) -> str:
    """The comparable form of a header cell.

    >>> [normalise(n) for n in ("Rep ID", " rep_id ", "REP-ID", "rep_id*", "\\ufeffRep Id")]
    ['rep_id', 'rep_id', 'rep_id', 'rep_id', 'rep_id']
    """
    text = name.replace("\ufeff", "").strip().strip("*").strip().lower()
    return _SEPARATORS.sub("_", text).strip("_")


@dataclass(frozen=True)
class Field:
    """Where a template column's text comes from.

    ``sql`` yields the trimmed text (``NULL`` when empty) from the source relation; ``header`` is
    what reports call the column (the file's own header); ``index`` is that header's position
    (``None`` for a constant); ``header_sql``, when set, names the header per row (a reshaped
    source whose rows come from several file columns).
    """

    sql: str
    header: str
    index: int | None = None
    header_sql: str | None = None

    @property
    def plain(self) -> bool:
        """The field is one file column as it is (no value map, no expression)."""
        return self.index is not None and self.sql == trimmed(raw_name(self.index))

    @classmethod
    def of(cls, index: int, header: str) -> Field:
        """The plain field: file column ``index`` as it is."""
        return cls(trimmed(raw_name(index)), header, index)


@dataclass(frozen=True)
class HeaderMap:
    """Template column → :class:`Field`, plus what the file holds beyond them."""

    fields: dict[str, Field]
    headers: list[str]
    ignored: list[str] = field(default_factory=list)
    missing_optional: list[str] = field(default_factory=list)

    @property
    def positions(self) -> dict[str, int]:
        """Template column → index of the file column holding it (constants left out)."""
        return {c: f.index for c, f in self.fields.items() if f.index is not None}

    def header_of(self, column: str) -> str:
        return self.fields[column].header

    def columns(self) -> dict[str, str]:
        """File header → template column (for the report)."""
        return {f.header.strip(): c for c, f in self.fields.items()}


def match_headers(rt: RecordType, headers: list[str], path: Path, lang: str) -> HeaderMap:
    """Map ``headers`` onto ``rt``'s columns; raise ``InputFileError`` if it cannot work."""
    known = set(rt.column_names)
    fields: dict[str, Field] = {}
    ignored: list[str] = []
    for i, raw in enumerate(headers):
        name = normalise(raw)
        if name in known:
            if name in fields:
                _duplicate(path, headers, name, lang)
            fields[name] = Field.of(i, raw.strip() or name)
        elif name:
            ignored.append(raw.strip())
    return complete(rt, fields, headers, ignored, path, lang)


def complete(
    rt: RecordType,
    fields: dict[str, Field],
    headers: list[str],
    ignored: list[str],
    path: Path,
    lang: str,
    hint: str = "the header must name at least: {required}",
) -> HeaderMap:
    """Check the required columns are there; the :class:`HeaderMap` in template order."""
    check_required(rt, set(fields), path, lang, hint)
    ordered = {c: fields[c] for c in rt.column_names if c in fields}
    missing = [c for c in rt.column_names if c not in fields]
    return HeaderMap(ordered, headers, ignored, missing)


def _duplicate(path: Path, headers: list[str], name: str, lang: str) -> None:
    cells = [f"'{h.strip()}' ({letter(i)})" for i, h in enumerate(headers) if normalise(h) == name]
    fail(
        path,
        "the header has column {column} more than once: {cells}",
        "keep one of them and import again",
        lang=lang,
        column=name,
        cells=", ".join(cells),
    )


def check_required(rt: RecordType, present: set[str], path: Path, lang: str, hint: str) -> None:
    """Raise unless every required column and one of each ``one_of`` group is present."""
    missing = [c for c in rt.required if c not in present]
    if missing:
        fail(
            path,
            "required column(s) missing for {type}: {columns}",
            hint,
            lang=lang,
            type=rt.name,
            columns=", ".join(missing),
            required=", ".join(rt.required),
        )
    for group in rt.one_of:
        if not any(c in present for c in group):
            fail(
                path,
                "{type} needs one of the columns {columns}",
                "add a column {first} (or {others})",
                lang=lang,
                type=rt.name,
                columns=" / ".join(group),
                first=group[0],
                others=" / ".join(group[1:]),
            )


def letter(index: int) -> str:
    """Spreadsheet column letter: 0 → A, 26 → AA."""
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out
