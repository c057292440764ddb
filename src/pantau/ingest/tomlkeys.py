"""Line numbers of TOML keys, for error messages that point into a mapping file.

``tomllib`` parses but does not say where a key is, so the text is scanned once more: table
headers (``[values.stage]``) set the current table, ``key = value`` lines (bare, quoted or dotted
keys) give the line of ``table + key``. Lines inside multi-line strings are skipped.
"""

from __future__ import annotations

import re
import tomllib

Path = tuple[str, ...]

_SEGMENT = r'(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|\'[^\']*\')'
_KEY = rf"{_SEGMENT}(?:\s*\.\s*{_SEGMENT})*"
_TABLE = re.compile(rf"^\s*\[\s*({_KEY})\s*\]\s*(#.*)?$")
_ASSIGN = re.compile(rf"^\s*({_KEY})\s*=")
_PIECE = re.compile(_SEGMENT)


def split_key(text: str) -> Path:
    """The parts of a (possibly dotted, quoted) key.

    >>> split_key('values."Closed Won"'), split_key("a . 'b.c'")
    (('values', 'Closed Won'), ('a', 'b.c'))
    """
    return tuple(_unquote(m.group(0)) for m in _PIECE.finditer(text))


def _unquote(segment: str) -> str:
    if segment[0] in "\"'":
        return str(next(iter(tomllib.loads(f"{segment} = 0"))))
    return segment


def key_lines(text: str) -> dict[Path, int]:
    """Full key path → 1-based line of its first definition (tables and keys)."""
    out: dict[Path, int] = {}
    table: Path = ()
    in_string = False
    for number, line in enumerate(text.splitlines(), start=1):
        if in_string:
            in_string = _toggles(line, in_string)
            continue
        header = _TABLE.match(line)
        if header:
            table = split_key(header.group(1))
            out.setdefault(table, number)
            continue
        assign = _ASSIGN.match(line)
        if assign:
            out.setdefault(table + split_key(assign.group(1)), number)
        in_string = _toggles(line, in_string)
    return out


def _toggles(line: str, in_string: bool) -> bool:
    """Whether a multi-line string is open after ``line``."""
    for quote in ('"""', "'''"):
        if line.count(quote) % 2:
            return not in_string
    return in_string


def line_of(lines: dict[Path, int], path: Path) -> int | None:
    """The line of ``path``, else of its nearest enclosing table or key."""
    for end in range(len(path), 0, -1):
        if path[:end] in lines:
            return lines[path[:end]]
    return None
