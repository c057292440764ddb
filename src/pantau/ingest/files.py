"""What an input file is: existence checks, SHA-256, format, and (for text) its encoding.

Everything here streams the file in chunks: a file larger than memory is fine.
"""

from __future__ import annotations

import codecs
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

from pantau.errors import InputFileError
from pantau.i18n import gettext as _

CHUNK = 1 << 20
MAX_LINE = 2 << 20  # bytes in one CSV line
EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xlsb", ".ods"}
PARQUET_SUFFIXES = {".parquet", ".pq"}
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls (and other Office 97 files)
PARQUET_MAGIC = b"PAR1"
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


@dataclass(frozen=True)
class SourceFile:
    """An input file that exists and is not empty, with its format and checksum."""

    path: Path
    format: str  # 'csv', 'excel', 'html' (an HTML table saved as .xls) or 'parquet'
    checksum: str  # sha256 hex
    size: int
    encoding: str = "utf-8"  # for csv: 'utf-8', 'utf-8-sig', 'cp1252' or 'utf-16'

    @property
    def name(self) -> str:
        return self.path.name


def fail(path: Path | str, reason: str, hint: str = "", *, lang: str, **params: object) -> NoReturn:
    """Raise :class:`InputFileError` with ``reason`` and ``hint`` translated into ``lang``."""
    raise InputFileError(
        str(path), _(reason, lang, **params), _(hint, lang, **params) if hint else ""
    )


def inspect(path: str | Path, lang: str) -> SourceFile:
    """Check ``path`` is a readable, non-empty file; find its format; hash it (one pass)."""
    p = Path(path).expanduser()
    if not p.exists():
        fail(p, "file not found", "check the path and the file name", lang=lang)
    if p.is_dir():
        fail(
            p, "is a folder, not a file", "give the path of a CSV, XLSX or Parquet file", lang=lang
        )
    try:
        with p.open("rb") as fh:
            head = fh.read(CHUNK)
    except OSError as exc:
        fail(p, "cannot be read: {err}", lang=lang, err=exc.strerror or exc)
    if not head:
        fail(p, "the file is empty", "export the data again, with a header row", lang=lang)
    fmt = _format(p, head, lang)
    if fmt != "csv":
        checksum, size = _hash_only(p)
        return SourceFile(p, fmt, checksum, size)
    checksum, size, encoding = _scan_text(p, head, lang)
    return SourceFile(p, "csv", checksum, size, encoding)


def _format(p: Path, head: bytes, lang: str) -> str:
    suffix = p.suffix.lower()
    if head.startswith(ZIP_MAGIC) or head.startswith(OLE_MAGIC):
        return "excel"
    if head.startswith(PARQUET_MAGIC):
        return "parquet"
    if suffix == ".xls" and looks_like_html(head):
        return "html"  # a "Excel" export that is an HTML table (Salesforce Classic and others)
    if suffix in EXCEL_SUFFIXES or suffix == ".xls":
        fail(
            p,
            "is not a readable Excel workbook (damaged or truncated?)",
            "open it in Excel and save it again, or export it as CSV",
            lang=lang,
        )
    if suffix in PARQUET_SUFFIXES:
        fail(p, "is not a Parquet file", lang=lang)
    if b"\x00" in head and not head.startswith(UTF16_BOMS):
        _binary(p, head, lang)
    return "csv"


def looks_like_html(head: bytes) -> bool:
    """Whether the start of a file is an HTML document with a table."""
    text = head[:65536].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return text.startswith(b"<") and b"<table" in text


def _binary(p: Path, head: bytes, lang: str) -> NoReturn:
    if head[1:200:2].count(0) > 40 or head[0:200:2].count(0) > 40:
        fail(
            p,
            "looks like UTF-16 text without a byte-order mark",
            "save the file as 'CSV UTF-8 (comma delimited)'",
            lang=lang,
        )
    fail(
        p,
        "is a binary file, not a CSV, Excel or Parquet file",
        "export the data as CSV UTF-8 or XLSX",
        lang=lang,
    )


def _hash_only(p: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with p.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _scan_text(p: Path, head: bytes, lang: str) -> tuple[str, int, str]:
    """Hash the file, check whether it is valid UTF-8 and measure its lines, in one pass."""
    if head.startswith(UTF16_BOMS):
        checksum, size = _hash_only(p)
        return checksum, size, "utf-16"
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    lines = _LineMeter()
    utf8 = True
    with p.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
            lines.feed(chunk, p, lang)
            if utf8:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    utf8 = False
    lines.feed(b"\n", p, lang)
    if utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8 = False
    if not utf8:
        return digest.hexdigest(), lines.size, "cp1252"
    encoding = "utf-8-sig" if head.startswith(codecs.BOM_UTF8) else "utf-8"
    return digest.hexdigest(), lines.size, encoding


class _LineMeter:
    """Finds a line longer than :data:`MAX_LINE` while the file streams by.

    DuckDB's CSV reader silently skips a line larger than its buffer, so such a file is refused
    here. Lines inside one chunk are shorter than a chunk; only lines crossing chunk boundaries
    need measuring, which ``find`` and ``rfind`` do at C speed.
    """

    def __init__(self) -> None:
        self.size = 0
        self.line = 1  # line number of the current (unfinished) line
        self.open = 0  # bytes of the current line seen so far

    def feed(self, chunk: bytes, path: Path, lang: str) -> None:
        self.size += len(chunk)
        first = chunk.find(b"\n")
        if first < 0:
            self.open += len(chunk)
        else:
            self._check(self.open + first, path, lang)
            self.line += chunk.count(b"\n")
            self.open = len(chunk) - chunk.rfind(b"\n") - 1
        if self.open > MAX_LINE:
            self._check(self.open, path, lang)

    def _check(self, length: int, path: Path, lang: str) -> None:
        if length <= MAX_LINE:
            return
        if self.line == 1:
            fail(
                path,
                "the first line is longer than 1 MB, so it cannot be a header row",
                "the file must start with a header row naming the columns (see `pantau template`)",
                lang=lang,
            )
        fail(
            path,
            "line {line} is longer than the 2 MB a CSV line may have",
            "check that quotes are closed and the file really is a CSV table",
            lang=lang,
            line=self.line,
        )
