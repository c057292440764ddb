"""CSV text: transcoding to UTF-8, the delimiter, the header row, and line numbers of rows.

DuckDB reads the data; Python only looks at the first lines (to find the header row below any
title lines, :mod:`pantau.ingest.layout`) and the last 64 KB (footer lines), and, when a report
names rows, walks the file once (streaming) to find the line each of those rows starts on — quoted
fields may hold line breaks, so row ``n`` is not always line ``n + 1``.
"""

from __future__ import annotations

import codecs
import csv
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pantau.ingest.files import CHUNK, SourceFile, fail
from pantau.ingest.layout import MAX_TITLE_ROWS, HeaderHint, cut_footer, find_footer, pick_header

DELIMITERS = (",", ";", "\t")
MAX_HEADER_CHARS = CHUNK


@dataclass(frozen=True)
class CsvText:
    """A CSV file as DuckDB will read it: UTF-8 text, delimiter and header cells.

    ``skip``: lines above the header (title lines); ``footer``: footer lines cut off the end.
    """

    path: Path
    delimiter: str
    header: list[str]
    skip: int = 0
    footer: tuple[str, ...] = ()


def prepare(src: SourceFile, workdir: Path, lang: str, hint: HeaderHint | None = None) -> CsvText:
    """Transcode to UTF-8 when needed, find the header row and its delimiter, cut any footer."""
    path = src.path
    if src.encoding not in ("utf-8", "utf-8-sig"):
        path = transcode(src, workdir / "utf8.csv", lang)
    lines = _first_lines(path, src, lang)
    rows = [(i, _cells(line)) for i, line in enumerate(lines) if line.strip()]
    skip = pick_header(rows, hint or HeaderHint())
    delimiter = sniff_delimiter(lines[skip] if lines else "")
    footer = find_footer(path, delimiter)
    if footer is not None:
        path = cut_footer(path, footer, workdir / "utf8.csv")
    return CsvText(
        path,
        delimiter,
        _header(path, delimiter, skip),
        skip,
        tuple(footer.lines) if footer else (),
    )


def _cells(line: str) -> list[str]:
    return next(iter(_reader([line], sniff_delimiter(line))), [])


def transcode(src: SourceFile, target: Path, lang: str) -> Path:
    """Write ``src`` (cp1252 or UTF-16) as UTF-8 into ``target``, in streaming chunks."""
    decoder = codecs.getincrementaldecoder(src.encoding)(errors="strict")
    offset = 0
    with src.path.open("rb") as fin, target.open("w", encoding="utf-8", newline="") as fout:
        while chunk := fin.read(CHUNK):
            try:
                fout.write(decoder.decode(chunk))
            except UnicodeDecodeError as exc:
                fail(
                    src.path,
                    "is neither UTF-8 nor Windows-1252 text (byte 0x{byte} at position {pos})",
                    "save the file as 'CSV UTF-8 (comma delimited)'",
                    lang=lang,
                    byte=f"{chunk[exc.start]:02X}",
                    pos=offset + exc.start,
                )
            offset += len(chunk)
        fout.write(decoder.decode(b"", final=True))
    return target


def _first_lines(path: Path, src: SourceFile, lang: str) -> list[str]:
    """The first lines of the file (at most :data:`MAX_TITLE_ROWS`, within the first 1 MB)."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        text = fh.read(MAX_HEADER_CHARS)
    end = text.find("\n")
    if end < 0 and len(text) >= MAX_HEADER_CHARS:
        fail(
            src.path,
            "the first line is longer than 1 MB, so it cannot be a header row",
            "the file must start with a header row naming the columns (see `pantau template`)",
            lang=lang,
        )
    lines = text.split("\n")
    if len(text) >= MAX_HEADER_CHARS:
        lines = lines[:-1]  # the last one may be cut
    return [line.rstrip("\r") for line in lines[:MAX_TITLE_ROWS]]


def sniff_delimiter(line: str) -> str:
    """The most frequent of ``,`` ``;`` and tab outside quotes in ``line`` (``,`` on a tie).

    >>> sniff_delimiter('rep_id;name;"a, b"')
    ';'
    """
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _reader(fh: Iterable[str], delimiter: str) -> Iterable[list[str]]:
    csv.field_size_limit(sys.maxsize)
    return csv.reader(fh, delimiter=delimiter, quotechar='"', doublequote=True, strict=False)


def _header(path: Path, delimiter: str, skip: int) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for _ in range(skip):
            fh.readline()
        for record in _reader(fh, delimiter):
            return record
    return []


def line_numbers(text: CsvText, rows: Iterable[int], records: int | None = None) -> dict[int, int]:
    """The file line on which each of ``rows`` (1-based data rows) starts.

    ``records``: how many rows DuckDB read from the file. When every line below the header is
    one of them (no blank line, no line break inside a cell: see :func:`one_line_per_row`),
    row ``n`` is on line ``skip + 1 + n``. Otherwise the file is walked: blank lines are skipped
    like DuckDB skips them; the walk stops after the last wanted row.
    """
    wanted = set(rows)
    if not wanted:
        return {}
    if records is not None and one_line_per_row(text, records):
        return {r: text.skip + 1 + r for r in wanted if 1 <= r <= records}
    last = max(wanted)
    out: dict[int, int] = {}
    with text.path.open(encoding="utf-8-sig", newline="") as fh:
        for _ in range(text.skip):
            fh.readline()
        reader = csv.reader(fh, delimiter=text.delimiter, quotechar='"', doublequote=True)
        csv.field_size_limit(sys.maxsize)
        next(reader, None)
        previous, row = reader.line_num, 0
        for record in reader:
            if record:
                row += 1
                if row in wanted:
                    out[row] = text.skip + previous + 1
                if row >= last:
                    break
            previous = reader.line_num
    return out


def one_line_per_row(text: CsvText, records: int) -> bool:
    """Whether the file has ``skip + 1 + records`` lines, none blank, none ended by a lone CR.

    Then each line below the header holds one whole row (a cell with a line break would take
    two lines, a blank line one more). Bytes are counted in C, chunk by chunk.
    """
    newlines, last = 0, b"\n"
    with text.path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            if chunk.endswith(b"\r"):
                chunk += fh.read(1)
            if last == b"\n" and chunk[:1] in (b"\n", b"\r"):  # a blank line at the boundary
                return False
            if b"\n\n" in chunk:
                return False
            if b"\r" in chunk and (
                b"\n\r\n" in chunk or chunk.count(b"\r") != chunk.count(b"\r\n")
            ):
                return False
            newlines += chunk.count(b"\n")
            last = chunk[-1:]
    lines = newlines + (0 if last == b"\n" else 1)
    return lines == text.skip + 1 + records
