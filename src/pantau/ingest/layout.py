"""Where the table is in a file: title rows above the header, footer lines below the data.

Report exports (Salesforce, accounting tools, spreadsheets made for printing) put a title, a date
and filter lines above the header row, and totals, a confidentiality note or a copyright line
below the data. The header row is found among the first :data:`MAX_TITLE_ROWS` rows as the first
row whose cells match known header names (``skip_rows`` says it outright); footer lines are
recognised by their wording, at the very end only, and reported — never any other row.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pantau.ingest.header import normalise

MAX_TITLE_ROWS = 30
TAIL = 1 << 16
#: the first non-empty cell of a footer line (RE2 and Python agree on this pattern)
FOOTER_RE = (
    r"(?i)(grand totals?\b.*|totals? \(\d+ records?\)|confidential information\b.*"
    r"|copyright\b.*|©.*|\(c\) ?\d{4}\b.*|generated (by|on|at)\b.*|dibuat (oleh|pada)\b.*"
    r"|rahasia\b.*)"
)
_FOOTER = re.compile(FOOTER_RE)


@dataclass(frozen=True)
class HeaderHint:
    """How to find the header row.

    ``skip_rows``: rows above the header, as the user said. Otherwise ``wanted`` (normalised
    headers a mapping needs: the first row holding them all) and ``known`` (normalised names that
    are headers: the first row with the most of them, at least two if any row has two).
    """

    skip_rows: int | None = None
    known: frozenset[str] = field(default_factory=frozenset)
    wanted: frozenset[str] = field(default_factory=frozenset)


def pick_header(rows: list[tuple[int, list[str]]], hint: HeaderHint) -> int:
    """The position of the header among ``rows`` ((position, cells), non-empty rows in order)."""
    if not rows:
        return 0
    if hint.skip_rows is not None:
        later = [pos for pos, _cells in rows if pos >= hint.skip_rows]
        return later[0] if later else rows[-1][0]
    names = [(pos, {normalise(c) for c in cells if c.strip()}) for pos, cells in rows]
    if hint.wanted:
        for pos, found in names:
            if hint.wanted <= found:
                return pos
    scores = [(pos, len(found & hint.known)) for pos, found in names]
    best = max(score for _pos, score in scores)
    if best == 0:
        return rows[0][0]
    return next(pos for pos, score in scores if score >= min(2, best))


def is_footer(cells: Iterable[str]) -> bool:
    """Whether a row is a footer line (judged by its first non-empty cell)."""
    first = next((c.strip() for c in cells if c and c.strip()), None)
    return first is not None and _FOOTER.fullmatch(first) is not None


@dataclass(frozen=True)
class Footer:
    """Footer lines at the end of a text file: where they start (bytes) and what they say."""

    offset: int
    lines: list[str]


def find_footer(path: Path, delimiter: str) -> Footer | None:
    """The footer block at the end of the UTF-8 text ``path`` (blank lines included), if any."""
    size = path.stat().st_size
    start = max(0, size - TAIL)
    with path.open("rb") as fh:
        fh.seek(start)
        tail = fh.read()
    pieces = tail.split(b"\n")
    offsets, pos = [], start
    for piece in pieces:
        offsets.append(pos)
        pos += len(piece) + 1
    first = 1 if start else 0  # the first piece of a tail may be a partial line
    found: list[str] = []
    cut = None
    for i in range(len(pieces) - 1, first - 1, -1):
        text = pieces[i].decode("utf-8", errors="replace").strip("\r")
        cells = next(csv.reader([text], delimiter=delimiter), [])
        if not any(c.strip() for c in cells):
            cut = offsets[i] if found else cut
            continue
        if not is_footer(cells):
            break
        found.insert(0, next(c.strip() for c in cells if c.strip()))
        cut = offsets[i]
    if not found or cut is None:
        return None
    return Footer(cut, found)


def cut_footer(path: Path, footer: Footer, target: Path) -> Path:
    """``path`` without its footer: truncated in place if it is our copy, else copied."""
    if path == target:
        with path.open("r+b") as fh:
            fh.truncate(footer.offset)
        return path
    remaining = footer.offset
    with path.open("rb") as fin, target.open("wb") as fout:
        while remaining > 0:
            chunk = fin.read(min(1 << 20, remaining))
            if not chunk:
                break
            fout.write(chunk)
            remaining -= len(chunk)
    return target
