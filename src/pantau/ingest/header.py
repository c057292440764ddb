"""Header matching: which file column holds which template column.

Names match case-, space- and punctuation-insensitively: ``Rep ID``, `` rep_id ``, ``REP-ID``
and ``Rep.Id`` all name ``rep_id``. A file may hold any subset of the template columns as long
as the required ones are there; other columns are ignored (and listed in the report).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from pantau.ingest.files import fail
from pantau.model.records import RecordType

_SEPARATORS = re.compile(r"[\s\-./]+")


def normalise(name: str) -> str:
    """The comparable form of a header cell.

    >>> [normalise(n) for n in ("Rep ID", " rep_id ", "REP-ID", "rep_id*", "\\ufeffRep Id")]
    ['rep_id', 'rep_id', 'rep_id', 'rep_id', 'rep_id']
    """
    text = name.replace("\ufeff", "").strip().strip("*").strip().lower()
    return _SEPARATORS.sub("_", text).strip("_")


@dataclass(frozen=True)
class HeaderMap:
    """Template column → index of the file column holding it."""

    positions: dict[str, int]
    headers: list[str]
    ignored: list[str] = field(default_factory=list)
    missing_optional: list[str] = field(default_factory=list)

    def header_of(self, column: str) -> str:
        return self.headers[self.positions[column]]


def match_headers(rt: RecordType, headers: list[str], path: Path, lang: str) -> HeaderMap:
    """Map ``headers`` onto ``rt``'s columns; raise ``InputFileError`` if it cannot work."""
    known = set(rt.column_names)
    positions: dict[str, int] = {}
    ignored: list[str] = []
    for i, raw in enumerate(headers):
        name = normalise(raw)
        if name in known:
            if name in positions:
                _duplicate(path, rt, headers, name, lang)
            positions[name] = i
        elif name:
            ignored.append(raw.strip())
    _check_required(rt, positions, path, lang)
    missing = [c for c in rt.column_names if c not in positions]
    return HeaderMap(positions, headers, ignored, missing)


def _duplicate(path: Path, rt: RecordType, headers: list[str], name: str, lang: str) -> None:
    cells = [f"'{h.strip()}' ({_letter(i)})" for i, h in enumerate(headers) if normalise(h) == name]
    fail(
        path,
        "the header has column {column} more than once: {cells}",
        "keep one of them and import again",
        lang=lang,
        column=name,
        cells=", ".join(cells),
    )


def _check_required(rt: RecordType, positions: dict[str, int], path: Path, lang: str) -> None:
    missing = [c for c in rt.required if c not in positions]
    if missing:
        fail(
            path,
            "required column(s) missing for {type}: {columns}",
            "the header must name at least: {required}",
            lang=lang,
            type=rt.name,
            columns=", ".join(missing),
            required=", ".join(rt.required),
        )
    for group in rt.one_of:
        if not any(c in positions for c in group):
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


def _letter(index: int) -> str:
    """Spreadsheet column letter: 0 → A, 26 → AA."""
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out
